#pragma once
// The dark-sector likelihoods ([model] name = dark-zd | heavy-zprime): parameters, default priors,
// the template cache, the MiniBooNE terms chosen in [data] experiments, and derived lifetimes.
//
// [model] keys: template_grid = default | small (small: 3 × 3 mass points and few events, for
// smoke tests), template_cache = path (default: $NUBAYES_CACHE/<model>-templates-<grid>.h5, or
// that name in the current directory), template_seed = 1 (the seed of the template Monte Carlo,
// independent of [run] seed so the likelihood is one fixed function), template_events = 0 (events
// per target and grid point; 0 = the grid's default), pair_selection = rings | single-shower
// (dark_templates.h, PairSelection); for rings: ring_opening_deg = 5 (a pair opening less is one
// ring), ring_soft_mev = 30 (a softer particle makes no ring of its own), ring_mass_cut = true
// (MiniBooNE's π⁰ mass cut; miniboone_pair_detector.h). Every one of them is in the cache key.
// [data] keys: experiments (any of experiment_table.h, as for every model).
// Outside the physical region (dark_couplings.h is_physical) or outside the mass grid ln L = −inf.
#include "dark_signal.h"
#include "dark_template_cache.h"
#include "model_likelihood.h"
#include "model_options.h"
#include "prior.h"

#include <memory>
#include <string>
#include <vector>

namespace nubayes {

/// The dark-sector model at a point: the MiniBooNE pair templates and a heavy ν₄ that no
/// oscillation experiment can produce (neutrino_sector.h), mixing with νμ (and ντ for
/// heavy-zprime) only. What that means for each experiment: docs/models_on_experiments.md.
class DarkModel : public PhysicsModel {
public:
  /// `parameter_order`: for each theta entry, its index in darkfit::parameter_names(kind).
  DarkModel(darkfit::DarkModelKind kind, std::vector<std::size_t> parameter_order,
            darkfit::TemplateSignal signal, std::string cache_key);

  std::string name() const override;
  /// dark-zd: ctau_N_m, ctau_ZD_m; heavy-zprime: ctau_nu4_m; both then signal_nu_2018 and
  /// signal_nubar_2018 (predicted events in the 11 E_ν^QE bins, 2018 exposures; 0 where ln L =
  /// −inf). Lifetimes in m; 0 for unphysical parameters, infinite for zero couplings.
  std::vector<std::string> derived_names() const override;
  /// False outside the physical region (dark_couplings.h is_physical) or the mass grid.
  bool at(std::span<const double> theta, ModelPoint& point,
          std::span<double> derived) const override;
  std::string fingerprint() const override;
  bool makes_miniboone_pairs() const override { return true; }
  std::string describe(const ModelPoint& point) const override;

  const darkfit::TemplateSignal& signal() const { return signal_; }

private:
  darkfit::DarkModelKind kind_;
  std::vector<std::size_t> order_;
  darkfit::TemplateSignal signal_;
  std::string cache_key_;
  std::size_t umu4_, utau4_; ///< indices of Umu4_sq, Utau4_sq in the canonical order (or npos)
  mutable std::vector<double> canonical_, per_pot_;
};

using DarkSetup = ModelSetup;

/// Builds the problem; throws OptionError naming the [model], [data] or [prior] key at fault.
DarkSetup make_dark_problem(darkfit::DarkModelKind kind, const ModelOptions& model,
                            const ModelOptions& data, const std::vector<PriorSpec>& user_priors);

/// Help text for `nubayes help config`.
std::string dark_models_help();

} // namespace nubayes
