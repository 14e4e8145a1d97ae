// e⁺e⁻ pair → one electron-like ring: the ring rules at their boundaries (opening angle 4.9° vs
// 5.1°, softer particle 29 vs 31 MeV), the π⁰ invariant-mass cut, the reconstructed visible
// energy/direction, and E_ν^QE against hand-computed values.
#include "miniboone_pair_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace nubayes::miniboone;

namespace {

constexpr double kElectronMass = 0.00051099895; // GeV
constexpr double kDegree = std::numbers::pi / 180;

/// Electron of total energy e [GeV] in the x–z plane at polar angle theta_deg to the beam (+z).
FourMomentum electron(double e, double theta_deg) {
  const double p = std::sqrt(e * e - kElectronMass * kElectronMass);
  return {e, p * std::sin(theta_deg * kDegree), 0, p * std::cos(theta_deg * kDegree)};
}

} // namespace

TEST(MiniBooNEPairDetector, OpeningAngleAndTwoRingMass) {
  const auto a = electron(0.3, 10), b = electron(0.2, -15);
  EXPECT_NEAR(opening_angle(a, b), 25 * kDegree, 1e-14);
  // m_γγ² = 2 E_a E_b (1 − cos 25°) = 0.12 × 0.09369221 → 0.10603332 GeV (by hand)
  EXPECT_NEAR(two_ring_mass(a, b), std::sqrt(2 * 0.3 * 0.2 * (1 - std::cos(25 * kDegree))), 1e-15);
  EXPECT_NEAR(two_ring_mass(a, b), 0.10603332, 1e-8);
}

TEST(MiniBooNEPairDetector, OverlappingBoundaryAtFiveDegrees) {
  // both well above the 30 MeV asymmetry threshold, symmetric about 20° to the beam
  const Ring inside = reconstruct_ring(electron(0.2, 20 - 2.45), electron(0.2, 20 + 2.45));
  EXPECT_EQ(inside.topology, RingTopology::overlapping); // 4.9°
  EXPECT_TRUE(inside.accepted);
  EXPECT_NEAR(inside.visible_energy_gev, 0.4, 1e-15);
  EXPECT_NEAR(inside.cos_theta, std::cos(20 * kDegree), 1e-14); // energy-weighted direction
  const Ring outside = reconstruct_ring(electron(0.2, 20 - 2.55), electron(0.2, 20 + 2.55));
  EXPECT_EQ(outside.topology, RingTopology::two_rings); // 5.1°
  EXPECT_FALSE(outside.accepted);
  // the threshold is a parameter
  RingRules wide;
  wide.max_opening_angle_deg = 13; // MiniBooNE-DarkNews's ANGLE_MAX
  EXPECT_EQ(reconstruct_ring(electron(0.2, 20 - 2.55), electron(0.2, 20 + 2.55), wide).topology,
            RingTopology::overlapping);
}

TEST(MiniBooNEPairDetector, EnergyWeightedDirection) {
  // 0.3 GeV at 0°, 0.1 GeV at 4°: Σ E p̂ = (0.1 sin 4°, 0, 0.3 + 0.1 cos 4°) → cos θ by hand
  const Ring ring = reconstruct_ring(electron(0.3, 0), electron(0.1, 4));
  const double x = 0.1 * std::sin(4 * kDegree), z = 0.3 + 0.1 * std::cos(4 * kDegree);
  EXPECT_NEAR(ring.cos_theta, z / std::hypot(x, z), 1e-15);
  EXPECT_NEAR(ring.cos_theta, 0.99984779, 1e-8); // 0.3997564 / 0.3998173
}

TEST(MiniBooNEPairDetector, AsymmetricBoundaryAtThirtyMeV) {
  // 10° apart (not overlapping); the pair's m_γγ stays below the mass cut (checked)
  const auto hard = electron(0.4, 30);
  const Ring soft29 = reconstruct_ring(hard, electron(0.029, 40));
  EXPECT_EQ(soft29.topology, RingTopology::asymmetric);
  EXPECT_TRUE(soft29.passes_mass_cut);
  EXPECT_TRUE(soft29.accepted);
  EXPECT_DOUBLE_EQ(soft29.visible_energy_gev, 0.4); // the ring is the harder particle only
  EXPECT_NEAR(soft29.cos_theta, std::cos(30 * kDegree), 1e-15);
  const Ring soft31 = reconstruct_ring(electron(0.031, 40), hard);
  EXPECT_EQ(soft31.topology, RingTopology::two_rings);
  EXPECT_FALSE(soft31.accepted);
  // either charge may be the soft one
  EXPECT_EQ(reconstruct_ring(electron(0.029, 40), hard).topology, RingTopology::asymmetric);
  // both below threshold and apart: no ring above threshold, rejected
  EXPECT_EQ(reconstruct_ring(electron(0.02, 0), electron(0.025, 40)).topology,
            RingTopology::two_rings);
}

