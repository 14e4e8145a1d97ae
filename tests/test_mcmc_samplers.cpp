// The MCMC samplers (adaptive Metropolis and the affine-invariant ensemble) on the built-in
// Gaussian problems: posterior moments within tolerances set by the effective sample size,
// determinism, bit-exact resume from a saved state, and the ensemble's acceptance fraction.
//
// ESS: the integrated autocorrelation time tau of each quantity is estimated from the draws
// (integrated_time_emcee from mcmc_diagnostics.h: the per-chain autocorrelation function averaged over chains, summed
// with Sokal's automatic window c = 5, as emcee does); ESS = chains x draws / tau. The mean of a
// parameter must lie within 5 sigma / sqrt(ESS_x) of the truth, and its sd within
// 5 sigma / sqrt(2 ESS_{(x-mu)^2}) (the sd of a Gaussian sample sd, with the ESS of (x - mu)^2).
#include "mcmc_diagnostics.h"
#include "problem_fixture.h"
#include "mcmc_samplers.h"
#include "rng.h"
#include "test_problems.h"

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace nubayes;

namespace {

enum class Kind { am, ensemble };

using nubayes::testing::ProblemFixture;

/// The covariance of corr-gauss.
Eigen::MatrixXd corr_gauss_covariance(std::size_t ndim, double condition) {
  const CorrGaussShape shape = corr_gauss_shape(ndim, condition);
  return shape.rotation * shape.eigenvalues.asDiagonal() * shape.rotation.transpose();
}

McmcResult run(Kind kind, const Problem& problem, const McmcOptions& o) {
  const Communicator comm;
  return kind == Kind::am ? run_adaptive_metropolis(problem, o, comm) : run_ensemble(problem, o, comm);
}

/// [chain][draw] of f(theta[param]).
template <class F>
std::vector<std::vector<double>> series(const McmcResult& r, std::size_t param, F f) {
  std::vector<std::vector<double>> out;
  for (const auto& chain : r.theta) {
    std::vector<double> x;
    x.reserve(chain.size());
    for (const auto& th : chain) x.push_back(f(th[param]));
    out.push_back(std::move(x));
  }
  return out;
}

struct Moments {
  double mean = 0, sd = 0, ess_mean = 0, ess_sq = 0, tau = 0;
};

Moments moments(const McmcResult& r, std::size_t param, double true_mean) {
  Moments m;
  const auto x = series(r, param, [](double v) { return v; });
  double s = 0, s2 = 0, n = 0;
  for (const auto& c : x)
    for (double v : c) {
      s += v;
      s2 += (v - true_mean) * (v - true_mean);
      n += 1;
    }
  m.mean = s / n;
  m.sd = std::sqrt(s2 / n - (m.mean - true_mean) * (m.mean - true_mean));
  m.tau = integrated_time_emcee(x);
  m.ess_mean = n / m.tau;
  const auto sq = series(r, param, [&](double v) { return (v - true_mean) * (v - true_mean); });
  m.ess_sq = n / integrated_time_emcee(sq);
  return m;
}

/// Checks every parameter's mean and sd against the truth; returns the smallest ESS of the mean.
double check_moments(const McmcResult& r, const std::vector<double>& mu, const std::vector<double>& sigma,
                     const std::string& label) {
  double min_ess = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < mu.size(); ++i) {
    const Moments m = moments(r, i, mu[i]);
    min_ess = std::min(min_ess, m.ess_mean);
    EXPECT_GT(m.ess_mean, 100) << label << " param " << i << " tau " << m.tau;
    EXPECT_LT(std::abs(m.mean - mu[i]), 5 * sigma[i] / std::sqrt(m.ess_mean))
        << label << " param " << i << " mean " << m.mean << " truth " << mu[i] << " ESS " << m.ess_mean;
    EXPECT_LT(std::abs(m.sd - sigma[i]), 5 * sigma[i] / std::sqrt(2 * m.ess_sq))
        << label << " param " << i << " sd " << m.sd << " truth " << sigma[i] << " ESS(x^2) " << m.ess_sq;
  }
  return min_ess;
}

