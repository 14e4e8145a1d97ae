#pragma once
// Up-scattering ν_μ + T → N + T through a vector mediator V of any mass (t-channel), with a
// massless left-handed incoming neutrino and a massive outgoing Dirac fermion N. Derivation,
// conventions and sources: models/DARK_SECTOR.md §2. Units: GeV; cross sections in GeV⁻²
// (multiply by kGeVm2ToCm2 for cm²); dσ/dQ² in GeV⁻⁴. Q² = −t = 2 M_T E_R (E_R: target recoil
// kinetic energy).
//
// Amplitude: M = C/(Q² + m_V²) · [ū_N γ^μ P_L u_ν] · J_μ, with the target current J
//   spin-0 nucleus:  Z F(Q²) (p + p′)_μ                        (coherent)
//   proton:          ū_p′ [F₁ γ_μ + i F₂ σ_μν q^ν/(2 m_p)] u_p   (incoherent, free proton)
// and C² = (e ε)² · g² |U_X4|⁴ |U_μ4|² from the model parameters (dark_couplings.h).

#include "dark_couplings.h"
#include "dark_form_factors.h"
#include "dark_kinematics.h"

namespace nubayes::dark {

/// Everything the up-scattering needs from a model.
struct UpscatterVertex {
  double m_heavy = 0;     ///< mass of the produced N [GeV]
  double m_mediator = 0;  ///< mediator mass [GeV]
  double coupling_sq = 0; ///< C² = (e ε)² g² |U_X4|⁴ |U_μ4|² (dimensionless)
};
UpscatterVertex upscatter_vertex(const DarkZdParams& p);
UpscatterVertex upscatter_vertex(const HeavyZprimeParams& p);

/// A scattering target: a spin-0 nucleus scattered coherently, or a free proton.
struct UpscatterTarget {
  enum class Kind { coherent_nucleus, proton } kind = Kind::coherent_nucleus;
  double mass = kCarbon12Mass; ///< [GeV]
  double charge = 6;           ///< Z (1 for the proton)
  double mass_number = 12;     ///< A (form-factor radius)
  NuclearFormFactor form_factor = NuclearFormFactor::helm;
};
UpscatterTarget carbon12_coherent(NuclearFormFactor form_factor = NuclearFormFactor::helm);
/// The free (hydrogen) protons of CH₂. Bound protons of carbon are NOT included (see
/// DARK_SECTOR.md).
UpscatterTarget free_proton();

/// Lowest E_ν producing N on a target at rest: m_N + m_N²/(2 M_T).
double threshold_energy(double m_heavy, double m_target);

struct Q2Range {
  double lo = 0, hi = 0;
  bool empty() const { return !(hi > lo); }
};
/// Exact 2→2 limits of Q² (cos θ* = ±1 in the centre-of-mass frame); empty below threshold.
Q2Range q2_range(double e_nu, double m_heavy, double m_target);

/// Spin-summed (ν helicity fixed, target spin averaged) |M|² divided by C² · propagator², i.e. the
/// contraction of lepton and hadron tensors, for the given target.
double reduced_matrix_element_sq(const UpscatterTarget& target, double e_nu, double q2,
                                 double m_heavy);
/// The same for a pointlike spin-0 target of unit charge: S_μν P^μ P^ν = 2[2(k·P)² − P² k·k′].
double scalar_current_contraction(double e_nu, double q2, double m_heavy, double m_target);
/// The same for a spin-½ target of mass m_target with vector-current form factors ff (averaged over
/// the target spin): (F₁² + τF₂²) S_μν P^μP^ν + G_M² (m_N² + Q²)(2Q² − m_N²), G_M = F₁ + F₂.
double spin_half_current_contraction(double e_nu, double q2, double m_heavy, double m_target,
                                     const NucleonFormFactors& ff);

/// dσ/dQ² [GeV⁻⁴]; zero outside q2_range.
double dsigma_dq2(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu, double q2);
/// dσ/dE_R = 2 M_T dσ/dQ² [GeV⁻³].
double dsigma_derecoil(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu,
                       double e_recoil);
/// σ(E_ν) [GeV⁻²] per target, integrated in v = −1/(Q² + m_V²) (which removes the propagator peak).
/// Throws std::domain_error for m_V = m_N = 0 (infrared divergent).
double sigma(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu,
             double rel_tol = 1e-7);

/// Polarisation four-vector Π of the produced N (m_heavy > 0) for lab momenta k (ν), k′ (N) and a
/// target at rest: the probability to find N with spin four-vector s is ∝ 1 − s·Π, i.e. Π = (0, Π⃗)
/// in the N rest frame, |Π⃗| ≤ 1. From |M|²(s) = ½ f(k′ − m_N s) with f(v) = b·v the unpolarised
/// contraction (linear in k′): Π = m_N b/(b·k′) − k′/m_N, with
///   spin-0:  b = 2(k·P)P − P²k,
///   spin-½:  b = G_M²[2Q²k + 2(m_N² + Q²)q] + 2(F₁² + τF₂²)[2(k·P)P − P²k],  q = k − k′.
FourVector heavy_polarisation(const UpscatterTarget& target, const FourVector& nu_in,
                              const FourVector& heavy, double m_heavy);

/// The propagator-flattening variable and its inverse (shared with the event generator).
inline double propagator_variable(double q2, double m_mediator) {
  return -1.0 / (q2 + m_mediator * m_mediator);
}
inline double q2_from_propagator_variable(double v, double m_mediator) {
  return -1.0 / v - m_mediator * m_mediator;
}

} // namespace nubayes::dark
