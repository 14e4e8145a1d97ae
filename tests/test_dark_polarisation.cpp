// Spin correlations between up-scattering and decay of the heavy state (heavy_polarisation,
// polarised_decay_ratio, models/dark_decay_chain.h). Fixed seeds; tolerances from the MC error.

#include "dark_decay_chain.h"
#include "dark_upscattering.h"

#include "rng.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nubayes::dark;

namespace {

struct Stream {
  explicit Stream(std::uint64_t seed) : rng(seed, nubayes::StreamPurpose::user, 0) {}
  nubayes::Rng rng;
  UniformSource uniform() {
    return [this] { return rng.uniform(); };
  }
};

// Lab four-momentum of N for given E_ν, Q² (beam along z, N in the x–z plane).
FourVector heavy_momentum(double e_nu, double q2, double m_n, double m_target) {
  const double e_n = e_nu - q2 / (2 * m_target), p_n = std::sqrt(e_n * e_n - m_n * m_n);
  const double c = (2 * e_nu * e_n - m_n * m_n - q2) / (2 * e_nu * p_n);
  return {e_n, p_n * std::sqrt(1 - c * c), 0, p_n * c};
}

double decay_bracket(const FourVector& p, const DecayProducts& d) {
  return dot(d.nu, d.electron) * dot(p, d.positron) + dot(d.nu, d.positron) * dot(p, d.electron) +
         invariant_mass_sq(d.electron) * dot(d.nu, p);
}

} // namespace

// Production polarisation: Π·k′ = 0; a spin-0 target gives a single amplitude, so N is in a pure
// state (|Π⃗| = 1); the proton spin sum mixes states (|Π⃗| ≤ 1). For E_ν ≫ m_N the vector current
// conserves helicity and N inherits the ν's left-handedness: Π⃗ → −p̂_N.
TEST(DarkPolarisation, ProductionPolarisation) {
  const double m_n = 0.42;
  for (const UpscatterTarget& target : {carbon12_coherent(), free_proton()}) {
    for (double e_nu : {0.7, 2.0, 200.0}) {
      const Q2Range r = q2_range(e_nu, m_n, target.mass);
      for (double f : {1e-4, 0.3, 0.9}) {
        const double q2 = r.lo + f * (r.hi - r.lo);
        const FourVector k = {e_nu, 0, 0, e_nu}, kp = heavy_momentum(e_nu, q2, m_n, target.mass);
        const FourVector pol = heavy_polarisation(target, k, kp, m_n);
        EXPECT_NEAR(dot(pol, kp), 0.0, 1e-9 * kp[0]);
        const double magnitude = std::sqrt(-invariant_mass_sq(pol));
        if (target.kind == UpscatterTarget::Kind::coherent_nucleus)
          EXPECT_NEAR(magnitude, 1.0, 1e-9);
        else
          EXPECT_LE(magnitude, 1.0 + 1e-9);
        if (e_nu == 200.0 && f == 1e-4) {
          const FourVector rest = boost_to_rest_frame(pol, kp);
          const double helicity = (rest[1] * kp[1] + rest[3] * kp[3]) / momentum(kp);
          EXPECT_NEAR(helicity, -1.0, 1e-4);
        }
      }
    }
  }
}

// The unpolarised proposal of the dark-zd chain (N → νZ_D isotropic, Z_D → e⁺e⁻ with helicity
// fractions f_L = m_N²/(m_N² + 2m_ZD²)) must be proportional to the spin-summed |M|² of
// N → ν e⁻e⁺ through an on-shell Z_D, B(p) = (k·p₁)(p·p₂) + (k·p₂)(p·p₁) + m_e²(k·p), i.e.
// B / (angular density of the e⁻ about the helicity axis) is the same at every phase-space point.
TEST(DarkPolarisation, UnpolarisedChainIsTheSpinSummedMatrixElement) {
  Stream s(5);
  const auto uniform = s.uniform();
  const DarkZdParams p{0.42, 0.15, 9e-7, 0.25, 2e-10};
  const FourVector heavy = {std::sqrt(0.42 * 0.42 + 0.49), 0.3, -0.2, 0.6}; // |p⃗|² = 0.49
  const double f_l = longitudinal_fraction(p.m_N, p.m_ZD);
  const double beta = 2 * two_body_momentum(p.m_ZD, kElectronMass, kElectronMass) / p.m_ZD;
  double first = 0;
  for (int i = 0; i < 200; ++i) {
    const DecayProducts d = decay_dark_neutrino(p, heavy, {}, DecayAngles::unpolarised, uniform);
    const FourVector heavy_zd = boost_to_rest_frame(heavy, d.mediator);
    const FourVector electron_zd = boost_to_rest_frame(d.electron, d.mediator);
    const double c = -(heavy_zd[1] * electron_zd[1] + heavy_zd[2] * electron_zd[2] +
                       heavy_zd[3] * electron_zd[3]) /
                     (momentum(heavy_zd) * momentum(electron_zd));
    const double ratio = decay_bracket(heavy, d) / vector_decay_angular_density(c, f_l, beta);
    if (i == 0) first = ratio;
    EXPECT_NEAR(ratio / first, 1.0, 1e-9);
  }
}