McmcOptions options_for(Kind kind, std::size_t burn, std::size_t nsteps, std::uint64_t seed = 7) {
  McmcOptions o;
  o.seed = seed;
  o.burn = burn;
  o.nsteps = nsteps;
  o.nchains = kind == Kind::am ? 8 : 4;
  return o;
}

const char* kind_name(Kind k) { return k == Kind::am ? "adaptive-metropolis" : "ensemble"; }

} // namespace

TEST(McmcSamplers, GaussMoments) {
  for (Kind kind : {Kind::am, Kind::ensemble})
    for (std::size_t d : {2u, 10u}) {
      ProblemFixture s("gauss", {{"ndim", std::to_string(d)}});
      const McmcOptions o = options_for(kind, kind == Kind::am ? 2000 : 500, kind == Kind::am ? 10000 : 2000);
      const McmcResult r = run(kind, s.problem, o);
      const std::string label = std::string(kind_name(kind)) + " gauss-" + std::to_string(d) + "d";
      check_moments(r, std::vector<double>(d, 0.5), std::vector<double>(d, 0.1), label);
      const double acc = r.acceptance_fraction();
      EXPECT_GT(acc, 0.1) << label;
      EXPECT_LT(acc, 0.8) << label;
    }
}

TEST(McmcSamplers, CorrelatedGaussMomentsAndEssPerCall) {
  const std::size_t d = 10;
  const Eigen::MatrixXd cov = corr_gauss_covariance(d, 1e4);
  std::vector<double> mu(d, 0.0), sigma(d);
  for (std::size_t i = 0; i < d; ++i) sigma[i] = std::sqrt(cov(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)));
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    ProblemFixture s("corr-gauss", {{"ndim", "10"}});
    const McmcOptions o = options_for(kind, kind == Kind::am ? 20000 : 3000, kind == Kind::am ? 40000 : 10000);
    const auto t0 = std::chrono::steady_clock::now();
    const McmcResult r = run(kind, s.problem, o);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string label = std::string(kind_name(kind)) + " corr-gauss-10d";
    const double min_ess = check_moments(r, mu, sigma, label);
    // Worst-parameter tau in steps and the ESS per likelihood call over the recorded steps.
    double max_tau = 0;
    for (std::size_t i = 0; i < d; ++i) max_tau = std::max(max_tau, moments(r, i, 0.0).tau);
    const double chains = static_cast<double>(r.theta.size());
    const double recorded_calls = chains * static_cast<double>(o.nsteps);
    std::printf("[ ESS      ] %s: chains %.0f, steps %zu+%zu, tau_max %.1f steps, min ESS %.0f, "
                "ESS per call %.5f (recorded steps) %.5f (all %llu calls), acceptance %.3f, %.2f s\n",
                label.c_str(), chains, o.burn, o.nsteps, max_tau, min_ess, min_ess / recorded_calls,
                min_ess / static_cast<double>(r.nlike), static_cast<unsigned long long>(r.nlike),
                r.acceptance_fraction(), secs);
  }
}

TEST(McmcSamplers, EnsembleAcceptanceIsSaneOnGauss10d) {
  ProblemFixture s("gauss", {{"ndim", "10"}});
  const McmcResult r = run(Kind::ensemble, s.problem, options_for(Kind::ensemble, 300, 1000));
  EXPECT_EQ(r.theta.size(), 40u); // max(32, 4d)
  EXPECT_GT(r.acceptance_fraction(), 0.2);
  EXPECT_LT(r.acceptance_fraction(), 0.6);
}

TEST(McmcSamplers, SameSeedSameDrawsOtherSeedOtherDraws) {
  for (Kind kind : {Kind::am, Kind::ensemble}) {
    ProblemFixture s("corr-gauss", {{"ndim", "10"}});
    const McmcResult a = run(kind, s.problem, options_for(kind, 50, 200, 3));
    const McmcResult b = run(kind, s.problem, options_for(kind, 50, 200, 3));
    const McmcResult c = run(kind, s.problem, options_for(kind, 50, 200, 4));
    EXPECT_EQ(a.u, b.u) << kind_name(kind);
    EXPECT_EQ(a.theta, b.theta) << kind_name(kind);
    EXPECT_EQ(a.logl, b.logl) << kind_name(kind);
    EXPECT_EQ(a.accepted, b.accepted) << kind_name(kind);
    EXPECT_EQ(a.nlike, b.nlike) << kind_name(kind);
    EXPECT_NE(a.u, c.u) << kind_name(kind);
    // Draws are in physical units: theta = 2u - 1 for corr-gauss.
    EXPECT_DOUBLE_EQ(a.theta[0][5][3], 2 * a.u[0][5][3] - 1);
  }
}

