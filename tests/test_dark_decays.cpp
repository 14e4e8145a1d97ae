// Dark-sector decays (models/dark_decays.h): widths against the physics notes' [C] numbers
// (/work/shared/physics/README.md §9.2, §9.3), the contact limit of the three-body width, the muon
// decay rate as a check of the Dalitz integration, and the three-body sampler.

#include "dark_decays.h"

#include "rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace nubayes::dark;

namespace {

// Benchmarks of notes §3/§9.3: arXiv:1807.09877 v1 and DarkNews "Bertuzzo et al BP".
const DarkZdParams kBertuzzoV1{0.32, 0.064, 1e-6, 0.25, 3e-9};
const DarkZdParams kDarkNewsBp{0.42, 0.030, 9e-7, 0.25, 2e-10};

// Notes' quoted values carry two significant digits: allow half a unit in the last digit.
double rounding_tolerance(double quoted, double last_digit) {
  return 0.5 * last_digit / quoted;
}

} // namespace

// §9.3: cτ(Z_D → e⁺e⁻) = 3.1 μm (v1 point) and 0.10 mm (DarkNews point).
TEST(DarkDecays, DarkPhotonLifetime) {
  EXPECT_NEAR(ctau_cm(width_zd_to_ee(kBertuzzoV1)) * 1e4 / 3.1, 1.0, rounding_tolerance(3.1, 0.1));
  EXPECT_NEAR(ctau_cm(width_zd_to_ee(kDarkNewsBp)) * 10 / 0.10, 1.0,
              rounding_tolerance(0.10, 0.01));
  // m_e → 0 limit αε² m/3 (notes §10.2), and closed channel below 2 m_e.
  EXPECT_NEAR(width_vector_to_ee(4 * kPi * 1e-9, 10.0) / (1e-9 * 10.0 / 3.0), 1.0, 1e-8);
  EXPECT_EQ(width_vector_to_ee(1.0, 1.9 * kElectronMass), 0.0);
}

// §9.3: Γ(N → ν Z_D) with the α_D/8 normalisation of §3 (Dirac N, |U_D4|² ≈ 1, summed over the
// light ν): 2.5×10⁻⁷ GeV (cτ 0.8 nm) at the v1 point and 2.3×10⁻⁶ GeV at the DarkNews point.
TEST(DarkDecays, DarkNeutrinoWidth) {
  EXPECT_NEAR(width_n_to_nu_zd(kBertuzzoV1) / 2.5e-7, 1.0, rounding_tolerance(2.5, 0.1));
  EXPECT_NEAR(ctau_cm(width_n_to_nu_zd(kBertuzzoV1)) * 1e7 / 0.8, 1.0,
              rounding_tolerance(0.8, 0.1));
  EXPECT_NEAR(width_n_to_nu_zd(kDarkNewsBp) / 2.3e-6, 1.0, rounding_tolerance(2.3, 0.1));
  // Longitudinal enhancement: for m_V → 0 the width grows as m_N³/m_V².
  DarkZdParams light = kBertuzzoV1;
  light.m_ZD = 1e-3;
  DarkZdParams lighter = light;
  lighter.m_ZD = 0.5e-3;
  EXPECT_NEAR(width_n_to_nu_zd(lighter) / width_n_to_nu_zd(light), 4.0, 4.0 * 1e-5);
}

// §9.2 table (Dirac ν₄, m₄ = 0.14, m_Z′ = 1.25 GeV, |U_τ4|² = 7.8e-4, |U_μ4|² = 1.5e-6, χ² = 5e-6
// as a hypercharge mixing, i.e. photon-like χ² = c_W² · 5e-6 with c_W² = 0.769): Γ
// = 1.0e-19, 2.5e-19, 3.2e-18, 4.0e-17 GeV at α′ = 0.032, 0.080, 1, 12.6; cτ = 62 m and lab decay
// lengths 211 / 436 m at E = 0.5 / 1 GeV for α′ = 1. The table uses the contact limit; the full
// propagator adds ≲ 3 %.
TEST(DarkDecays, HeavySterileWidthTable) {
  HeavyZprimeParams p{0.14, 1.25, 1.5e-6, 7.8e-4, kCosThetaWSq * 5e-6, 1.0};
  // α′ rows: g′ = e/s_W (quoted 0.032), g′ = 1 (0.080), 1, g′ = 4π (12.6); quoted widths and their
  // last significant digit.
  const struct {
    double alpha_prime, width, last_digit;
  } table[] = {{kAlphaEm / (1.0 - kCosThetaWSq), 1.0e-19, 0.1e-19},
               {1.0 / (4.0 * kPi), 2.5e-19, 0.1e-19},
               {1.0, 3.2e-18, 0.1e-18},
               {4.0 * kPi, 4.0e-17, 0.1e-17}};
  for (const auto& row : table) {
    p.alpha_prime = row.alpha_prime;
    const ThreeBodyVertex v = three_body_vertex(p);
    EXPECT_NEAR(width_three_body_contact(v) / row.width, 1.0,
                rounding_tolerance(row.width, row.last_digit))
        << row.alpha_prime;
    const double full = width_nu4_to_nu_ee(p);
    EXPECT_GT(full / width_three_body_contact(v), 1.0);
    EXPECT_LT(full / width_three_body_contact(v), 1.03);
  }
  p.alpha_prime = 1.0;
  const double width = width_three_body_contact(three_body_vertex(p));
  EXPECT_NEAR(ctau_cm(width) / 100 / 62.0, 1.0, rounding_tolerance(62, 1));
  for (auto [e, length_m] : {std::pair{0.5, 211.0}, std::pair{1.0, 436.0}}) {
    const double p_lab = std::sqrt(e * e - 0.14 * 0.14);
    EXPECT_NEAR(decay_length_cm(width, 0.14, p_lab) / 100 / length_m, 1.0,
                rounding_tolerance(length_m, 1))
        << e;
  }
}

