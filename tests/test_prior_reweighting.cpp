// The arithmetic of `nubayes reweight` (sampler/prior_reweighting): which new priors a run can
// stand for, and whether the reweighted ln Z and its error are right, on synthetic nested-sampling
// records whose truth is known.
#include "evidence.h"
#include "prior.h"
#include "prior_reweighting.h"
#include "rng.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <numbers>

using namespace nubayes;

namespace {

constexpr double sigma = 0.1; // L = N(theta; 0.5, sigma) in one dimension, old prior uniform 0 1
constexpr double neg_inf = -std::numeric_limits<double>::infinity();

PriorSpec prior(const std::string& text) { return PriorSpec::parse("x", text); }

double log_normal(double x) {
  const double z = (x - 0.5) / sigma;
  return -0.5 * z * z - std::log(sigma * std::sqrt(2 * std::numbers::pi));
}

struct SyntheticRun {
  std::vector<double> theta, logl, logwt;
  std::vector<std::int64_t> nlive;
};

/// A nested-sampling record of L on uniform [0, 1] drawn exactly: the volume inside the contour
/// through theta is X = 2 |theta - 0.5|, each death shrinks X by t ~ Beta(n, 1), the dead point
/// sits on either side of the peak at random, and the final n live points die with n, n-1, ..., 1
/// live (their order statistics). Weights as the sampler writes them: expected volumes, trapezoid.
SyntheticRun synthetic_run(std::size_t n, std::uint64_t seed) {
  Rng rng(seed, StreamPurpose::user, 0);
  SyntheticRun run;
  double log_x = 0, log_x_expected = 0, last_logl = neg_inf;
  const auto die = [&](std::size_t live) {
    const double nd = static_cast<double>(live);
    log_x += std::log(rng.uniform_open()) / nd;
    const double theta = 0.5 + (rng.uniform() < 0.5 ? -0.5 : 0.5) * std::exp(log_x);
    const double logl = log_normal(theta);
    const double log_dx = log_x_expected + std::log(-std::expm1(-1.0 / nd));
    const double hi = std::max(last_logl, logl), lo = std::min(last_logl, logl);
    run.logwt.push_back(log_dx + hi + std::log1p(std::exp(lo - hi)) - std::numbers::ln2);
    run.theta.push_back(theta);
    run.logl.push_back(logl);
    run.nlive.push_back(static_cast<std::int64_t>(live));
    log_x_expected -= 1.0 / nd;
    last_logl = logl;
  };
  while (log_x > std::log(1e-7)) die(n); // far past the bulk (posterior width X ~ 0.2)
  for (std::size_t live = n; live >= 1; --live) die(live);
  return run;
}

/// ln pi'/pi for the old prior uniform 0 1 (density 1).
std::vector<double> log_ratio(const SyntheticRun& run, const PriorSpec& new_prior) {
  const PriorSpace space({new_prior});
  std::vector<double> r;
  for (double t : run.theta) r.push_back(in_support(new_prior, t) ? space.log_density(std::vector<double>{t}) : neg_inf);
  return r;
}

/// ln of the integral of L(theta) pi'(theta), by Simpson's rule over the new support.
double true_logz(const PriorSpec& new_prior) {
  const PriorSpace space({new_prior});
  const int steps = 20000;
  const double h = (new_prior.b - new_prior.a) / steps;
  double sum = 0;
  for (int k = 0; k <= steps; ++k) {
    const double x = new_prior.a + k * h;
    const double f = std::exp(log_normal(x) + space.log_density(std::vector<double>{x}));
    sum += f * (k == 0 || k == steps ? 1 : k % 2 ? 4 : 2);
  }
  return std::log(sum * h / 3);
}

} // namespace

