// MCMC convergence diagnostics: rank-normalised split-R̂, bulk/tail ESS, integrated
// autocorrelation time (Stan's and emcee's estimators) on processes with known answers.
#include "mcmc_diagnostics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

using nubayes::Chains;

namespace {

Chains gaussian_chains(std::size_t m, std::size_t n, std::uint64_t seed, double mean = 0, double sd = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(mean, sd);
  Chains c(m, std::vector<double>(n));
  for (auto& chain : c)
    for (double& v : chain) v = g(rng);
  return c;
}

// Stationary AR(1): x_{t+1} = φ x_t + ε_t, ε ~ N(0,1), x_0 drawn from the stationary N(0, 1/(1−φ²)).
// ρ_t = φ^t, so τ = 1 + 2 Σ φ^t = (1+φ)/(1−φ).
Chains ar1_chains(std::size_t m, std::size_t n, double phi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0, 1);
  Chains c(m, std::vector<double>(n));
  for (auto& chain : c) {
    double x = g(rng) / std::sqrt(1 - phi * phi);
    for (double& v : chain) {
      v = x;
      x = phi * x + g(rng);
    }
  }
  return c;
}

} // namespace

// --- building blocks -------------------------------------------------------------------------

TEST(McmcDiagnostics, AutocovarianceMatchesDirectSum) {
  const Chains c = ar1_chains(1, 1000, 0.7, 11);
  const auto& x = c[0];
  const std::vector<double> ac = nubayes::autocovariance(x);
  ASSERT_EQ(ac.size(), x.size());
  double mu = 0;
  for (double v : x) mu += v;
  mu /= x.size();
  for (std::size_t t : {0u, 1u, 2u, 17u, 500u, 999u}) {
    double s = 0;
    for (std::size_t i = 0; i + t < x.size(); ++i) s += (x[i] - mu) * (x[i + t] - mu);
    EXPECT_NEAR(ac[t], s / x.size(), 1e-10) << "lag " << t; // FFT round-off only
  }
}

TEST(McmcDiagnostics, SplitAndRankNormalize) {
  const Chains odd = {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}};
  const Chains split = nubayes::split_chains(odd);
  ASSERT_EQ(split.size(), 4u);
  EXPECT_EQ(split[0], (std::vector<double>{1, 2}));
  EXPECT_EQ(split[1], (std::vector<double>{4, 5})); // middle draw dropped
  EXPECT_EQ(split[3], (std::vector<double>{9, 10}));

  // Ties get the average rank: values 1,2,2,3 have ranks 1, 2.5, 2.5, 4 of S = 4.
  const Chains z = nubayes::rank_normalize({{2, 1}, {3, 2}});
  const auto phi_inv = [](double r) {
    // Φ⁻¹ by bisection on erfc, independent of the GSL call under test.
    double lo = -10, hi = 10;
    const double p = (r - 0.375) / 4.25;
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  EXPECT_NEAR(z[0][0], phi_inv(2.5), 1e-12);
  EXPECT_NEAR(z[0][1], phi_inv(1), 1e-12);
  EXPECT_NEAR(z[1][0], phi_inv(4), 1e-12);
  EXPECT_DOUBLE_EQ(z[1][1], z[0][0]);
}

TEST(McmcDiagnostics, BadInputThrowsOrIsNaN) {
  EXPECT_THROW(nubayes::diagnose(Chains{}), std::invalid_argument);
  EXPECT_THROW(nubayes::diagnose(Chains{{1, 2, 3}, {1, 2}}), std::invalid_argument);
  const auto constant = nubayes::diagnose(Chains(4, std::vector<double>(100, 2.0)));
  EXPECT_TRUE(std::isnan(constant.rhat));
  EXPECT_TRUE(std::isnan(constant.ess_bulk));
  EXPECT_FALSE(nubayes::converged({constant}));
  EXPECT_FALSE(nubayes::converged({}));
  Chains with_nan = gaussian_chains(4, 100, 3);
  with_nan[2][7] = std::nan("");
  EXPECT_TRUE(std::isnan(nubayes::rhat(with_nan)));
  EXPECT_TRUE(std::isnan(nubayes::ess_tail(with_nan)));
}

// --- (1) iid Gaussian ------------------------------------------------------------------------

