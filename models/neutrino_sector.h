#pragma once
// The neutrino sector of any model as an oscillation experiment sees it: the three light states
// and one further mass state ν₄ with fourth-column mixing |U_α4|² (real U, phases zero). Every
// model of nubayes has exactly this shape; what differs is whether ν₄ oscillates:
//
//  * oscillating (3+1): ν₄ is light (Δm²41 ~ eV²), made and detected coherently with the others.
//    In the short-baseline limit (Δm²41 ≫ Δm²31) the probabilities are those of sterile3p1.h:
//      P(α→β)(x) = δαβ − 4 U_α4 U_β4 (δαβ − U_α4 U_β4) sin²(1.267 Δm²41 x),  x = L/E [m/MeV].
//  * not produced (dark-zd's N, heavy-zprime's ν₄: ≥ 50 MeV): no oscillation experiment sees it
//    as a state that oscillates. Reactor and gallium sources cannot make it (E < 10 MeV); muon
//    decay at rest (LSND) and a beam's kaons can, through |U_μ4|² ≤ 1e-4, but a state that heavy
//    decoheres at once and reaches no selection as a νμ or νe (docs/models_on_experiments.md). The produced
//    and detected states are the light parts of the flavour states, so the amplitude is
//    Σ_{i≤3} U_αi U_βi = δαβ − U_α4 U_β4 at every L/E, and
//      P(α→β) = (δαβ − U_α4 U_β4)²  (no oscillation in L/E).
//    For α = β this is (1 − |U_α4|²)²: the flux and the cross section are each reduced by
//    1 − |U_α4|² (Shrock 1980; Antusch et al., hep-ph/0607020, non-unitary mixing). It differs from
//    the averaged oscillating case, δαβ − 2 U_α4 U_β4 (δαβ − U_α4 U_β4), by (U_α4 U_β4)².
// Neutrinos and antineutrinos alike (no CP phase); no matter effects (experiments that need them,
// IceCube, build them from the same numbers).
#include <string>

namespace nubayes {

enum class Flavour { e, mu, tau };

struct NeutrinoSector {
  double dm2_41 = 0;   ///< Δm²41 [eV²] (only meaningful while ν₄ oscillates)
  double ue4_sq = 0;   ///< |U_e4|²
  double umu4_sq = 0;  ///< |U_μ4|²
  double utau4_sq = 0; ///< |U_τ4|²
  bool nu4_oscillates = true; ///< false: ν₄ too heavy to be produced (see above)
};

/// False outside the physical region: Δm²41 finite and >= 0, each |U_α4|² in [0, 1] and
/// Σ_α |U_α4|² <= 1 (a row of a unitary 4×4 matrix). Callers turn false into ln L = −inf.
bool is_physical(const NeutrinoSector& s);

/// |U_α4|² of one flavour.
double fourth_column_sq(const NeutrinoSector& s, Flavour alpha);

/// One channel's probability as a function of x = L/E [m/MeV]:
///   P(x) = constant + amplitude · sin²(wavenumber · x).
/// For an oscillating ν₄: constant = δαβ, amplitude = −4U_α4U_β4(δαβ − U_α4U_β4) (so −sin²2θ for
/// disappearance, +sin²2θμe for μ→e), wavenumber = 1.267 Δm²41. Otherwise: constant =
/// (δαβ − U_α4 U_β4)², amplitude = wavenumber = 0.
struct Transition {
  double constant = 1;
  double amplitude = 0;
  double wavenumber = 0;

  bool oscillates() const { return amplitude != 0 && wavenumber != 0; }
  /// P at one x.
  double at(double x) const;
  /// P averaged uniformly over x in [x_lo, x_hi] (sterile3p1::mean_sin2).
  double mean(double x_lo, double x_hi) const;
  /// The value P takes where the oscillation is averaged out (⟨sin²⟩ = 1/2).
  double averaged() const { return constant + 0.5 * amplitude; }
};

Transition transition(const NeutrinoSector& s, Flavour from, Flavour to);

/// The (sin²2θ, Δm²) of a two-flavour oscillation that gives this channel, for experiments whose
/// likelihood is a published surface in those two numbers. An oscillating channel gives its own
/// |amplitude| and Δm²41. A channel that does not oscillate gives the same averaged probability at
/// `averaged_dm2` (the surface's largest Δm², where its oscillations are averaged out):
/// sin²2θ = 2 |P − δαβ|, which reproduces the averaged P exactly. (For |U_α4|² > 0.29, never at the
/// dark models' priors, it exceeds 1 and a surface clamps it to its edge.)
struct TwoFlavourEquivalent {
  double sin2_2theta = 0;
  double dm2 = 0;
};
TwoFlavourEquivalent two_flavour_equivalent(const NeutrinoSector& s, Flavour from, Flavour to,
                                            double averaged_dm2);

/// A Δm² far above every experiment's reach (at L/E = 1 m/MeV its phase is 1.3e4 rad): published
/// surfaces clamp it to their top Δm², where oscillations are averaged out.
inline constexpr double kAveragedDm2 = 1e4;

/// For experiments that build four-flavour vacuum probabilities themselves (MINOS): the
/// sector itself if ν₄ oscillates, else an oscillating ν₄ at kAveragedDm2 with the same mixing.
/// This gives the averaged probability, δαβ − 2U_α4U_β4(δαβ − U_α4U_β4), which differs from the
/// not-produced one by (U_α4 U_β4)² (≤ 1e-8 for νμ→νμ at the dark models' |U_μ4|² ≤ 1e-4).
NeutrinoSector averaged_equivalent(const NeutrinoSector& s);

/// One line for `nubayes eval`: what the channel is at this point, e.g. "oscillating nu4: 1 -
/// 0.012 sin^2(1.267 * 1.3 eV^2 * L/E)" or "no oscillation in L/E: P = 0.99998".
std::string describe(const Transition& t, double dm2_41);

} // namespace nubayes
