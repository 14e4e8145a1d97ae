// Up-scattering ν_μ T → N T through a vector mediator (models/dark_upscattering.h): limits of the
// exact formulas, kinematic boundaries, and independent literature / hand-computed numbers.

#include "dark_integrate.h"
#include "dark_upscattering.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nubayes::dark;

namespace {

// A generic vertex for limit tests; C² = 1e-14 is arbitrary (the tests compare ratios or the
// same C² on both sides).
UpscatterVertex vertex(double m_heavy, double m_mediator) {
  return {m_heavy, m_mediator, 1e-14};
}

// Lab polar angle of N from Q² (t = (k − k′)² with E_N = E_ν − Q²/(2M)).
double lab_cos_theta(double e_nu, double q2, double m_heavy, double m_target) {
  const double e_n = e_nu - q2 / (2.0 * m_target);
  const double p_n = std::sqrt(e_n * e_n - m_heavy * m_heavy);
  return (2.0 * e_nu * e_n - m_heavy * m_heavy - q2) / (2.0 * e_nu * p_n);
}

} // namespace

// Physics notes §3: for m_N → 0 the spin sum reduces to the CEvNS vector form
// dσ/dE_R = (G² M_A/2π)(1 − E_R/E_ν − M_A E_R/(2E_ν²)), G² = C² Z² F² / (Q² + m_V²)².
TEST(DarkUpscattering, MasslessLimitIsCevnsForm) {
  const UpscatterVertex v = vertex(0.0, 0.05);
  const UpscatterTarget carbon = carbon12_coherent();
  const double e_nu = 0.7, m = carbon.mass;
  const double t_max = 2.0 * e_nu * e_nu / (m + 2.0 * e_nu);
  for (double frac : {1e-4, 0.01, 0.2, 0.5, 0.9}) {
    const double e_r = frac * t_max, q2 = 2.0 * m * e_r;
    const double f = helm_form_factor(q2, 12);
    const double g2 = v.coupling_sq * 36.0 * f * f / std::pow(q2 + 0.05 * 0.05, 2);
    const double expected =
        g2 * m / (2.0 * kPi) * (1.0 - e_r / e_nu - m * e_r / (2.0 * e_nu * e_nu));
    EXPECT_NEAR(dsigma_derecoil(v, carbon, e_nu, e_r) / expected, 1.0, 1e-12) << frac;
  }
}

// Threshold E_ν = m_N + m_N²/(2M) (notes §3): no phase space below, a single Q² point at it.
TEST(DarkUpscattering, ThresholdAndQ2Limits) {
  const double m_n = 0.42, m = kCarbon12Mass;
  const double e_th = threshold_energy(m_n, m);
  EXPECT_NEAR(e_th, 0.42 + 0.42 * 0.42 / (2.0 * m), 1e-15);
  EXPECT_TRUE(q2_range(e_th * (1 - 1e-9), m_n, m).empty());
  // Just above threshold the range closes like √(E_ν − E_th): quadrupling the excess doubles it.
  const Q2Range near1 = q2_range(e_th * (1 + 1e-8), m_n, m);
  const Q2Range near4 = q2_range(e_th * (1 + 4e-8), m_n, m);
  ASSERT_FALSE(near1.empty());
  EXPECT_LT(near1.hi - near1.lo, 1e-3 * near1.hi);
  EXPECT_NEAR((near4.hi - near4.lo) / (near1.hi - near1.lo), 2.0, 1e-3);
  EXPECT_EQ(sigma(vertex(m_n, 0.03), carbon12_coherent(), 0.99 * e_th), 0.0);

  // The ends of the range are forward (θ_lab = 0) and backward (θ_lab = π) emission (M ≫ m_N).
  for (double e_nu : {0.5, 1.0, 3.0}) {
    const Q2Range r = q2_range(e_nu, m_n, m);
    EXPECT_NEAR(lab_cos_theta(e_nu, r.lo, m_n, m), 1.0, 1e-9) << e_nu;
    EXPECT_NEAR(lab_cos_theta(e_nu, r.hi, m_n, m), -1.0, 1e-9) << e_nu;
  }
  // Massless N: the textbook CEvNS maximum recoil T_max = 2E²/(M + 2E), Q²_min = 0.
  const Q2Range r0 = q2_range(0.05, 0.0, m);
  EXPECT_EQ(r0.lo, 0.0);
  EXPECT_NEAR(r0.hi / (2.0 * m * 2.0 * 0.05 * 0.05 / (m + 0.1)), 1.0, 1e-12);
}

