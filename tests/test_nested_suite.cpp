// Nested sampling against analytic evidences, with fixed seeds and a tolerance from the run's
// own reported error (|ln Z - truth| < 4 sigma, as dynesty's test_gau.py). Set
// NUBAYES_SEED_LOOP=N to repeat every case over N seeds when hunting rare failures.
#include "evidence.h"
#include "nested_sampler.h"
#include "posterior_summary.h"
#include "test_problems.h"

#include <cmath>
#include <cstdlib>
#include <gtest/gtest.h>
#include <map>

using namespace nubayes;

namespace {

struct MemoryRun {
  EvidenceSummary evidence;
  InsertionTest insertion;
  double truth = 0;
  std::uint64_t nlike = 0;
  std::int64_t smallest_nlive = 0;
  std::vector<double> logwt;
  std::vector<double> values; // rows x nvariables
  std::size_t nvariables = 0;
};

MemoryRun run_in_memory(const std::string& name, std::map<std::string, std::string> options,
                        NestedOptions no) {
  TestProblemSetup setup = make_test_problem(name, ModelOptions(std::move(options)));
  const PriorSpace prior(setup.priors);
  const Problem problem(prior, *setup.likelihood, name);
  const Communicator comm;
  NestedSampler sampler(problem, no, comm);
  MemoryRun r;
  r.truth = *setup.analytic_logz;
  r.nvariables = problem.nparams();
  std::vector<double> logl;
  std::vector<std::int64_t> nlive;
  auto collect = [&] {
    const SampleRows rows = sampler.take_rows();
    r.logwt.insert(r.logwt.end(), rows.logwt.begin(), rows.logwt.end());
    logl.insert(logl.end(), rows.logl.begin(), rows.logl.end());
    nlive.insert(nlive.end(), rows.nlive.begin(), rows.nlive.end());
    r.values.insert(r.values.end(), rows.values.begin(), rows.values.end());
  };
  sampler.initialize();
  while (!sampler.done()) {
    sampler.iterate();
    collect();
  }
  r.smallest_nlive = *std::min_element(nlive.begin(), nlive.end()); // before the final live points
  sampler.finish();
  collect();
  r.evidence = summarize_evidence(r.logwt, logl, nlive);
  r.insertion = insertion_rank_test(sampler.insertion_quantiles(), no.nlive);
  r.nlike = sampler.nlike();
  return r;
}

int seed_loop() {
  const char* s = std::getenv("NUBAYES_SEED_LOOP");
  return s ? std::max(1, std::atoi(s)) : 1;
}

void expect_evidence(const std::string& name, const std::map<std::string, std::string>& options,
                     NestedOptions no) {
  for (int k = 0; k < seed_loop(); ++k) {
    no.seed += static_cast<std::uint64_t>(k);
    const MemoryRun r = run_in_memory(name, options, no);
    SCOPED_TRACE(name + " seed " + std::to_string(no.seed));
    EXPECT_LT(std::abs(r.evidence.logz - r.truth), 4 * r.evidence.logz_err)
        << "lnZ " << r.evidence.logz << " +- " << r.evidence.logz_err << ", truth " << r.truth;
    // The error itself must be sane: close to Skilling's sqrt(H / nlive).
    const double skilling = std::sqrt(r.evidence.information / double(no.nlive));
    EXPECT_GT(r.evidence.logz_err, 0.7 * skilling);
    EXPECT_LT(r.evidence.logz_err, 1.5 * skilling);
    // Constrained sampling must look unbiased to the insertion-rank test.
    EXPECT_GT(r.insertion.pvalue, 1e-4);
  }
}

NestedOptions options(std::size_t nlive, std::uint64_t seed, SamplingMethod m = SamplingMethod::automatic) {
  NestedOptions o;
  o.nlive = nlive;
  o.seed = seed;
  o.method = m;
  return o;
}

} // namespace

TEST(NestedSuite, Gauss2d) { expect_evidence("gauss", {{"ndim", "2"}}, options(500, 101)); }
TEST(NestedSuite, Gauss10d) { expect_evidence("gauss", {{"ndim", "10"}}, options(300, 102)); }
TEST(NestedSuite, CorrelatedGauss10d) { expect_evidence("corr-gauss", {{"ndim", "10"}}, options(300, 103)); }
TEST(NestedSuite, Shells) { expect_evidence("shells", {}, options(500, 104)); }
TEST(NestedSuite, Eggbox) { expect_evidence("eggbox", {}, options(500, 105)); }
TEST(NestedSuite, Rosenbrock) { expect_evidence("rosenbrock", {}, options(500, 106)); }
TEST(NestedSuite, RegionMethodForced) {
  expect_evidence("gauss", {{"ndim", "5"}}, options(300, 107, SamplingMethod::region));
}
TEST(NestedSuite, SliceAt30Dimensions) {
  expect_evidence("gauss", {{"ndim", "30"}}, options(200, 108, SamplingMethod::slice));
}
TEST(NestedSuite, SliceOnStronglyCorrelatedGauss) {
  expect_evidence("corr-gauss", {{"ndim", "10"}, {"condition", "1e4"}}, options(200, 109, SamplingMethod::slice));
}

TEST(NestedSuite, PlateauDiesTogetherAndGivesTheRightEvidence) {
  // Half the prior has exactly L = 1: those points must die as one batch (the live count
  // falls) and the evidence must still be right (Fowlie, Handley & Su 2020).
  const MemoryRun r = run_in_memory("plateau", {}, options(400, 110));
  EXPECT_LT(r.smallest_nlive, 300);
  EXPECT_LT(std::abs(r.evidence.logz - r.truth), 4 * r.evidence.logz_err)
      << "lnZ " << r.evidence.logz << " +- " << r.evidence.logz_err << ", truth " << r.truth;
}

TEST(NestedSuite, PosteriorMomentsOfGauss) {
  const MemoryRun r = run_in_memory("gauss", {{"ndim", "2"}}, options(500, 111));
  std::vector<double> w(r.logwt.size()), x(r.logwt.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = std::exp(r.logwt[i] - r.evidence.logz);
    x[i] = r.values[i * r.nvariables];
  }
  const MarginalSummary s = summarize_marginal(x, w);
  // Monte-Carlo error of the mean: sd / sqrt(ESS); nested sampling adds volume noise, so allow 5x.
  const double mc = 0.1 / std::sqrt(r.evidence.ess);
  EXPECT_NEAR(s.mean, 0.5, 5 * mc);
  EXPECT_NEAR(s.sd, 0.1, 0.1 * 5 / std::sqrt(2 * r.evidence.ess));
}

TEST(NestedSuite, SameSeedSameBitsOtherSeedOtherBits) {
  const MemoryRun a = run_in_memory("shells", {}, options(200, 7));
  const MemoryRun b = run_in_memory("shells", {}, options(200, 7));
  const MemoryRun c = run_in_memory("shells", {}, options(200, 8));
  EXPECT_EQ(a.evidence.logz, b.evidence.logz);
  EXPECT_EQ(a.nlike, b.nlike);
  EXPECT_EQ(a.values, b.values);
  EXPECT_NE(a.evidence.logz, c.evidence.logz);
}
