// The MCMC samplers under several MPI ranks (run by CTest with mpirun -n 2 and -n 4): every rank
// must hold the same chains bit for bit, reruns must repeat them, the moments must be right,
// the likelihood work must be shared, and a likelihood failure on one rank must stop every rank.
#include "mcmc_diagnostics.h"
#include "mcmc_samplers.h"
#include "nested_sampler.h" // PeerFailure
#include "test_problems.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <gtest/gtest.h>
#include <mpi.h>

using namespace nubayes;

namespace {

enum class Kind { am, ensemble };

McmcResult run(Kind kind, const std::string& name, std::map<std::string, std::string> opts,
               std::uint64_t seed, std::size_t burn, std::size_t nsteps,
               const LogLikelihood* override_likelihood = nullptr) {
  TestProblemSetup setup = make_test_problem(name, ModelOptions(std::move(opts)));
  const PriorSpace prior(setup.priors);
  const Problem problem(prior, override_likelihood ? *override_likelihood : *setup.likelihood, name);
  McmcOptions o;
  o.seed = seed;
  o.burn = burn;
  o.nsteps = nsteps;
  o.nchains = 8;
  const Communicator comm;
  return kind == Kind::am ? run_adaptive_metropolis(problem, o, comm) : run_ensemble(problem, o, comm);
}

/// Every draw, ln L and flag of a result, flattened.
std::vector<double> flatten(const McmcResult& r) {
  std::vector<double> out;
  for (std::size_t c = 0; c < r.u.size(); ++c)
    for (std::size_t i = 0; i < r.u[c].size(); ++i) {
      out.insert(out.end(), r.u[c][i].begin(), r.u[c][i].end());
      out.insert(out.end(), r.theta[c][i].begin(), r.theta[c][i].end());
      out.push_back(r.logl[c][i]);
      out.push_back(r.accepted[c][i]);
    }
  out.push_back(static_cast<double>(r.nlike));
  return out;
}

/// True if every rank holds exactly the same bits.
bool same_on_all_ranks(const std::vector<double>& values) {
  const Communicator comm;
  const std::vector<double> all = comm.allgather(values);
  for (int r = 1; r < comm.size(); ++r)
    if (std::memcmp(all.data() + static_cast<std::size_t>(r) * values.size(), all.data(),
                    values.size() * sizeof(double)) != 0)
      return false;
  return true;
}

/// Counts this rank's calls.
class CountingGauss : public LogLikelihood {
public:
  std::vector<std::string> term_names() const override { return {"gauss"}; }
  std::string fingerprint() const override { return "counting"; }
  double evaluate(std::span<const double> x, std::span<double> t, std::span<double>) const override {
    ++calls;
    double r2 = 0;
    for (double v : x) r2 += (v - 0.5) * (v - 0.5);
    return t[0] = -0.5 * r2 / 0.01;
  }
  mutable std::uint64_t calls = 0;
};

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

const char* name_of(Kind k) { return k == Kind::am ? "adaptive-metropolis" : "ensemble"; }

} // namespace

TEST(MpiMcmc, AllRanksHoldTheSameChainsAndTheMomentsAreRight) {
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    const McmcResult r = run(kind, "gauss", {{"ndim", "4"}}, 21, 1000, 4000);
    EXPECT_TRUE(same_on_all_ranks(flatten(r))) << name_of(kind);
    for (std::size_t i = 0; i < 4; ++i) {
      std::vector<std::vector<double>> x;
      double s = 0, s2 = 0, n = 0;
      for (const auto& chain : r.theta) {
        x.emplace_back();
        for (const auto& th : chain) {
          x.back().push_back(th[i]);
          s += th[i];
          s2 += (th[i] - 0.5) * (th[i] - 0.5);
          n += 1;
        }
      }
      const double ess = n / integrated_time_emcee(x);
      const double mean = s / n, sd = std::sqrt(s2 / n - (mean - 0.5) * (mean - 0.5));
      EXPECT_GT(ess, 200) << name_of(kind);
      EXPECT_LT(std::abs(mean - 0.5), 5 * 0.1 / std::sqrt(ess)) << name_of(kind) << " mean " << mean;
      EXPECT_LT(std::abs(sd - 0.1), 0.15 * 0.1) << name_of(kind) << " sd " << sd;
    }
  }
}

TEST(MpiMcmc, RerunsRepeatBitForBit) {
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    const auto a = flatten(run(kind, "corr-gauss", {{"ndim", "10"}}, 5, 100, 300));
    const auto b = flatten(run(kind, "corr-gauss", {{"ndim", "10"}}, 5, 100, 300));
    EXPECT_EQ(a, b) << name_of(kind);
    EXPECT_TRUE(same_on_all_ranks(a)) << name_of(kind);
    // The chains do not depend on the rank count either: print a digest to compare by hand
    // between mpirun -n 1, 2 and 4.
    std::uint64_t h = 1469598103934665603ULL;
    for (double v : a) {
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      h = (h ^ bits) * 1099511628211ULL;
    }
    if (Communicator().is_root()) std::printf("[ DIGEST   ] %s %016llx\n", name_of(kind), static_cast<unsigned long long>(h));
  }
}

TEST(MpiMcmc, TheLikelihoodWorkIsShared) {
  const Communicator comm;
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    const CountingGauss counting;
    const McmcResult r = run(kind, "gauss", {{"ndim", "4"}}, 3, 0, 100, &counting);
    const std::vector<double> calls = comm.allgather({static_cast<double>(counting.calls)});
    double total = 0;
    for (double c : calls) {
      total += c;
      if (comm.size() > 1) {
        EXPECT_LT(c, static_cast<double>(r.nlike)) << name_of(kind);
      }
    }
    EXPECT_EQ(total, static_cast<double>(r.nlike)) << name_of(kind);
  }
}

TEST(MpiMcmc, LikelihoodFailureOnOneRankStopsEveryRank) {
  const Communicator comm;
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    const FailsOnLastRank failing;
    bool local_error = false, peer_error = false;
    try {
      run(kind, "gauss", {}, 9, 0, 1000, &failing);
    } catch (const LikelihoodError& e) {
      local_error = true;
      EXPECT_NE(std::string(e.what()).find("log-likelihood is nan"), std::string::npos) << e.what();
    } catch (const PeerFailure&) {
      peer_error = true;
    }
    if (comm.rank() == comm.size() - 1) EXPECT_TRUE(local_error) << name_of(kind);
    else EXPECT_TRUE(peer_error) << name_of(kind);
  }
}
