#pragma once
// Event generator for ν_μ up-scattering into a dark-sector fermion followed by its decay to e⁺e⁻:
//   dark-zd:      ν_μ T → N_D T,  N_D → ν Z_D,  Z_D → e⁺e⁻   (N_D unpolarised: N_D → ν Z_D
//   isotropic
//                 in its rest frame; Z_D → e⁺e⁻ with the Z_D helicity fractions of N → ν Z_D, or
//                 isotropic on request; see DARK_SECTOR.md §4)
//   heavy-zprime: ν_μ T → ν₄ T,   ν₄ → ν e⁺e⁻ through an off-shell Z′ (Dalitz point from |M|²,
//                 unpolarised ν₄: decay plane isotropic)
// Lab frame: beam along +z, target at rest; four-vectors (E, px, py, pz) in GeV.
// Q² is drawn from 1/(Q² + μ²)² (uniform in v = −1/(Q² + μ²)) with μ² = min(m_V², Λ_T²), Λ_T² the
// scale where the target form factor cuts the spectrum off (3/r_n² for a nucleus, Λ² = 0.71 GeV²
// for the proton), and the event carries the weight dσ/dQ² / pdf(Q²) in cm² per target, so the mean
// weight over events is σ(E_ν). μ ≤ m_V keeps the weight bounded.

#include "dark_decay_chain.h"
#include "dark_decays.h"
#include "dark_kinematics.h"
#include "dark_upscattering.h"

#include <optional>
#include <variant>

namespace nubayes::dark {

struct DarkEvent {
  double weight_cm2 = 0;           ///< importance weight: E[weight] = σ(E_ν) [cm² per target]
  double e_nu = 0;                 ///< [GeV]
  double q2 = 0;                   ///< −t [GeV²]
  FourVector nu_in{};              ///< incoming ν_μ
  FourVector heavy{};              ///< N_D or ν₄ after up-scattering
  FourVector heavy_polarisation{}; ///< its polarisation four-vector Π (heavy_polarisation)
  FourVector recoil{};             ///< target after the scattering
  FourVector nu_out{};             ///< light ν from the heavy-state decay
  FourVector mediator{};           ///< Z_D (dark-zd); zero for heavy-zprime (off-shell Z′)
  FourVector electron{};
  FourVector positron{};
  double beta_gamma_heavy = 0;         ///< |p⃗|/m of the heavy state
  double decay_length_heavy_cm = 0;    ///< βγ cτ of the heavy state
  double decay_length_mediator_cm = 0; ///< βγ cτ of Z_D (dark-zd), 0 otherwise
};

using DarkModelParams = std::variant<DarkZdParams, HeavyZprimeParams>;

class DarkEventGenerator {
public:
  /// Throws std::invalid_argument if the parameters fail is_physical (dark_couplings.h).
  DarkEventGenerator(const DarkModelParams& params, const UpscatterTarget& target,
                     DecayAngles angles = DecayAngles::polarised);

  /// One event at neutrino energy e_nu; nullopt below the production threshold.
  std::optional<DarkEvent> generate(double e_nu, const UniformSource& uniform) const;

  const UpscatterVertex& vertex() const { return vertex_; }
  const UpscatterTarget& target() const { return target_; }

private:
  DarkModelParams params_;
  UpscatterTarget target_;
  DecayAngles angles_;
  UpscatterVertex vertex_;
  double proposal_mass_ = 0; ///< μ of the Q² proposal
  double width_heavy_ = 0;
  double width_mediator_ = 0;
  std::optional<ThreeBodySampler> three_body_;
};

} // namespace nubayes::dark
