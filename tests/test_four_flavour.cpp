// Four-flavour vacuum oscillations (models/four_flavour_vacuum.h): the mixing matrix and its
// fourth column, the probabilities against the amplitude, unitarity, and the short-baseline limit.
#include "four_flavour_vacuum.h"
#include "sterile3p1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

using namespace nubayes;
namespace ff = nubayes::four_flavour;

namespace {

ff::Angles random_angles(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1.5);
  return {u(rng), u(rng), u(rng), u(rng), u(rng), u(rng)};
}

} // namespace

TEST(FourFlavour, MixingMatrixIsOrthogonalWithTheDocumentedFourthColumn) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const ff::Angles a = random_angles(rng);
    const ff::Mixing u = ff::mixing_matrix(a);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        double row = 0;
        for (int k = 0; k < 4; ++k)
          row += u[i][k] * u[j][k];
        EXPECT_NEAR(row, i == j ? 1.0 : 0.0, 1e-14);
      }
    const double c14 = std::cos(a.theta14), s14 = std::sin(a.theta14);
    const double c24 = std::cos(a.theta24), s24 = std::sin(a.theta24);
    const double c34 = std::cos(a.theta34), s34 = std::sin(a.theta34);
    EXPECT_NEAR(u[ff::kE][3], s14, 1e-14);
    EXPECT_NEAR(u[ff::kMu][3], c14 * s24, 1e-14);
    EXPECT_NEAR(u[ff::kTau][3], c14 * c24 * s34, 1e-14);
    EXPECT_NEAR(u[ff::kSterile][3], c14 * c24 * c34, 1e-14);
    // The electron row of the MINOS convention: U_e2 = c13 c14 s12, U_e3 = c14 s13.
    EXPECT_NEAR(u[ff::kE][1], std::cos(a.theta13) * c14 * std::sin(a.theta12), 1e-14);
    EXPECT_NEAR(u[ff::kE][2], c14 * std::sin(a.theta13), 1e-14);
    // U_μ3 = c13 c24 s23 (phases 0)
    EXPECT_NEAR(u[ff::kMu][2],
                std::cos(a.theta13) * c24 * std::sin(a.theta23) -
                    std::sin(a.theta13) * s14 * s24 * 1.0,
                1e-14);
  }
}

TEST(FourFlavour, AnglesFromTheFourthColumnRoundTrip) {
  const ff::Angles three{0.55, 0.15, 0, 0.93, 0, 0};
  const ff::Angles a = ff::angles_from_fourth_column(0.02, 0.01, 0.005, three);
  const ff::Mixing u = ff::mixing_matrix(a);
  EXPECT_NEAR(u[ff::kE][3] * u[ff::kE][3], 0.02, 1e-15);
  EXPECT_NEAR(u[ff::kMu][3] * u[ff::kMu][3], 0.01, 1e-15);
  EXPECT_NEAR(u[ff::kTau][3] * u[ff::kTau][3], 0.005, 1e-15);
  EXPECT_DOUBLE_EQ(a.theta12, 0.55);
  EXPECT_DOUBLE_EQ(a.theta13, 0.15);
  EXPECT_DOUBLE_EQ(a.theta23, 0.93);
  // sin²θ24 = |Uμ4|² / (1 − |Ue4|²), sin²θ34 = |Uτ4|² / (1 − |Ue4|² − |Uμ4|²)
  EXPECT_NEAR(std::pow(std::sin(a.theta24), 2), 0.01 / 0.98, 1e-15);
  EXPECT_NEAR(std::pow(std::sin(a.theta34), 2), 0.005 / 0.97, 1e-15);
  // Edges: the whole row in one flavour
  EXPECT_NEAR(ff::angles_from_fourth_column(1, 0, 0, three).theta14, M_PI / 2, 1e-12);
  EXPECT_EQ(ff::angles_from_fourth_column(1, 0, 0, three).theta24, 0.0);
  EXPECT_NEAR(ff::angles_from_fourth_column(0, 1, 0, three).theta24, M_PI / 2, 1e-12);
  EXPECT_THROW(ff::angles_from_fourth_column(0.6, 0.5, 0, three), std::invalid_argument);
  EXPECT_THROW(ff::angles_from_fourth_column(-0.1, 0, 0, three), std::invalid_argument);
  EXPECT_THROW(ff::angles_from_fourth_column(NAN, 0, 0, three), std::invalid_argument);
}

TEST(FourFlavour, Sin2FormEqualsTheAmplitudeAndIsUnitary) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> x(0, 3000);
  for (int trial = 0; trial < 20; ++trial) {
    const ff::Mixing u = ff::mixing_matrix(random_angles(rng));
    const ff::Splittings s{7.5e-5, 2.5e-3, std::pow(10.0, -3 + 5 * (trial / 19.0))};
    for (int k = 0; k < 10; ++k) {
      const double le = x(rng);
      for (int a = 0; a < 4; ++a) {
        double total = 0;
        for (int b = 0; b < 4; ++b) {
          const double p = ff::probability(u, s, a, b, le);
          // phases up to ~4×10⁵ rad: rounding of the phase itself reaches ~1e-11
          EXPECT_NEAR(p, ff::probability_from_amplitude(u, s, a, b, le), 1e-10);
          EXPECT_GE(p, -1e-12);
          total += p;
        }
        EXPECT_NEAR(total, 1.0, 1e-12);
      }
    }
  }
  EXPECT_THROW(ff::probability(ff::mixing_matrix({}), {}, 4, 0, 1.0), std::invalid_argument);
}

TEST(FourFlavour, ShortBaselineLimitIsThe3p1Formula) {
  // Δm²21 = Δm²31 = 0: the three light states are degenerate and P(νμ→νμ) = 1 − sin²2θμμ
  // sin²(kPhase Δm²41 L/E), P(νμ→νe) = sin²2θμe sin²(…), as in sterile3p1.h (which uses 1.267).
  const sterile3p1::Params p{1.3, 0.02, 0.015, 0};
  const ff::Angles a = ff::angles_from_fourth_column(p.ue4_sq, p.umu4_sq, p.utau4_sq,
                                                     {0.55, 0.15, 0, 0.8, 0, 0});
  const ff::Mixing u = ff::mixing_matrix(a);
  const ff::Splittings s{0, 0, p.dm2_41};
  for (double le : {0.1, 0.5, 1.0, 2.7}) {
    const double x = le * ff::kPhase / sterile3p1::kPhase; // same phase in both conventions
    EXPECT_NEAR(ff::probability(u, s, ff::kMu, ff::kMu, le), sterile3p1::prob_mumu(p, x), 1e-14);
    EXPECT_NEAR(ff::probability(u, s, ff::kMu, ff::kE, le), sterile3p1::prob_mue(p, x), 1e-14);
    EXPECT_NEAR(ff::probability(u, s, ff::kE, ff::kE, le), sterile3p1::prob_ee(p, x), 1e-14);
  }
  // And the pair splittings in kPairs order
  const auto d = ff::pair_splittings({1e-4, 2.5e-3, 1.0});
  EXPECT_DOUBLE_EQ(d[0], 1e-4);
  EXPECT_DOUBLE_EQ(d[1], 2.5e-3);
  EXPECT_DOUBLE_EQ(d[2], 1.0);
  EXPECT_DOUBLE_EQ(d[3], 2.5e-3 - 1e-4);
  EXPECT_DOUBLE_EQ(d[4], 1.0 - 1e-4);
  EXPECT_DOUBLE_EQ(d[5], 1.0 - 2.5e-3);
}