// Contact regime m_V ≫ √Q²: σ ∝ 1/m_V⁴. Corrections are ~2⟨Q²⟩(1/m₁² − 1/m₂²) ≲ 6e-4 for these
// masses (⟨Q²⟩ ≲ 0.5 GeV² even on the proton at E_ν = 1 GeV).
TEST(DarkUpscattering, HeavyMediatorScalesAsInverseFourthPower) {
  for (const UpscatterTarget& target : {carbon12_coherent(), free_proton()}) {
    const double s1 = sigma(vertex(0.14, 40.0), target, 1.0);
    const double s2 = sigma(vertex(0.14, 80.0), target, 1.0);
    EXPECT_NEAR(s1 / s2, 16.0, 16.0 * 1e-3);
  }
}

// Light mediator: with m_N = 0 the integral is dominated by Q² ≲ m_V², σ → C² Z²/(4π m_V²) (times
// F(0)² = 1 and the kinematic factor → 1), so σ m_V² is constant; with m_N > 0 the threshold sets
// Q²_min > 0 and σ saturates once m_V² ≪ Q²_min.
TEST(DarkUpscattering, LightMediatorLimits) {
  const UpscatterTarget carbon = carbon12_coherent();
  const double e_nu = 1.0;
  for (double mv : {2e-4, 1e-4}) {
    const double s = sigma(vertex(0.0, mv), carbon, e_nu);
    EXPECT_NEAR(s * mv * mv / (1e-14 * 36.0 / (4.0 * kPi)), 1.0, 1e-3) << mv;
  }
  const double m_n = 0.2;
  const Q2Range r = q2_range(e_nu, m_n, carbon.mass);
  ASSERT_GT(r.lo, 1e-4);
  const double sat1 = sigma(vertex(m_n, 1e-4), carbon, e_nu);
  const double sat2 = sigma(vertex(m_n, 5e-5), carbon, e_nu);
  EXPECT_NEAR(sat1 / sat2, 1.0, 2.0 * 1e-8 / r.lo); // shift ≲ 2 Δ(m_V²)/Q²_min
}

// Spin-½ target with F₁ = 1, F₂ = 0 (pointlike Dirac), m_N = 0, contact interaction
// G [ν̄ γ^μ P_L ν][ē γ_μ e]: the textbook ν–e elastic form with g_V = 1, g_A = 0,
// dσ/dT = (G² m/4π)[1 + (1 − T/E)² − mT/E²] (e.g. Giunti & Kim, "Fundamentals of Neutrino Physics
// and Astrophysics", eq. 5.54 with G_F²(g_V±g_A)² → G²/2). Here the "proton" has the electron mass.
TEST(DarkUpscattering, PointlikeSpinHalfMatchesNeutrinoElectronForm) {
  const double m = kElectronMass, e_nu = 0.01;
  const double t_max = 2.0 * e_nu * e_nu / (m + 2.0 * e_nu);
  for (double frac : {0.01, 0.3, 0.7, 0.99}) {
    const double t = frac * t_max, q2 = 2.0 * m * t;
    // |M|²/G² = spin-averaged contraction; dσ/dT = 2m |M|² / (64π m² E²).
    const double dsdt = 2.0 * m * spin_half_current_contraction(e_nu, q2, 0.0, m, {1.0, 0.0}) /
                        (64.0 * kPi * m * m * e_nu * e_nu);
    const double expected =
        m / (4.0 * kPi) * (1.0 + std::pow(1.0 - t / e_nu, 2) - m * t / (e_nu * e_nu));
    EXPECT_NEAR(dsdt / expected, 1.0, 1e-12) << frac;
  }
}

