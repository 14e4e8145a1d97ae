#pragma once
// Natural units (ħ = c = 1, energies in GeV) and the few conversion constants and masses used by
// the dark-sector models. Defined once here; values from the PDG 2022 review unless stated.

#include <numbers>

namespace nubayes::dark {

inline constexpr double kPi = std::numbers::pi;

/// ħc [GeV·cm]: a width Γ [GeV] gives cτ = kHbarCGeVCm / Γ [cm].
inline constexpr double kHbarCGeVCm = 1.973269804e-14;
/// ħc [GeV·fm]: a momentum transfer Q [GeV] is Q / kHbarCGeVFm in fm⁻¹.
inline constexpr double kHbarCGeVFm = 0.1973269804;
/// (ħc)² [GeV²·cm²]: a cross section in GeV⁻² times this is in cm².
inline constexpr double kGeVm2ToCm2 = 0.389379372e-27;

/// Fine-structure constant at Q² = 0 (the mediators couple at low momentum transfer).
inline constexpr double kAlphaEm = 1.0 / 137.035999084;
/// Fermi constant [GeV⁻²], used only by tests that compare with Standard-Model formulas.
inline constexpr double kFermiConstant = 1.1663788e-5;
/// cos²θ_W = 1 − sin²θ_W(MS-bar, m_Z) = 1 − 0.23122: converts a hypercharge kinetic mixing χ_Y into
/// the photon-like one used here, χ² = cos²θ_W χ_Y² (the value 0.769 of the physics notes §9.2).
inline constexpr double kCosThetaWSq = 1.0 - 0.23122;

inline constexpr double kElectronMass = 0.51099895e-3; ///< [GeV]
inline constexpr double kProtonMass = 0.93827208816;   ///< [GeV]
/// ¹²C nuclear mass [GeV]: 12 u minus six electron masses (electron binding energies neglected).
inline constexpr double kCarbon12Mass = 12.0 * 0.93149410242 - 6.0 * kElectronMass;

} // namespace nubayes::dark
