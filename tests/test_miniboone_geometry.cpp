// MiniBooNE geometry: target counts from the 818 t of CH₂, and the probability that a particle
// produced in the detector decays inside the fiducial sphere — its limits (λ → 0: 1; λ → ∞:
// ⟨d⟩/λ with ⟨d⟩ = 3R/4), its series/closed-form seam, and Monte Carlo cross-checks.
#include "miniboone_geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace nubayes::miniboone;

namespace {

/// Uniform point in a sphere of radius r (rejection from the cube).
std::array<double, 3> uniform_in_sphere(std::mt19937_64& rng, double r) {
  std::uniform_real_distribution<double> u(-r, r);
  for (;;) {
    std::array<double, 3> p{u(rng), u(rng), u(rng)};
    if (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] <= r * r) return p;
  }
}

struct MeanAndError {
  double mean = 0, error = 0;
};

template <class F> MeanAndError monte_carlo(int n, F&& sample) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = sample();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  return {mean, std::sqrt((sum2 / n - mean * mean) / n)};
}

} // namespace

TEST(MiniBooNEGeometry, TargetsOf818TonnesOfCH2) {
  // Physics notes §3: 818 t of CH₂ → 3.52e31 ¹²C nuclei and 7.04e31 free protons.
  const TargetCounts t = ch2_targets();
  EXPECT_NEAR(t.carbon_nuclei / 3.52e31, 1, 1e-3);
  EXPECT_NEAR(t.free_protons / 7.04e31, 1, 1e-3);
  // By hand: 818e6 g / 14 g/mol × 6.02214076e23 /mol = 3.51865e31 molecules.
  EXPECT_NEAR(t.carbon_nuclei, 3.518651e31, 1e25);
  // The chemical molar mass (12.011 + 2 × 1.008 = 14.027 g/mol) gives 0.19 % fewer.
  EXPECT_NEAR(ch2_targets(818, 14.027).carbon_nuclei / t.carbon_nuclei, 14.0 / 14.027, 1e-12);
}

TEST(MiniBooNEGeometry, FiducialMassIsTheMiniBooNEFiducialMass) {
  // (5/6.1)³ × 818 t = 450.48 t; MiniBooNE quotes a 450 t fiducial mass (NIM A599 (2009) 28,
  // arXiv:0806.4201 [R]).
  EXPECT_NEAR(fiducial_mass_tonnes(), 450.478, 1e-3);
  EXPECT_NEAR(fiducial_mass_tonnes() / 450, 1, 2e-3);
}

TEST(MiniBooNEGeometry, ChordToSphereByHand) {
  EXPECT_DOUBLE_EQ(chord_to_sphere({0, 0, 0}, {0, 0, 1}, 5), 5);
  EXPECT_DOUBLE_EQ(chord_to_sphere({0, 0, 3}, {0, 0, 1}, 5), 2);
  EXPECT_DOUBLE_EQ(chord_to_sphere({0, 0, 3}, {0, 0, -1}, 5), 8);
  EXPECT_DOUBLE_EQ(chord_to_sphere({3, 0, 0}, {0, 0, 1}, 5), 4); // 3-4-5 triangle
  EXPECT_EQ(chord_to_sphere({6, 0, 0}, {0, 0, 1}, 5), 0);        // outside
}

TEST(MiniBooNEGeometry, DecayInsideLimits) {
  const double r = 5;
  EXPECT_EQ(decay_inside_probability(0, r), 1.0);
  // λ → 0: P = 1 − 3/(2x) + 3/x³ + O(e^{−x}), x = 2R/λ, i.e. 1 − 3λ/(4R) + (3/8)(λ/R)³
  for (double lambda : {1e-6, 1e-3, 0.05, 0.2}) {
    const double t = lambda / r;
    EXPECT_NEAR(decay_inside_probability(lambda, r), 1 - 0.75 * t + 0.375 * t * t * t, 1e-12)
        << lambda;
  }
  // λ → ∞: P = ⟨d⟩/λ (1 − 4R/(15λ) + …), ⟨d⟩ = 3R/4 — from the series
  // P = 3 Σ_{n≥4} (−1)ⁿ (n−1) x^{n−3}/n! = 3x/8 − x²/10 + x³/48 − x⁴/280 + …, x = 2R/λ
  for (double lambda : {20.0, 1e3, 1e5, 1e9}) {
    const double x = 2 * r / lambda;
    EXPECT_NEAR(decay_inside_probability(lambda, r), 3 * x / 8 - x * x / 10 + x * x * x / 48,
                1.01 * std::pow(x, 4) / 280 + 1e-17)
        << lambda;
    EXPECT_NEAR(decay_inside_probability(lambda, r) * lambda / (0.75 * r), 1, 3 * x) << lambda;
  }
  // the series (x < 1) and the closed form (x >= 1) meet at λ = 2R
  EXPECT_NEAR(decay_inside_probability(2 * r * (1 - 1e-12), r),
              decay_inside_probability(2 * r * (1 + 1e-12), r), 1e-11);
  // monotone in λ
  double previous = 1;
  for (double lambda = 0.01; lambda < 1e4; lambda *= 1.3) {
    const double p = decay_inside_probability(lambda, r);
    EXPECT_LT(p, previous);
    previous = p;
  }
}