// The invariant form of the spin-½ contraction against an explicit component-by-component
// contraction L_μν H^μν of the Dirac traces (massive N, F₂ ≠ 0), built from lab four-vectors:
//   L^μν = 2(k′^μk^ν + k^μk′^ν − g^μν k·k′)  (symmetric part),
//   H^μν = ½ Tr[(p̸′+M) Γ^μ (p̸+M) Γ̄^ν], Γ^μ = G_M γ^μ − F₂ P^μ/(2M)
//        = G_M² 2[p′^μp^ν + p^μp′^ν − g^μν(p·p′ − M²)] − 4 G_M F₂ P^μP^ν/2 + F₂²(p·p′ + M²)/(2M²)
//        P^μP^ν.
TEST(DarkUpscattering, SpinHalfContractionMatchesExplicitTensors) {
  const double m = kProtonMass, m_n = 0.3, e_nu = 1.2, q2 = 0.15;
  const NucleonFormFactors ff = proton_form_factors(q2);
  const double g_m = ff.f1 + ff.f2;
  // Lab kinematics: N in the x–z plane.
  const double e_n = e_nu - q2 / (2 * m), p_n = std::sqrt(e_n * e_n - m_n * m_n);
  const double c = (2 * e_nu * e_n - m_n * m_n - q2) / (2 * e_nu * p_n), s = std::sqrt(1 - c * c);
  const double k[4] = {e_nu, 0, 0, e_nu}, kp[4] = {e_n, p_n * s, 0, p_n * c};
  const double p[4] = {m, 0, 0, 0};
  double pp[4], P[4];
  for (int i = 0; i < 4; ++i) {
    pp[i] = p[i] + k[i] - kp[i];
    P[i] = p[i] + pp[i];
  }
  const double g[4] = {1, -1, -1, -1};
  auto dot4 = [&](const double* a, const double* b) {
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
  };
  const double kk = dot4(k, kp), ppp = dot4(p, pp);
  double total = 0;
  for (int mu = 0; mu < 4; ++mu) {
    for (int nu = 0; nu < 4; ++nu) {
      const double gmn = mu == nu ? g[mu] : 0.0; // g^μν = g_μν (diagonal)
      const double l_upper = 2 * (kp[mu] * k[nu] + k[mu] * kp[nu] - gmn * kk);
      const double h_upper =
          g_m * g_m * 2 * (pp[mu] * p[nu] + p[mu] * pp[nu] - gmn * (ppp - m * m)) -
          2 * g_m * ff.f2 * P[mu] * P[nu] +
          ff.f2 * ff.f2 * (ppp + m * m) / (2 * m * m) * P[mu] * P[nu];
      total += l_upper * h_upper * g[mu] * g[nu]; // lower L's indices
    }
  }
  EXPECT_NEAR(spin_half_current_contraction(e_nu, q2, m_n, m, ff) / total, 1.0, 1e-10);
}

// Independent formula for the spin-½ target with a massive outgoing fermion and F₂ ≠ 0: the
// Llewellyn Smith quasi-elastic cross section (C. H. Llewellyn Smith, Phys. Rept. 3 (1972) 261;
// also Formaggio & Zeller, Rev. Mod. Phys. 84 (2012) 1307, eq. 54) with the axial form factors set
// to zero:
//   dσ/dQ² = M² G²/(16π E²) [A + C (s − u)²/M⁴]   (G_F² cos²θ_c/8π → G²/16π for our vertex
//   normalisation) A = (m² + Q²)/M² [−(1 − τ)F₁² + τ(1 − τ)F₂² + 4τF₁F₂ − m²/(4M²)(F₁ + F₂)²], C =
//   (F₁² + τF₂²)/4,  s − u = 4ME − Q² − m²,  m = outgoing fermion mass.
TEST(DarkUpscattering, SpinHalfMatchesLlewellynSmith) {
  const double m = kProtonMass;
  for (double m_n : {0.0, 0.1, 0.42}) {
    for (double e_nu : {0.8, 2.0}) {
      const Q2Range r = q2_range(e_nu, m_n, m);
      for (double frac : {0.01, 0.3, 0.8}) {
        const double q2 = r.lo + frac * (r.hi - r.lo), tau = q2 / (4 * m * m);
        const NucleonFormFactors ff = proton_form_factors(q2);
        const double f1 = ff.f1, f2 = ff.f2, mn2 = m_n * m_n;
        const double a = (mn2 + q2) / (m * m) *
                         (-(1 - tau) * f1 * f1 + tau * (1 - tau) * f2 * f2 + 4 * tau * f1 * f2 -
                          mn2 / (4 * m * m) * (f1 + f2) * (f1 + f2));
        const double c = (f1 * f1 + tau * f2 * f2) / 4;
        const double s_minus_u = 4 * m * e_nu - q2 - mn2;
        const double ls =
            m * m / (16 * kPi * e_nu * e_nu) * (a + c * s_minus_u * s_minus_u / std::pow(m, 4));
        const double ours =
            spin_half_current_contraction(e_nu, q2, m_n, m, ff) / (64 * kPi * m * m * e_nu * e_nu);
        EXPECT_NEAR(ours / ls, 1.0, 1e-10) << m_n << " " << e_nu << " " << frac;
      }
    }
  }
}

