#pragma once
// Parameters and coupling conventions of the two dark-sector explanations of the MiniBooNE
// low-energy excess. Every convention is fixed here once (see models/DARK_SECTOR.md for sources):
//
//  * Mediator–SM coupling: the mediator V (Z_D or Z′) couples to the electromagnetic current,
//    L ⊃ e ε Q_f f̄ γ^μ f V_μ, "photon-like" kinetic mixing. No cos θ_W is included: a hypercharge
//    mixing χ_Y corresponds to ε² = cos²θ_W χ_Y² (kCosThetaWSq). Couplings to the weak neutral
//    current (suppressed by m_V²/m_Z²) are neglected.
//  * Mediator–neutrino coupling: g U*_{Xi} U_{Xj} ν̄_i γ^μ P_L ν_j V_μ in the mass basis, X = the
//  dark
//    flavour (D or s), g² = 4π α_X. The heavy state (N_D or ν₄) is a Dirac fermion.
//  * Only the listed active mixings are non-zero. Unitarity of the row X then gives
//    |U_X4|² = 1 − Σ_α |U_α4|² (≈ 1, the notes' "|U_D4| ≈ 1" made exact).
//  * Production νμ → heavy: Σ_{i light} U*_μi (g U*_Xi U_X4) = −g U*_X4 U_X4 U*_μ4 by unitarity, so
//  the
//    squared vertex is g² |U_X4|⁴ |U_μ4|².
//  * Decay heavy → light ν (summed over the three light states): g² |U_X4|² (1 − |U_X4|²)
//    = g² |U_X4|² Σ_α |U_α4|².

#include "dark_units.h"

namespace nubayes::dark {

/// Model "dark-zd": dark neutrino N_D + light dark photon Z_D (Bertuzzo et al., arXiv:1807.09877).
struct DarkZdParams {
  double m_N = 0.42;         ///< N_D mass [GeV]
  double m_ZD = 0.03;        ///< Z_D mass [GeV]
  double umu4_sq = 9e-7;     ///< |U_μ4|²
  double alpha_D = 0.25;     ///< α_D = g_D² / 4π
  double alpha_eps2 = 2e-10; ///< α ε² (ε: photon-like kinetic mixing)
};

/// Model "heavy-zprime": heavy sterile ν₄ + GeV Z′ of a U(1)′ (Ballett et al., arXiv:1808.02915).
struct HeavyZprimeParams {
  double m4 = 0.14;         ///< ν₄ mass [GeV]
  double m_Zprime = 1.25;   ///< Z′ mass [GeV]
  double umu4_sq = 1.5e-6;  ///< |U_μ4|²
  double utau4_sq = 7.8e-4; ///< |U_τ4|²
  double chi_sq = 5e-6; ///< χ², photon-like kinetic mixing (Z′–e coupling e χ, no cos θ_W)
  double alpha_prime = 1.0; ///< α′ = g′² / 4π
};

/// False outside the region where the formulas of this module apply (callers turn false into
/// ln L = −inf): finite positive masses with 2 m_e < m_ZD < m_N (on-shell N_D → ν Z_D → ν e⁺e⁻),
/// |U_μ4|² in [0, 1), α_D ≥ 0, α ε² ≥ 0.
bool is_physical(const DarkZdParams& p);
/// Heavy-zprime: 2 m_e < m₄ < m_Z′ (the Z′ in ν₄ → ν e⁺e⁻ is off shell), |U_α4|² ≥ 0 with
/// |U_μ4|² + |U_τ4|² < 1, χ² ≥ 0, α′ ≥ 0.
bool is_physical(const HeavyZprimeParams& p);

/// |U_D4|² = 1 − |U_μ4|² (only U_μ4 is non-zero among the active mixings of N_D).
inline double dark_row_norm_sq(const DarkZdParams& p) {
  return 1.0 - p.umu4_sq;
}
/// |U_s4|² = 1 − |U_μ4|² − |U_τ4|²; S = Σ_α |U_α4|² = 1 − |U_s4|².
inline double sterile_row_norm_sq(const HeavyZprimeParams& p) {
  return 1.0 - p.umu4_sq - p.utau4_sq;
}

/// Squared mediator–electron (and –proton, per unit charge) coupling (e ε)² = 4π α ε².
inline double mediator_charge_coupling_sq(const DarkZdParams& p) {
  return 4.0 * kPi * p.alpha_eps2;
}
inline double mediator_charge_coupling_sq(const HeavyZprimeParams& p) {
  return 4.0 * kPi * kAlphaEm * p.chi_sq;
}

/// Squared νμ → heavy production vertex g² |U_X4|⁴ |U_μ4|² (see the header comment).
inline double production_vertex_sq(const DarkZdParams& p) {
  const double ud = dark_row_norm_sq(p);
  return 4.0 * kPi * p.alpha_D * ud * ud * p.umu4_sq;
}
inline double production_vertex_sq(const HeavyZprimeParams& p) {
  const double us = sterile_row_norm_sq(p);
  return 4.0 * kPi * p.alpha_prime * us * us * p.umu4_sq;
}

/// Squared heavy → light-ν decay vertex, summed over the light states: g² |U_X4|² (1 − |U_X4|²).
inline double decay_vertex_sq(const DarkZdParams& p) {
  const double ud = dark_row_norm_sq(p);
  return 4.0 * kPi * p.alpha_D * ud * (1.0 - ud);
}
inline double decay_vertex_sq(const HeavyZprimeParams& p) {
  const double us = sterile_row_norm_sq(p);
  return 4.0 * kPi * p.alpha_prime * us * (1.0 - us);
}

} // namespace nubayes::dark