TEST(McmcSamplers, ChainsStartDispersedAndStayInTheCube) {
  ProblemFixture s("gauss", {{"ndim", "2"}});
  McmcOptions o = options_for(Kind::am, 0, 1);
  AdaptiveMetropolis am(s.problem, o, Communicator());
  am.initialize();
  double lo = 1, hi = 0;
  for (const auto& c : am.state().chains) {
    lo = std::min(lo, c.u[0]);
    hi = std::max(hi, c.u[0]);
  }
  EXPECT_GT(hi - lo, 0.2); // 8 uniform draws
  const McmcResult r = run(Kind::ensemble, s.problem, options_for(Kind::ensemble, 0, 200));
  for (const auto& chain : r.u)
    for (const auto& u : chain)
      for (double x : u) {
        EXPECT_GE(x, 0.0);
        EXPECT_LE(x, 1.0);
      }
}

namespace {

template <class Sampler, class State>
void check_resume(const Problem& problem, const McmcOptions& o) {
  const Communicator comm;
  Sampler straight(problem, o, comm);
  straight.initialize();
  for (int i = 0; i < 300; ++i) straight.step();

  Sampler first(problem, o, comm);
  first.initialize();
  for (int i = 0; i < 120; ++i) first.step();
  StateFile file;
  first.state().save(file);
  const auto path = std::filesystem::temp_directory_path() /
                    ("nubayes_mcmc_resume_" + std::to_string(::getpid()) + ".h5");
  file.save_atomic(path.string());
  const StateFile loaded = StateFile::load(path.string());
  std::filesystem::remove(path);

  Sampler second(problem, o, comm);
  second.set_state(State::load(loaded));
  EXPECT_TRUE(second.state() == first.state());
  for (int i = 0; i < 180; ++i) second.step();
  EXPECT_TRUE(second.state() == straight.state());
  EXPECT_EQ(second.state().nlike, straight.state().nlike);
  EXPECT_EQ(second.state().step, 300u);
}

} // namespace

TEST(McmcSamplers, SaveLoadMidRunContinuesBitForBit) {
  ProblemFixture s("corr-gauss", {{"ndim", "10"}});
  check_resume<AdaptiveMetropolis, AmState>(s.problem, options_for(Kind::am, 0, 0, 11));
  check_resume<EnsembleSampler, EnsembleState>(s.problem, options_for(Kind::ensemble, 0, 0, 11));
}

TEST(McmcSamplers, StateOfTheWrongShapeIsRefused) {
  ProblemFixture s("gauss", {{"ndim", "2"}});
  const Communicator comm;
  McmcOptions o = options_for(Kind::am, 0, 0);
  AdaptiveMetropolis am(s.problem, o, comm);
  am.initialize();
  o.nchains = 3;
  AdaptiveMetropolis other(s.problem, o, comm);
  EXPECT_THROW(other.set_state(am.state()), std::invalid_argument);
  McmcOptions bad;
  bad.nwalkers = 4; // < 2d + 2
  EXPECT_THROW(EnsembleSampler(s.problem, bad, comm), std::invalid_argument);
  bad.nwalkers = 7;
  EXPECT_THROW(EnsembleSampler(s.problem, bad, comm), std::invalid_argument);
}

TEST(McmcSamplers, IntegratedTimeOfAnAr1Process) {
  // x_t = phi x_{t-1} + e_t has tau = (1 + phi) / (1 - phi) = 19 for phi = 0.9.
  Rng rng(1, StreamPurpose::user, 0);
  std::vector<std::vector<double>> chains(8, std::vector<double>(20000));
  for (auto& c : chains) {
    double x = 0;
    for (auto& v : c) v = x = 0.9 * x + rng.normal();
  }
  EXPECT_NEAR(integrated_time_emcee(chains), 19.0, 2.0);
}

