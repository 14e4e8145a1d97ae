#pragma once
// The two dark-sector models as the likelihoods see them: config names, parameter names in their
// canonical order, and the map from a parameter vector to the physics structs of models/.
#include "dark_event_generator.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nubayes::darkfit {

enum class DarkModelKind { dark_zd, heavy_zprime };

std::string_view model_name(DarkModelKind kind); ///< "dark-zd", "heavy-zprime"

/// dark-zd: m_N, m_ZD, Umu4_sq, alpha_D, alpha_eps2; heavy-zprime: m4, m_Zprime, Umu4_sq,
/// Utau4_sq, chi_sq, alpha_prime. Masses in GeV; the first two are always (heavy, mediator).
const std::vector<std::string>& parameter_names(DarkModelKind kind);

/// `values` in the order of parameter_names.
dark::DarkModelParams params_from(DarkModelKind kind, std::span<const double> values);

/// The model at the given masses with the reference couplings the templates are generated with
/// (the v1 benchmark couplings for dark-zd, the Ballett point with α′ = 1 for heavy-zprime).
dark::DarkModelParams reference_params(DarkModelKind kind, double m_heavy, double m_mediator);

/// C² of the up-scattering vertex (dark_upscattering.h): every rate is proportional to it at
/// fixed masses.
double production_coupling_sq(const dark::DarkModelParams& params);

/// C² of the heavy-state decay for heavy-zprime, (eχ)² g′² |U_s4|² S: Γ(ν₄ → νee) ∝ it at fixed
/// masses (dark_decays.h, three_body_vertex).
double three_body_coupling_sq(const dark::HeavyZprimeParams& params);

} // namespace nubayes::darkfit