// Adaptive quadrature on integrands with an endpoint singularity and a narrow peak.
TEST(DarkUpscattering, AdaptiveQuadrature) {
  EXPECT_NEAR(integrate([](double x) { return std::sqrt(x); }, 0.0, 1.0, 1e-10), 2.0 / 3.0, 1e-9);
  const double w = 1e-4; // ∫ w/(x² + w²) over [−1, 1] = 2 atan(1/w)
  EXPECT_NEAR(integrate([&](double x) { return w / (x * x + w * w); }, -1.0, 1.0, 1e-10),
              2.0 * std::atan(1.0 / w), 1e-8);
}

// Independent literature number: coherent elastic ν–nucleus scattering (Freedman 1974; Drukier &
// Stodolsky, PRD 30 (1984) 2295): σ ≈ (G_F²/4π) N² E_ν² = 4.2×10⁻⁴⁵ cm² N² (E_ν/MeV)² for
// E_ν ≪ M_A, no form factor, sin²θ_W terms neglected. A Z-like contact interaction with
// C² Z²/m_V⁴ = G_F² N²/2 (so that G = G_F N/√2) on carbon (N = 6) at E_ν = 10 MeV.
TEST(DarkUpscattering, CoherentElasticNeutrinoNucleusLiteratureNumber) {
  const double n_neutrons = 6, mv = 1e3;
  UpscatterTarget carbon = carbon12_coherent(NuclearFormFactor::none);
  carbon.charge = n_neutrons;
  const double c2 = kFermiConstant * kFermiConstant / 2.0 * std::pow(mv, 4);
  const double sigma_cm2 = sigma({0.0, mv, c2}, carbon, 0.010) * kGeVm2ToCm2;
  EXPECT_NEAR(sigma_cm2 / (4.2e-45 * 36.0 * 100.0), 1.0, 0.01); // 4.2: two quoted digits
}

// Helm form factor: F(0) = 1 and its first zero at q r_n = 4.4934 (first root of tan x = x);
// r_n for ¹²C from the Lewin–Smith parameters (by hand): c = 2.21600 fm, r_n = 2.66227 fm.
// Symmetrised Fermi at q = 1 fm⁻¹: 0.32468 from a direct numerical Fourier transform of the
// density (Simpson's rule, 20000 intervals, done independently in Python for this test).
TEST(DarkUpscattering, NuclearFormFactors) {
  EXPECT_NEAR(helm_radius_fm(12), 2.66227, 1e-5);
  EXPECT_NEAR(helm_form_factor(0.0, 12), 1.0, 1e-15);
  const double q_zero = 4.493409457909064 / helm_radius_fm(12) * kHbarCGeVFm;
  EXPECT_NEAR(helm_form_factor(q_zero * q_zero, 12), 0.0, 1e-12);
  const double q1 = kHbarCGeVFm; // 1 fm⁻¹ in GeV
  EXPECT_NEAR(symmetrised_fermi_form_factor(q1 * q1, 12), 0.32468, 2e-5);
  // Low-Q² continuity of the series branches.
  for (double qfm : {0.999e-3 / 2.216, 1.001e-3 / 2.216}) {
    const double q = qfm * kHbarCGeVFm;
    EXPECT_NEAR(symmetrised_fermi_form_factor(q * q, 12), 1.0, 1e-6);
  }
  // Proton dipole: F₁(0) = 1, F₂(0) = κ_p, and G_M/G_E = 1 + κ_p at any Q².
  const NucleonFormFactors f0 = proton_form_factors(0.0);
  EXPECT_DOUBLE_EQ(f0.f1, 1.0);
  EXPECT_DOUBLE_EQ(f0.f2, kProtonAnomalousMoment);
  const double q2 = 0.5, tau = q2 / (4 * kProtonMass * kProtonMass);
  const NucleonFormFactors f = proton_form_factors(q2);
  EXPECT_NEAR((f.f1 + f.f2) / (f.f1 - tau * f.f2), 1.0 + kProtonAnomalousMoment, 1e-12);
  EXPECT_NEAR(f.f1 - tau * f.f2, 1.0 / std::pow(1 + q2 / 0.71, 2), 1e-12);
}

