// Angular resolution as cos θ bin migration: exact for a beam-axis ring (the Rayleigh CDF),
// conserving, mirror-symmetric, and equal to a Monte Carlo of deflected directions.
#include "miniboone_angular_smearing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace nubayes::miniboone;

namespace {
constexpr double kDegree = std::numbers::pi / 180;
}

TEST(MiniBooNEAngularSmearing, WidthDefaults) {
  // (2.7 + ln(1/E)) degrees: 2.7° at 1 GeV, 2.7 + ln 5 = 4.3094° at 0.2 GeV
  const AngularResolution r;
  EXPECT_NEAR(r.sigma_rad(1.0), 2.7 * kDegree, 1e-15);
  EXPECT_NEAR(r.sigma_rad(0.2), (2.7 + std::log(5.0)) * kDegree, 1e-15);
  EXPECT_EQ((AngularResolution{0, 0}.sigma_rad(0.5)), 0.0);
}

TEST(MiniBooNEAngularSmearing, BeamAxisRingIsTheRayleighCdf) {
  // θ = 0: cos θ′ = cos α, so P(cos θ′ <= cos x) = P(α >= x) = exp(−x²/2σ²)
  const double sigma = 4 * kDegree;
  for (double x_deg : {1.0, 3.0, 4.0, 8.0, 15.0}) {
    const double x = x_deg * kDegree;
    EXPECT_NEAR(cos_theta_cdf(std::cos(x), 0, sigma), std::exp(-x * x / (2 * sigma * sigma)), 1e-10)
        << x_deg;
  }
}

TEST(MiniBooNEAngularSmearing, ConservesAndIsMirrorSymmetric) {
  std::vector<double> edges(21);
  for (int i = 0; i <= 20; ++i)
    edges[i] = -1 + 0.1 * i;
  std::vector<double> p(20);
  for (double theta_deg : {0.0, 5.0, 30.0, 90.0, 170.0, 180.0}) {
    cos_theta_bin_probabilities(theta_deg * kDegree, 6 * kDegree, edges, p);
    double total = 0;
    for (double x : p) {
      EXPECT_GE(x, 0);
      total += x;
    }
    EXPECT_NEAR(total, 1, 1e-12) << theta_deg;
  }
  // P(cos θ′ <= u | θ) = 1 − P(cos θ′ <= −u | π − θ)
  for (double u : {-0.7, 0.1, 0.93, 0.99})
    EXPECT_NEAR(cos_theta_cdf(u, 20 * kDegree, 5 * kDegree),
                1 - cos_theta_cdf(-u, std::numbers::pi - 20 * kDegree, 5 * kDegree), 1e-7)
        << u;
}

TEST(MiniBooNEAngularSmearing, NoSmearingIsAnIndicator) {
  const std::vector<double> edges{-1, 0, 0.5, 0.9, 1};
  std::vector<double> p(4);
  cos_theta_bin_probabilities(std::acos(0.7), 0, edges, p);
  EXPECT_EQ(p, (std::vector<double>{0, 0, 1, 0}));
  cos_theta_bin_probabilities(0, 0, edges, p); // cos θ = 1: the last (closed) bin
  EXPECT_EQ(p, (std::vector<double>{0, 0, 0, 1}));
}

TEST(MiniBooNEAngularSmearing, AgreesWithMonteCarlo) {
  // deflect by α (Rayleigh: σ√(−2 ln U)) at a uniform azimuth, histogram cos θ′
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> edges(11);
  for (int i = 0; i <= 10; ++i)
    edges[i] = -1 + 0.2 * i;
  for (double theta_deg : {8.0, 25.0, 100.0}) {
    const double theta = theta_deg * kDegree, sigma = 10 * kDegree;
    const int n = 400000;
    std::vector<double> counts(10, 0.0);
    for (int i = 0; i < n; ++i) {
      const double alpha = sigma * std::sqrt(-2 * std::log(1 - uniform(rng)));
      const double phi = 2 * std::numbers::pi * uniform(rng);
      const double c =
          std::cos(theta) * std::cos(alpha) + std::sin(theta) * std::sin(alpha) * std::cos(phi);
      counts[std::min(9, static_cast<int>((c + 1) / 0.2))] += 1;
    }
    std::vector<double> p(10);
    cos_theta_bin_probabilities(theta, sigma, edges, p);
    for (int b = 0; b < 10; ++b) {
      const double mc = counts[b] / n, error = std::sqrt(std::max(mc * (1 - mc), 1e-12) / n);
      EXPECT_NEAR(p[b], mc, 4 * error + 1e-6) << theta_deg << " bin " << b;
    }
  }
}