TEST(MiniBooNEPairDetector, InvariantMassCut) {
  // c₀ + c₁E + c₂E², (0.03203, 0.007417, 0.02738) — by hand:
  // E = 0.5: 0.03203 + 0.0037085 + 0.006845 = 0.0425835; E = 1: 0.066827
  EXPECT_NEAR(mass_cut_gev(0.5, {}), 0.0425835, 1e-12);
  EXPECT_NEAR(mass_cut_gev(1.0, {}), 0.066827, 1e-12);
  // asymmetric pair, 0.5 GeV + 20 MeV: m_γγ = √(4 × 0.5 × 0.02) sin(θ/2) = 0.2 sin(θ/2);
  // 24° → 0.041582 (passes), 25° → 0.043288 (fails) [the cut at E_vis = 0.5 GeV is 0.0425835]
  const Ring pass = reconstruct_ring(electron(0.5, 0), electron(0.02, 24));
  EXPECT_NEAR(pass.two_ring_mass_gev, 0.2 * std::sin(12 * kDegree), 1e-12);
  EXPECT_TRUE(pass.passes_mass_cut);
  EXPECT_TRUE(pass.accepted);
  const Ring fail = reconstruct_ring(electron(0.5, 0), electron(0.02, 25));
  EXPECT_EQ(fail.topology, RingTopology::asymmetric);
  EXPECT_FALSE(fail.passes_mass_cut);
  EXPECT_FALSE(fail.accepted);
  RingRules no_cut;
  no_cut.apply_mass_cut = false;
  EXPECT_TRUE(reconstruct_ring(electron(0.5, 0), electron(0.02, 25), no_cut).accepted);
}

TEST(MiniBooNEPairDetector, EnuQeByHand) {
  // E_ν^QE = m_p E / (m_p − E(1 − cos θ)) for QeConvention::elastic_proton, m_p = 0.93827209:
  const auto proton = QeConvention::elastic_proton();
  EXPECT_NEAR(enu_qe(0.5, 1.0, proton), 0.5, 1e-15); // forward: E_ν = E
  // cos θ = 0: 0.469136045 / 0.43827209 = 1.0704219039
  EXPECT_NEAR(enu_qe(0.5, 0.0, proton), 1.0704219039, 1e-9);
  // E = 0.3, cos θ = −0.5: 0.281481627 / 0.48827209 = 0.5764851868
  EXPECT_NEAR(enu_qe(0.3, -0.5, proton), 0.5764851868, 1e-9);
  // default (νe n → e p, no binding, m_e): E = 0.5, cos θ = 0.8, p = 0.49999974:
  // numerator 2·0.93956542·0.5 − (0.93956542² + m_e² − 0.93827209²) = 0.93956542 − 0.00242892
  //         = 0.9371365; denominator 2(0.93956542 − 0.5 + 0.8·0.49999974) = 1.67913042
  EXPECT_NEAR(enu_qe(0.5, 0.8), 0.9371365 / 1.67913042, 2e-7);
  // a 34 MeV binding energy raises E_ν^QE (MiniBooNE νμ CCQE convention, PRD 81, 092005 [R])
  QeConvention bound;
  bound.binding_gev = 0.034;
  EXPECT_GT(enu_qe(0.5, 0.8, bound), enu_qe(0.5, 0.8));
}

TEST(MiniBooNEPairDetector, VisibleEnergyInvertsEnuQe) {
  for (double c : {-0.9, 0.0, 0.5, 0.99, 1.0})
    for (double enu : {0.2, 0.475, 1.25, 3.0}) {
      const double e = visible_energy_for_enu_qe(enu, c);
      EXPECT_NEAR(enu_qe(e, c), enu, 1e-11 * enu) << c << " " << enu;
    }
  // a heavy lepton (muon mass) and binding: the massless start is further off, Newton still lands
  QeConvention muon;
  muon.lepton_mass_gev = 0.1056583755;
  muon.binding_gev = 0.034;
  for (double c : {-0.5, 0.3, 0.95})
    for (double enu : {0.3, 0.8, 2.0}) {
      const double e = visible_energy_for_enu_qe(enu, c, muon);
      EXPECT_GT(e, muon.lepton_mass_gev);
      EXPECT_NEAR(enu_qe(e, c, muon), enu, 1e-11 * enu) << c << " " << enu;
    }
  // elastic on a proton, massless: E = m_p E_ν / (m_p + E_ν (1 − cos θ)) (solve the formula)
  const auto proton = QeConvention::elastic_proton();
  EXPECT_NEAR(visible_energy_for_enu_qe(1.0, 0.0, proton), 0.93827209 / 1.93827209, 1e-12);
}