TEST(McmcDiagnostics, IidGaussian) {
  const Chains c = gaussian_chains(4, 2000, 20260101);
  const auto d = nubayes::diagnose(c);
  // Tolerances: for iid draws each ρ̂_t has sd ≈ 1/√S = 0.011 (S = 8000) and Geyer's sequence
  // stops after a few pairs, so sd(τ̂) ≈ 0.03–0.05; ±15 % is ≥ 3σ. Split-R̂ − 1 is O(1/n) with
  // n = 1000 draws per split chain, well below 0.01. emcee's window (M ≈ 5) gives
  // sd(τ̂) ≈ √(2(2M+1)/S) ≈ 5 % (Madras & Sokal), so ±15 % is ≈ 3σ.
  EXPECT_LT(d.rhat, 1.01);
  EXPECT_NEAR(d.ess_bulk, 8000, 0.15 * 8000);
  EXPECT_NEAR(d.ess_tail, 8000, 0.25 * 8000); // indicator of a 5 % tail: noisier, looser bound
  EXPECT_NEAR(d.tau, 1.0, 0.15);
  EXPECT_NEAR(nubayes::integrated_time_emcee(c), 1.0, 0.15);
  EXPECT_TRUE(nubayes::converged({d}));

  // The Eigen overload (rows = chains) gives the same numbers.
  Eigen::MatrixXd m(4, 2000);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2000; ++j) m(i, j) = c[i][j];
  const auto e = nubayes::diagnose(m);
  EXPECT_DOUBLE_EQ(e.rhat, d.rhat);
  EXPECT_DOUBLE_EQ(e.ess_bulk, d.ess_bulk);
  EXPECT_DOUBLE_EQ(e.ess_tail, d.ess_tail);
  EXPECT_DOUBLE_EQ(e.tau, d.tau);
}

// --- (2) AR(1), φ = 0.9: τ = 19 ---------------------------------------------------------------

TEST(McmcDiagnostics, Ar1KnownAutocorrelationTime) {
  constexpr double phi = 0.9, tau_true = (1 + phi) / (1 - phi); // 19
  constexpr std::size_t chains = 4, draws = 50000, total = chains * draws;
  const Chains c = ar1_chains(chains, draws, phi, 424242);
  const auto d = nubayes::diagnose(c);
  // Tolerance: Madras & Sokal (1988), var(τ̂)/τ² ≈ 2(2M+1)/S for a window of M lags. With
  // M ≈ 5τ ≈ 95 and S = 200000 draws this is a relative sd of ≈ 4.4 %, so ±15 % is > 3σ (and
  // ±20 % on ESS = S/τ likewise). 4 × 2000 draws would give ≈ 22 %, too noisy to test.
  EXPECT_NEAR(d.tau, tau_true, 0.15 * tau_true);
  EXPECT_NEAR(d.ess_bulk, total / tau_true, 0.20 * total / tau_true);
  EXPECT_NEAR(nubayes::ess_basic(c), total / tau_true, 0.20 * total / tau_true);
  EXPECT_NEAR(nubayes::integrated_time_emcee(c), tau_true, 0.15 * tau_true);
  EXPECT_LT(d.rhat, 1.01);
  EXPECT_TRUE(nubayes::converged({d}));
  // The same chains, too short: 4 × 200 draws ≈ 42 effective draws fail the 400 bar.
  Chains short_c(chains);
  for (std::size_t i = 0; i < chains; ++i) short_c[i].assign(c[i].begin(), c[i].begin() + 200);
  EXPECT_FALSE(nubayes::converged({nubayes::diagnose(short_c)}));
}

// --- (3) chains stuck in different modes ------------------------------------------------------

TEST(McmcDiagnostics, ChainsInDifferentModes) {
  Chains c = gaussian_chains(1, 2000, 7, 0.0);
  c.push_back(gaussian_chains(1, 2000, 8, 3.0)[0]);
  const auto d = nubayes::diagnose(c);
  // Means 3σ apart: the between-chain variance dominates; R̂ ≈ 1.7 for rank-normalised draws
  // (1.74 with this seed), far from the 1.01 threshold.
  EXPECT_GT(d.rhat, 1.5);
  EXPECT_GT(nubayes::rhat_bulk(c), 1.5);
  EXPECT_FALSE(nubayes::converged({d}));
}