// The finite-propagator three-body width tends to the contact formula G² m⁵/(768π³) (notes §4) when
// m_Z′ ≫ m₄ (corrections ~ m₄²/(2 m_Z′²) = 1e-6 here, m_e → 0).
TEST(DarkDecays, ThreeBodyContactLimit) {
  const ThreeBodyVertex v{0.14, 100.0, 1e-6, 0.0};
  EXPECT_NEAR(width_three_body(v) / width_three_body_contact(v), 1.0, 1e-5);
  // The electron mass only closes phase space: it lowers the width, by O(m_e²/m₄²) ~ 1e-4.
  const ThreeBodyVertex with_me{0.14, 100.0, 1e-6, kElectronMass};
  const double ratio = width_three_body(with_me) / width_three_body(v);
  EXPECT_LT(ratio, 1.0);
  EXPECT_GT(ratio, 0.99);
  // Below the mediator mass the Z′ is off shell by construction.
  EXPECT_THROW(width_three_body({0.14, 0.1, 1e-6, 0.0}), std::domain_error);
}

// The Dalitz integration on the muon decay: ⟨|M|²⟩ = 64 G_F² (p·k_ν̄e)(k_e·k_νμ) must give
// Γ = G_F² m_μ⁵/(192π³) (any QFT textbook, e.g. Griffiths eq. 9.34), which with PDG m_μ and G_F is
// τ_μ = 2.1969811 μs (PDG) to within the 0.4 % radiative and m_e corrections neglected here.
TEST(DarkDecays, MuonDecayPhaseSpace) {
  const double m_mu = 0.1056583755, gf = kFermiConstant;
  // Particles: 1 = e, 2 = ν̄_e, 3 = ν_μ, all massless here.
  const auto msq = [&](double m12_sq, double m23_sq) {
    const double m13_sq = m_mu * m_mu - m12_sq - m23_sq;
    const double p_k2 = 0.5 * (m_mu * m_mu - m13_sq), k1_k3 = 0.5 * m13_sq;
    return 64.0 * gf * gf * p_k2 * k1_k3;
  };
  const double width = integrate_dalitz(m_mu, 0.0, 0.0, 0.0, msq);
  EXPECT_NEAR(width / (gf * gf * std::pow(m_mu, 5) / (192.0 * std::pow(kPi, 3))), 1.0, 1e-8);
  const double hbar_gev_s = 6.582119569e-25;
  EXPECT_NEAR(hbar_gev_s / width / 2.1969811e-6, 1.0, 0.01);
}

// Sampled e⁺e⁻ invariant masses against dΓ/dm₁₂² (binned, fixed seed). Each bin's count is
// Poisson; the χ² over 20 bins (19 dof after fixing the total) must stay below the p = 0.001
// quantile 43.8.
TEST(DarkDecays, ThreeBodySamplerFollowsMatrixElement) {
  const ThreeBodyVertex v{0.14, 0.3, 1e-6, kElectronMass}; // light Z′: a visibly shaped spectrum
  const ThreeBodySampler sampler(v);
  nubayes::Rng rng(12345, nubayes::StreamPurpose::user, 0);
  const UniformSource uniform = [&] { return rng.uniform(); };
  constexpr int kBins = 20, kEvents = 100000;
  const double lo = 4 * kElectronMass * kElectronMass, hi = v.m_parent * v.m_parent;
  std::vector<double> counts(kBins, 0.0);
  for (int i = 0; i < kEvents; ++i) {
    const DalitzPoint d = sampler.sample(uniform);
    ++counts[std::min(kBins - 1, static_cast<int>((d.m12_sq - lo) / (hi - lo) * kBins))];
  }
  const double total = width_three_body(v);
  double chi2 = 0;
  for (int b = 0; b < kBins; ++b) {
    const double a = lo + (hi - lo) * b / kBins, z = lo + (hi - lo) * (b + 1) / kBins;
    const double bin_width = partial_width_three_body(v, a, z);
    const double expected = kEvents * bin_width / total;
    chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
  }
  EXPECT_LT(chi2, 43.8);
}

// Decay kinematics: four-momentum conservation and on-shell daughters, for a boosted ν₄.
TEST(DarkDecays, ThreeBodyDecayKinematics) {
  const ThreeBodyVertex v{0.14, 1.25, 1e-6, kElectronMass};
  const ThreeBodySampler sampler(v);
  nubayes::Rng rng(7, nubayes::StreamPurpose::user, 1);
  const UniformSource uniform = [&] { return rng.uniform(); };
  const double pz = 0.6, px = 0.1;
  const FourVector parent = {std::sqrt(0.14 * 0.14 + pz * pz + px * px), px, 0.0, pz};
  for (int i = 0; i < 1000; ++i) {
    const auto d = sampler.decay(parent, uniform);
    const FourVector sum = d[0] + d[1] + d[2];
    for (int mu = 0; mu < 4; ++mu)
      EXPECT_NEAR(sum[mu], parent[mu], 1e-12);
    EXPECT_NEAR(invariant_mass_sq(d[0]), kElectronMass * kElectronMass, 1e-12);
    EXPECT_NEAR(invariant_mass_sq(d[1]), kElectronMass * kElectronMass, 1e-12);
    EXPECT_NEAR(invariant_mass_sq(d[2]), 0.0, 1e-12);
  }
}
