// The nested sampler under several MPI ranks (run by CTest with mpirun -n 2 and -n 4):
// every rank must end with the same state, reruns must repeat it bit for bit, the evidence must
// be right, and a likelihood failure on one rank must stop every rank without a hang.
#include "evidence.h"
#include "nested_sampler.h"
#include "test_problems.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <mpi.h>

using namespace nubayes;

namespace {

struct Result {
  double logz = 0, logz_err = 0, truth = 0;
  std::uint64_t nlike = 0;
};

Result run(const std::string& name, std::map<std::string, std::string> opts, std::uint64_t seed,
           const LogLikelihood* override_likelihood = nullptr) {
  TestProblemSetup setup = make_test_problem(name, ModelOptions(std::move(opts)));
  const PriorSpace prior(setup.priors);
  const Problem problem(prior, override_likelihood ? *override_likelihood : *setup.likelihood, name);
  NestedOptions no;
  no.nlive = 300;
  no.seed = seed;
  const Communicator comm;
  NestedSampler sampler(problem, no, comm);
  std::vector<double> logwt, logl;
  std::vector<std::int64_t> nlive;
  auto collect = [&] {
    const SampleRows rows = sampler.take_rows();
    logwt.insert(logwt.end(), rows.logwt.begin(), rows.logwt.end());
    logl.insert(logl.end(), rows.logl.begin(), rows.logl.end());
    nlive.insert(nlive.end(), rows.nlive.begin(), rows.nlive.end());
  };
  sampler.initialize();
  while (!sampler.done()) {
    sampler.iterate();
    collect();
  }
  sampler.finish();
  collect();
  const EvidenceSummary e = summarize_evidence(logwt, logl, nlive);
  return {e.logz, e.logz_err, *setup.analytic_logz, sampler.nlike()};
}

/// True if every rank holds exactly the same bits.
bool same_on_all_ranks(double value) {
  const Communicator comm;
  const std::vector<double> all = comm.allgather({value});
  for (double v : all)
    if (std::memcmp(&v, &all[0], sizeof v) != 0) return false;
  return true;
}

/// Fails with NaN on the last rank once it has served a few calls.
class FailsOnLastRank : public LogLikelihood {
public:
  std::vector<std::string> term_names() const override { return {"fails"}; }
  std::string fingerprint() const override { return "fails"; }
  double evaluate(std::span<const double> x, std::span<double> t, std::span<double>) const override {
    const Communicator comm;
    if (comm.rank() == comm.size() - 1 && ++calls_ > 50) return std::nan("");
    return t[0] = -x[0] * x[0];
  }

private:
  mutable int calls_ = 0;
};

} // namespace

TEST(MpiNested, AllRanksAgreeAndTheEvidenceIsRight) {
  for (const char* name : {"gauss", "shells"}) {
    const Result r = run(name, {}, 21);
    EXPECT_TRUE(same_on_all_ranks(r.logz)) << name;
    EXPECT_TRUE(same_on_all_ranks(static_cast<double>(r.nlike))) << name;
    EXPECT_LT(std::abs(r.logz - r.truth), 4 * r.logz_err) << name << " lnZ " << r.logz << " +- " << r.logz_err;
  }
}

TEST(MpiNested, RerunsRepeatBitForBit) {
  const Result a = run("eggbox", {}, 5);
  const Result b = run("eggbox", {}, 5);
  EXPECT_EQ(a.logz, b.logz);
  EXPECT_EQ(a.nlike, b.nlike);
}

TEST(MpiNested, LikelihoodFailureOnOneRankStopsEveryRank) {
  const FailsOnLastRank failing;
  const Communicator comm;
  bool local_error = false, peer_error = false;
  try {
    run("gauss", {}, 9, &failing);
  } catch (const LikelihoodError& e) {
    local_error = true;
    EXPECT_NE(std::string(e.what()).find("log-likelihood is nan"), std::string::npos) << e.what();
  } catch (const PeerFailure&) {
    peer_error = true;
  }
  if (comm.rank() == comm.size() - 1) EXPECT_TRUE(local_error);
  else EXPECT_TRUE(peer_error);
}