// --- (4) same location, different scale: only the folded (tail) R̂ sees it ---------------------

TEST(McmcDiagnostics, DifferentScalesDetectedByTailRhat) {
  Chains c = gaussian_chains(3, 2000, 101, 0.0, 1.0);
  c.push_back(gaussian_chains(1, 2000, 102, 0.0, 3.0)[0]); // as in Vehtari et al. (2021), Fig. 4
  const double bulk = nubayes::rhat_bulk(c), tail = nubayes::rhat_tail(c);
  EXPECT_LT(bulk, 1.01);                      // locations agree
  EXPECT_GT(tail, 1.05);                      // scales do not
  EXPECT_LT(nubayes::rhat_basic(c), 1.01);    // classic split-R̂ misses it
  const auto d = nubayes::diagnose(c);
  EXPECT_DOUBLE_EQ(d.rhat, std::max(bulk, tail));
  EXPECT_GT(d.rhat, 1.01);
  EXPECT_FALSE(nubayes::converged({d}));
}

// --- (5) heavy tails: Cauchy ------------------------------------------------------------------

TEST(McmcDiagnostics, CauchyBulkEssFiniteAndSensible) {
  std::mt19937_64 rng(5150);
  std::cauchy_distribution<double> cauchy(0, 1);
  Chains c(4, std::vector<double>(2000));
  for (auto& chain : c)
    for (double& v : chain) v = cauchy(rng);
  const auto d = nubayes::diagnose(c);
  // Ranks of iid draws are exchangeable whatever the distribution, so the iid tolerances apply.
  ASSERT_TRUE(std::isfinite(d.ess_bulk));
  EXPECT_NEAR(d.ess_bulk, 8000, 0.15 * 8000);
  EXPECT_NEAR(d.ess_tail, 8000, 0.25 * 8000);
  EXPECT_LT(d.rhat, 1.01);

  // Rank normalisation makes bulk ESS and R̂ invariant under monotone maps: an AR(1) pushed
  // through the Gaussian→Cauchy quantile map (infinite variance, so the raw ESS is meaningless)
  // gives exactly the bulk/tail ESS and bulk R̂ of the Gaussian chain, bulk ESS ≈ S/19.
  const Chains g = ar1_chains(4, 20000, 0.9, 77);
  Chains heavy = g;
  const double sd = 1 / std::sqrt(1 - 0.81);
  for (auto& chain : heavy)
    for (double& v : chain) v = std::tan(std::numbers::pi * (0.5 * std::erfc(-v / sd / std::sqrt(2.0)) - 0.5));
  const auto dg = nubayes::diagnose(g), dh = nubayes::diagnose(heavy);
  EXPECT_NEAR(dh.ess_bulk, dg.ess_bulk, 1e-9 * dg.ess_bulk);
  EXPECT_NEAR(dh.ess_tail, dg.ess_tail, 1e-9 * dg.ess_tail);
  EXPECT_NEAR(nubayes::rhat_bulk(heavy), nubayes::rhat_bulk(g), 1e-12); // (folding is not invariant)
  EXPECT_NEAR(dh.ess_bulk, 80000 / 19.0, 0.25 * 80000 / 19.0); // Sokal: sd ≈ 7 % at S = 80000
}

TEST(McmcDiagnostics, DiagnoseParametersColumns) {
  // Two parameters per draw: column 0 iid, column 1 stuck at different means per chain.
  std::vector<Eigen::MatrixXd> chains;
  const Chains iid = gaussian_chains(4, 1000, 9);
  for (int c = 0; c < 4; ++c) {
    Eigen::MatrixXd m(1000, 2);
    for (int i = 0; i < 1000; ++i) {
      m(i, 0) = iid[c][i];
      m(i, 1) = iid[(c + 1) % 4][i] + 2.0 * c;
    }
    chains.push_back(m);
  }
  const auto d = nubayes::diagnose_parameters(chains);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_LT(d[0].rhat, 1.01);
  EXPECT_GT(d[1].rhat, 1.5);
  EXPECT_TRUE(nubayes::converged({d[0]}));
  EXPECT_FALSE(nubayes::converged(d));
  chains[1].resize(999, 2);
  EXPECT_THROW(nubayes::diagnose_parameters(chains), std::invalid_argument);
}
