#pragma once
// 3+1 sterile-neutrino oscillations in the short-baseline limit (Δm²41 ≫ Δm²31, no matter
// effects, no CP violation: neutrinos and antineutrinos alike). Pure formulas, no I/O.
//   P(νμ→νe) = sin²2θμe sin²Δ,  P(νe→νe) = 1 − sin²2θee sin²Δ,  P(νμ→νμ) = 1 − sin²2θμμ sin²Δ,
//   Δ = 1.267 Δm²41[eV²] L[m] / E[MeV]  (= L[km] / E[GeV]).
// Throughout, x = L/E in m/MeV and sin²Δ = sin²(k x) with wavenumber k = 1.267 Δm²41.

#include "neutrino_sector.h"

namespace nubayes::sterile3p1 {

/// Δ = kPhase · Δm²[eV²] · L[m] / E[MeV]; kPhase = 1/(4ħc) in these units.
inline constexpr double kPhase = 1.267;

/// The 3+1 point: Δm²41 and |U_α4|² of an oscillating ν₄ (neutrino_sector.h). The formulas below
/// assume nu4_oscillates; experiments take any sector through transition() instead.
using Params = NeutrinoSector;

/// False outside the physical region: Δm²41 must be finite and >= 0, each |U_α4|² in [0, 1] and
/// Σ_α |U_α4|² <= 1 (a row of a unitary 4×4 matrix). Callers turn false into ln L = −inf.
bool is_physical(const Params& p);

/// sin²2θμe = 4 |U_e4|² |U_μ4|²
double sin2_2theta_mue(const Params& p);
/// sin²2θee = 4 |U_e4|² (1 − |U_e4|²)
double sin2_2theta_ee(const Params& p);
/// sin²2θμμ = 4 |U_μ4|² (1 − |U_μ4|²)
double sin2_2theta_mumu(const Params& p);

/// k such that Δ = k · L[m]/E[MeV].
constexpr double wavenumber(double dm2_41) {
  return kPhase * dm2_41;
}

/// 1 − sin(t)/t, accurate for all t (series near 0, where the direct form cancels).
double one_minus_sinc(double t);

/// Exact mean of sin²(k x) over x in [x_lo, x_hi] (the ends may come in either order):
/// 1/2 − (sin 2k x_hi − sin 2k x_lo) / (4k (x_hi − x_lo)), evaluated in the cancellation-free form
/// sin²(k x̄) · sinc(k h) + (1 − sinc(k h)) / 2 with x̄ the midpoint and h the width. Equal ends
/// give sin²(k x); small k gives k² (x_lo² + x_lo x_hi + x_hi²) / 3; large k h tends to 1/2.
double mean_sin2(double k, double x_lo, double x_hi);

/// Probabilities at one L/E [m/MeV].
double prob_mue(const Params& p, double x);
double prob_ee(const Params& p, double x);
double prob_mumu(const Params& p, double x);

/// Probabilities averaged uniformly over L/E in [x_lo, x_hi] [m/MeV].
double prob_mue(const Params& p, double x_lo, double x_hi);
double prob_ee(const Params& p, double x_lo, double x_hi);
double prob_mumu(const Params& p, double x_lo, double x_hi);

} // namespace nubayes::sterile3p1
