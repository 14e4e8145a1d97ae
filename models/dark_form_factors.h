#pragma once
// Elastic form factors for the up-scattering targets. Q² = −t in GeV², Q = √Q².
//  * Nuclear (spin-0, charge distribution): Helm (Lewin & Smith, Astropart. Phys. 6 (1996) 87) and
//  the
//    symmetrised Fermi distribution (Sprung & Martorell, J. Phys. A 30 (1997) 6525), both
//    normalised to F(0) = 1 and multiplied by Z outside.
//  * Proton: Dirac F₁ and Pauli F₂ from dipole Sachs form factors, G_E = G_D, G_M = (1 + κ_p) G_D,
//    G_D = (1 + Q²/Λ²)⁻², Λ² = 0.71 GeV², κ_p = 1.793.

namespace nubayes::dark {

enum class NuclearFormFactor { none, helm, symmetrised_fermi };

/// Helm parameters for mass number A [fm]: c = 1.23 A^{1/3} − 0.60, a = 0.52, s = 0.9,
/// r_n² = c² + (7/3) π² a² − 5 s².
double helm_radius_fm(double mass_number);
/// F_Helm(Q) = 3 j₁(Q r_n)/(Q r_n) · exp(−Q² s²/2).
double helm_form_factor(double q2, double mass_number);
/// Symmetrised Fermi with half-density radius c and diffuseness a as in helm_radius_fm (same
/// Lewin–Smith c and a), analytic Fourier transform.
double symmetrised_fermi_form_factor(double q2, double mass_number);
double nuclear_form_factor(NuclearFormFactor kind, double q2, double mass_number);

inline constexpr double kProtonDipoleMassSq = 0.71;     ///< Λ² [GeV²]
inline constexpr double kProtonAnomalousMoment = 1.793; ///< κ_p

struct NucleonFormFactors {
  double f1 = 1; ///< Dirac, F₁(0) = 1
  double f2 = 0; ///< Pauli, F₂(0) = κ_p
};
NucleonFormFactors proton_form_factors(double q2);

} // namespace nubayes::dark