// The coupling prefactors of the two models (dark_couplings.h conventions).
TEST(DarkUpscattering, ModelVertices) {
  const DarkZdParams zd{0.42, 0.03, 9e-7, 0.25, 2e-10};
  const UpscatterVertex v = upscatter_vertex(zd);
  EXPECT_NEAR(v.coupling_sq / (4 * kPi * 2e-10 * 4 * kPi * 0.25 * 9e-7), 1.0, 3e-6); // |U_D4|⁴ ≈ 1
  EXPECT_EQ(v.m_heavy, 0.42);
  EXPECT_EQ(v.m_mediator, 0.03);
  const HeavyZprimeParams zp{0.14, 1.25, 1.5e-6, 7.8e-4, 5e-6, 1.0};
  const UpscatterVertex w = upscatter_vertex(zp);
  const double us = 1.0 - 1.5e-6 - 7.8e-4;
  EXPECT_NEAR(w.coupling_sq, 4 * kPi * kAlphaEm * 5e-6 * 4 * kPi * us * us * 1.5e-6, 1e-25);
}

// Spin-½ vs spin-0: for a heavy target (M → ∞ at fixed E_ν, Q²) the magnetic term is suppressed and
// the pointlike Dirac contraction tends to the scalar one.
TEST(DarkUpscattering, HeavySpinHalfTargetTendsToScalar) {
  const double m = 1e4, e_nu = 1.0, m_n = 0.3, q2 = 0.05;
  EXPECT_NEAR(spin_half_current_contraction(e_nu, q2, m_n, m, {1.0, 0.0}) /
                  scalar_current_contraction(e_nu, q2, m_n, m),
              1.0, 1e-6);
}

// Parameter validity: the regions where the formulas apply (dark_couplings.h).
TEST(DarkUpscattering, PhysicalParameterRegion) {
  EXPECT_TRUE(is_physical(DarkZdParams{}));
  EXPECT_TRUE(is_physical(HeavyZprimeParams{}));
  EXPECT_FALSE(is_physical(DarkZdParams{0.03, 0.04, 1e-6, 0.25, 1e-10})); // m_ZD > m_N
  EXPECT_FALSE(is_physical(DarkZdParams{0.3, 1e-3, 1e-6, 0.25, 1e-10}));  // below 2 m_e
  EXPECT_FALSE(is_physical(DarkZdParams{0.3, 0.03, -1e-6, 0.25, 1e-10}));
  EXPECT_FALSE(is_physical(DarkZdParams{0.3, 0.03, 1e-6, std::nan(""), 1e-10}));
  EXPECT_FALSE(is_physical(HeavyZprimeParams{0.14, 0.1, 1e-6, 1e-4, 1e-6, 1.0})); // Z′ on shell
  EXPECT_FALSE(is_physical(HeavyZprimeParams{0.14, 1.25, 0.6, 0.5, 1e-6, 1.0}));  // Σ|U|² > 1
  EXPECT_FALSE(is_physical(HeavyZprimeParams{0.14, 1.25, 1e-6, 1e-4, -1e-6, 1.0}));
}
