#pragma once
// Decay chains of the up-scattered heavy state to ν e⁻e⁺, in the lab frame:
//   dark-zd:      N_D → ν Z_D (on shell), Z_D → e⁻e⁺
//   heavy-zprime: ν₄ → ν e⁻e⁺ through an off-shell Z′
// Angular correlations (DecayAngles):
//   polarised:   exact spin correlations for an N with polarisation four-vector Π (from
//                heavy_polarisation): the unpolarised chain below is re-weighted by accept–reject
//                with polarised_decay_ratio/2 (the ratio lies in [0, 2]).
//   unpolarised: unpolarised N. dark-zd: N → ν Z_D isotropic, Z_D → e⁺e⁻ about its helicity axis
//   with
//                f_L = m_N²/(m_N² + 2m_ZD²) — exactly the unpolarised |M|² (no helicity
//                interference survives the N spin sum). heavy-zprime: Dalitz sampler with isotropic
//                orientation.
//   isotropic:   dark-zd with both two-body decays isotropic (the physics notes §9.3 assumption);
//                heavy-zprime as unpolarised.

#include "dark_decays.h"
#include "dark_kinematics.h"

#include <optional>

namespace nubayes::dark {

enum class DecayAngles { polarised, unpolarised, isotropic };

struct DecayProducts {
  FourVector nu{};       ///< light neutrino
  FourVector mediator{}; ///< Z_D (dark-zd); zero for the off-shell Z′
  FourVector electron{};
  FourVector positron{};
};

/// N_D (lab momentum `heavy`) → ν Z_D → ν e⁻e⁺. `polarisation` is used only with
/// DecayAngles::polarised (required there).
DecayProducts decay_dark_neutrino(const DarkZdParams& p, const FourVector& heavy,
                                  const std::optional<FourVector>& polarisation, DecayAngles angles,
                                  const UniformSource& uniform);

/// ν₄ (lab momentum `heavy`) → ν e⁻e⁺ from `sampler`; polarisation as above.
DecayProducts decay_heavy_sterile(const ThreeBodySampler& sampler, const FourVector& heavy,
                                  const std::optional<FourVector>& polarisation, DecayAngles angles,
                                  const UniformSource& uniform);

} // namespace nubayes::dark