TEST(PriorCoverage, NewSupportMustLieInsideTheOld) {
  EXPECT_FALSE(coverage_problem(prior("uniform 0 1"), prior("uniform 0.2 0.7")));
  EXPECT_FALSE(coverage_problem(prior("uniform 0 1"), prior("uniform 0 1")));
  EXPECT_FALSE(coverage_problem(prior("log-uniform 1e-4 0.5"), prior("log-uniform 1e-4 0.05")));
  EXPECT_FALSE(coverage_problem(prior("log-uniform 1e-4 0.5"), prior("uniform 0.01 0.5")));
  EXPECT_FALSE(coverage_problem(prior("gaussian 0 1"), prior("uniform -5 5")));
  EXPECT_FALSE(coverage_problem(prior("gaussian 0 1"), prior("gaussian 1 0.3")));
  EXPECT_FALSE(coverage_problem(prior("fixed 0.5"), prior("fixed 0.5")));
  EXPECT_TRUE(coverage_problem(prior("uniform 0 1"), prior("uniform -0.1 0.5")));
  EXPECT_TRUE(coverage_problem(prior("uniform 0 1"), prior("uniform 0.5 1.1")));
  EXPECT_TRUE(coverage_problem(prior("log-uniform 1e-4 0.5"), prior("uniform 0 0.5")));
  // A bounded prior cannot cover a gaussian, however narrow.
  EXPECT_TRUE(coverage_problem(prior("uniform 0 1"), prior("gaussian 0.5 0.01")));
  // Fixed stays fixed at its value; sampled stays sampled.
  EXPECT_TRUE(coverage_problem(prior("fixed 0.5"), prior("fixed 0.6")));
  EXPECT_TRUE(coverage_problem(prior("fixed 0.5"), prior("uniform 0 1")));
  EXPECT_TRUE(coverage_problem(prior("uniform 0 1"), prior("fixed 0.5")));
  const auto why = coverage_problem(prior("uniform 0 1"), prior("uniform 0 2"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("[0, 2]"), std::string::npos) << *why;
  EXPECT_NE(why->find("[0, 1]"), std::string::npos) << *why;
}

TEST(PriorCoverage, SupportIncludesItsBounds) {
  EXPECT_TRUE(in_support(prior("uniform 0 1"), 0.0));
  EXPECT_TRUE(in_support(prior("uniform 0 1"), 1.0));
  EXPECT_FALSE(in_support(prior("uniform 0 1"), 1.0000001));
  EXPECT_FALSE(in_support(prior("log-uniform 0.1 1"), 0.05));
  EXPECT_TRUE(in_support(prior("gaussian 0 1"), -1e30));
  EXPECT_TRUE(in_support(prior("fixed 2"), 2.0));
  EXPECT_FALSE(in_support(prior("fixed 2"), 2.5));
}

TEST(PriorReweighting, UnchangedPriorGivesTheRunBack) {
  const SyntheticRun run = synthetic_run(200, 1);
  const EvidenceSummary original = summarize_evidence(run.logwt, run.logl, run.nlive);
  const ReweightedEvidence r =
      reweight_evidence(run.logwt, run.logl, run.nlive, std::vector<double>(run.logwt.size(), 0.0));
  EXPECT_NEAR(r.logz, original.logz, 1e-12);
  EXPECT_NEAR(r.delta_logz, 0, 1e-12);
  EXPECT_EQ(r.logz_err_importance, 0);
  EXPECT_NEAR(r.delta_logz_err, 0, 1e-12); // the same volumes move ln Z' and ln Z alike
  EXPECT_NEAR(r.ess, original.ess, 1e-9 * original.ess);
  EXPECT_NEAR(r.information, original.information, 1e-12);
}

TEST(PriorReweighting, SimulatedCompressionErrorIsTheScatterOfLnZ) {
  // 200 independent runs (nlive 100) of the same problem: the scatter of their ln Z about its
  // mean is the true error (known to 5 %, 1/sqrt(2*199)); the mean simulated compression error
  // (200 shrinkage sequences each) must match it, within [0.8, 1.25] (4 x 5 % either way).
  // (summarize_evidence's first-order sum, sum (1-F)^2/n^2, gives 0.091 where the scatter is
  // 0.063 at nlive 200 on this low-information problem: it omits the anticorrelation between a
  // row's own volume width and the volumes after it.)
  const int runs = 200;
  std::vector<double> logz;
  double reported = 0;
  for (int k = 0; k < runs; ++k) {
    const SyntheticRun run = synthetic_run(100, 1000 + static_cast<std::uint64_t>(k));
    const ReweightedEvidence r =
        reweight_evidence(run.logwt, run.logl, run.nlive, std::vector<double>(run.logwt.size(), 0.0));
    logz.push_back(r.logz);
    reported += r.logz_err_compression / runs;
  }
  double mean = 0, ss = 0;
  for (double z : logz) mean += z / runs;
  for (double z : logz) ss += (z - mean) * (z - mean);
  const double scatter = std::sqrt(ss / (runs - 1));
  EXPECT_GT(reported / scatter, 0.8) << reported << " vs " << scatter;
  EXPECT_LT(reported / scatter, 1.25) << reported << " vs " << scatter;
}

TEST(PriorReweighting, AFinalPlateauAddsNoCompressionError) {
  // The no-oscillation case: L is one plateau, so the run is n rows sharing the whole volume.
  const std::size_t n = 100;
  Rng rng(3, StreamPurpose::user, 0);
  std::vector<double> logl(n, -2.0), logwt(n, -2.0 - std::log(double(n))), ratio(n);
  const std::vector<std::int64_t> nlive(n, static_cast<std::int64_t>(n));
  std::size_t kept = 0;
  for (auto& r : ratio) {
    r = rng.uniform() < 0.5 ? std::log(2.0) : neg_inf; // uniform on half the range
    kept += r != neg_inf;
  }
  const ReweightedEvidence r = reweight_evidence(logwt, logl, nlive, ratio);
  EXPECT_NEAR(r.logz_err_compression, 0, 1e-12);
  // The kept fraction f at twice the density: ln Z' - ln Z = ln 2f, and the importance error is
  // the binomial one, sqrt((1 - f) / (f n)).
  const double f = static_cast<double>(kept) / n;
  EXPECT_NEAR(r.delta_logz, std::log(2 * f), 1e-12);
  EXPECT_NEAR(r.logz_err_importance, std::sqrt((1 - f) / (f * n)), 1e-12);
  EXPECT_NEAR(r.ess, static_cast<double>(kept), 1e-9);
}

TEST(PriorReweighting, RowsOutsideTheNewSupportLoseTheirWeight) {
  const SyntheticRun run = synthetic_run(100, 2);
  const ReweightedEvidence r = reweight_evidence(run.logwt, run.logl, run.nlive, log_ratio(run, prior("uniform 0.4 0.7")));
  for (std::size_t i = 0; i < run.theta.size(); ++i)
    if (run.theta[i] < 0.4 || run.theta[i] > 0.7) {
      EXPECT_EQ(r.logwt[i], neg_inf) << i;
    }
  EXPECT_LT(r.ess, r.ess_original);
  const ReweightedEvidence none =
      reweight_evidence(run.logwt, run.logl, run.nlive, std::vector<double>(run.logwt.size(), neg_inf));
  EXPECT_EQ(none.logz, neg_inf);
  EXPECT_EQ(none.ess, 0);
}

TEST(PriorReweighting, ReportedErrorsMatchTheScatterAboutTheTruth) {
  // 100 independent synthetic runs per new prior: the pulls (ln Z' - truth) / error must scatter
  // with sd 1 if the error is honest (the sd of 100 pulls is known to about 7 %, so [0.75, 1.3]
  // is a 3.5-sigma band), and centre on 0 (mean within 3.5 x 1/sqrt(100)).
  for (const char* text : {"uniform 0.4 0.7", "log-uniform 0.3 0.8", "uniform 0.45 0.65"}) {
    const PriorSpec new_prior = prior(text);
    const double truth = true_logz(new_prior);
    double sum = 0, sum2 = 0;
    const int runs = 100;
    for (int k = 0; k < runs; ++k) {
      const SyntheticRun run = synthetic_run(50, 100 + static_cast<std::uint64_t>(k));
      ReweightOptions options;
      options.realizations = 100;
      options.seed = static_cast<std::uint64_t>(k) + 1;
      const ReweightedEvidence r = reweight_evidence(run.logwt, run.logl, run.nlive, log_ratio(run, new_prior), options);
      const double pull = (r.logz - truth) / r.logz_err;
      sum += pull;
      sum2 += pull * pull;
    }
    const double mean = sum / runs, sd = std::sqrt(sum2 / runs - mean * mean);
    EXPECT_NEAR(mean, 0, 0.35) << text;
    EXPECT_GT(sd, 0.75) << text;
    EXPECT_LT(sd, 1.3) << text;
  }
}