TEST(MiniBooNEGeometry, MeanForwardChordIsThreeQuartersOfTheRadius) {
  // ⟨d⟩ = 3R/4 for uniform points in a sphere (derivation in miniboone_geometry.cpp), by MC.
  std::mt19937_64 rng(12345);
  const double r = 5;
  const auto mc = monte_carlo(400000, [&] {
    return chord_to_sphere(uniform_in_sphere(rng, r), {0, 0, 1}, r);
  });
  EXPECT_NEAR(mc.mean, 0.75 * r, 4 * mc.error);
}

TEST(MiniBooNEGeometry, DecayInsideAgreesWithMonteCarlo) {
  // MC: uniform production point, direction along the beam or tilted (no difference for a
  // sphere), average of 1 − exp(−d/λ).
  std::mt19937_64 rng(2024);
  const double r = 5;
  const std::array<double, 3> tilted{0.6, 0, 0.8};
  for (double lambda : {0.3, 2.0, 5.0, 40.0}) {
    const auto mc = monte_carlo(200000, [&] {
      const double d = chord_to_sphere(uniform_in_sphere(rng, r), tilted, r);
      return 1 - std::exp(-d / lambda);
    });
    EXPECT_NEAR(decay_inside_probability(lambda, r), mc.mean, 4 * mc.error) << lambda;
  }
}

TEST(MiniBooNEGeometry, DecayInFiducialFromTank) {
  // prompt: the fiducial volume fraction (5/6.1)³
  EXPECT_NEAR(decay_in_fiducial_from_tank(0), std::pow(5 / 6.1, 3), 1e-15);
  EXPECT_NEAR(decay_in_fiducial_from_tank(1e-9), std::pow(5 / 6.1, 3), 1e-9);
  // tank = fiducial sphere: the closed form, over 12 decades of λ
  for (double lambda = 1e-4; lambda < 1e8; lambda *= 3.7)
    EXPECT_NEAR(decay_in_fiducial_from_tank(lambda, 5, 5), decay_inside_probability(lambda, 5),
                1e-12 * decay_inside_probability(lambda, 5))
        << lambda;
  // MC with the per-point probability e^{−s_in/λ} − e^{−s_out/λ} of decaying between the
  // forward entry into and exit from the fiducial sphere (s_in = 0 for points inside it).
  std::mt19937_64 rng(99);
  for (double lambda : {0.5, 3.0, 20.0}) {
    const auto mc = monte_carlo(200000, [&] {
      const auto p = uniform_in_sphere(rng, 6.1);
      const double pz = p[2], b2 = p[0] * p[0] + p[1] * p[1];
      if (b2 >= 25) return 0.0;
      const double half = std::sqrt(25 - b2); // fiducial chord spans z ∈ [−half, half]
      if (pz >= half) return 0.0;
      const double s_in = std::max(0.0, -half - pz), s_out = half - pz;
      return std::exp(-s_in / lambda) - std::exp(-s_out / lambda);
    });
    EXPECT_NEAR(decay_in_fiducial_from_tank(lambda), mc.mean, 4 * mc.error) << lambda;
  }
  // the inflow from the outer shell makes it larger than production in the fiducial volume alone
  EXPECT_GT(decay_in_fiducial_from_tank(3.0),
            std::pow(5 / 6.1, 3) * decay_inside_probability(3.0, 5));
}