// A fully polarised N at rest (Π⃗ = ẑ): the Z_D direction follows 1 + α cos θ with
// α = (m_N² − 2m_ZD²)/(m_N² + 2m_ZD²) = f_L − f_T (the analogue of the W-direction asymmetry in
// polarised top decay, Jeżabek & Kühn, Phys. Lett. B 329 (1994) 317). ⟨cos θ⟩ = α/3 within 4 MC
// standard deviations; the two spin states' ratios sum to 2 (spin sum = unpolarised).
TEST(DarkPolarisation, PolarisedDecayAsymmetry) {
  Stream s(6);
  const auto uniform = s.uniform();
  const DarkZdParams p{0.42, 0.15, 9e-7, 0.25, 2e-10};
  const FourVector heavy = {0.42, 0, 0, 0}, up = {0, 0, 0, 1}, down = {0, 0, 0, -1};
  constexpr int kDecays = 40000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kDecays; ++i) {
    const DecayProducts d = decay_dark_neutrino(p, heavy, up, DecayAngles::polarised, uniform);
    const double c = d.mediator[3] / momentum(d.mediator);
    sum += c;
    sum_sq += c * c;
    EXPECT_NEAR(polarised_decay_ratio(heavy, up, d.nu, d.electron, d.positron) +
                    polarised_decay_ratio(heavy, down, d.nu, d.electron, d.positron),
                2.0, 1e-9);
  }
  const double r2 = 0.15 * 0.15 / (0.42 * 0.42), alpha = (1 - 2 * r2) / (1 + 2 * r2);
  const double mean = sum / kDecays;
  EXPECT_NEAR(mean, alpha / 3, 4.0 * std::sqrt((sum_sq / kDecays - mean * mean) / kDecays));
  EXPECT_THROW(decay_dark_neutrino(p, heavy, {}, DecayAngles::polarised, uniform),
               std::invalid_argument);
}

// ν₄ → ν e⁻e⁺ for a fully polarised ν₄ at rest: the accept–reject sample must agree with the
// unpolarised sample re-weighted by polarised_decay_ratio (two independent estimators of ⟨cos θ_ν⟩;
// the weighted one's variance is bounded by Σw²c²/(Σw)²), the mean ratio is 1 (spin average), and
// the asymmetry is significant (the polarisation is actually used).
TEST(DarkPolarisation, HeavySterilePolarisedMatchesReweighting) {
  Stream s(7);
  const auto uniform = s.uniform();
  const ThreeBodySampler sampler(ThreeBodyVertex{0.14, 1.25, 1e-6, kElectronMass});
  const FourVector heavy = {0.14, 0, 0, 0}, up = {0, 0, 0, 1};
  constexpr int kDecays = 40000;
  double polarised_sum = 0, polarised_sq = 0, weighted_sum = 0, weight_sum = 0, weighted_sq = 0;
  for (int i = 0; i < kDecays; ++i) {
    const DecayProducts d =
        decay_heavy_sterile(sampler, heavy, up, DecayAngles::polarised, uniform);
    const double c = d.nu[3] / momentum(d.nu);
    polarised_sum += c;
    polarised_sq += c * c;
    const DecayProducts u =
        decay_heavy_sterile(sampler, heavy, {}, DecayAngles::unpolarised, uniform);
    const double w = polarised_decay_ratio(heavy, up, u.nu, u.electron, u.positron);
    const double cu = u.nu[3] / momentum(u.nu);
    weighted_sum += w * cu;
    weighted_sq += w * w * cu * cu;
    weight_sum += w;
  }
  const double polarised_mean = polarised_sum / kDecays;
  const double polarised_var = (polarised_sq / kDecays - polarised_mean * polarised_mean) / kDecays;
  const double weighted_mean = weighted_sum / weight_sum;
  const double weighted_var =
      weighted_sq / (weight_sum * weight_sum); // upper bound (⟨w c⟩² dropped)
  EXPECT_NEAR(polarised_mean, weighted_mean, 4.0 * std::sqrt(polarised_var + weighted_var));
  EXPECT_NEAR(weight_sum / kDecays, 1.0, 4.0 * std::sqrt(1.0 / kDecays)); // ⟨w⟩ = 1 (spin average)
  // The asymmetry is real: the polarised ν direction is not isotropic.
  EXPECT_GT(std::abs(polarised_mean), 10.0 * std::sqrt(polarised_var));
}
