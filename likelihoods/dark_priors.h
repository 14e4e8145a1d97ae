#pragma once
// Priors of the dark-sector likelihoods: the defaults, the map from [prior] lines to the model's
// parameters, and the checks that the mass priors are possible (m_ZD < m_N, m₄ < m_Z′ somewhere)
// and inside the template grid. Every failure is an OptionError naming the [prior] key.
#include "dark_mass_grid.h"
#include "prior.h"

#include <string>
#include <vector>

namespace nubayes::darkfit {

/// Default priors in parameter order (parameter_names).
std::vector<PriorSpec> default_priors(DarkModelKind kind);

/// The [prior] lines (any order) must name exactly the model's parameters; returns, per theta
/// entry, its index in parameter_names(kind).
std::vector<std::size_t> parameter_order(DarkModelKind kind, const std::vector<PriorSpec>& priors);

/// Mass priors: bounded and positive, compatible with each other, inside `grid` (see
/// models/DARK_SECTOR.md §6 for which ratio end may be cut).
void check_mass_priors(const MassGrid& grid, const std::string& grid_name,
                       const std::vector<PriorSpec>& priors, const std::vector<std::size_t>& order);

} // namespace nubayes::darkfit
