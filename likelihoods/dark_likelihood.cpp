#include "dark_likelihood.h"

#include "communicator.h"
#include "dark_priors.h"
#include "experiment_table.h"
#include "miniboone_geometry.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

namespace nubayes {

using darkfit::DarkModelKind;

DarkModel::DarkModel(DarkModelKind kind, std::vector<std::size_t> parameter_order,
                     darkfit::TemplateSignal signal, std::string cache_key)
    : kind_(kind), order_(std::move(parameter_order)), signal_(std::move(signal)),
      cache_key_(std::move(cache_key)), canonical_(darkfit::parameter_names(kind).size(), 0.0),
      per_pot_(signal_.observables(), 0.0) {
  const auto& names = darkfit::parameter_names(kind);
  const auto index = [&](const char* name) {
    const auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? std::string::npos : static_cast<std::size_t>(it - names.begin());
  };
  umu4_ = index("Umu4_sq");
  utau4_ = index("Utau4_sq");
}

std::string DarkModel::name() const {
  return std::string(darkfit::model_name(kind_));
}

std::vector<std::string> DarkModel::derived_names() const {
  if (kind_ == DarkModelKind::dark_zd)
    return {"ctau_N_m", "ctau_ZD_m", "signal_nu_2018", "signal_nubar_2018"};
  return {"ctau_nu4_m", "signal_nu_2018", "signal_nubar_2018"};
}

bool DarkModel::at(std::span<const double> theta, ModelPoint& point,
                   std::span<double> derived) const {
  for (std::size_t i = 0; i < order_.size(); ++i)
    canonical_[order_[i]] = theta[i];
  const auto params = darkfit::params_from(kind_, canonical_);
  const bool physical = std::visit([](const auto& p) { return dark::is_physical(p); }, params);
  darkfit::Lifetimes life;
  const bool inside =
      physical && signal_.lifetimes(params, life) && signal_.predict(params, per_pot_);
  // Beyond the grid the lifetimes are still defined (direct widths); unphysical points get 0.
  if (physical && !inside) life = darkfit::direct_lifetimes(params);
  const auto& layout = signal_.templates().layout;
  if (!derived.empty()) {
    const bool zd = kind_ == DarkModelKind::dark_zd;
    derived[0] = life.ctau_heavy_m;
    if (zd) derived[1] = life.ctau_mediator_m;
    const std::size_t s = zd ? 2 : 1;
    double nu = 0, nubar = 0;
    for (std::size_t b = 0; b < layout.enu_bins; ++b) {
      nu += per_pot_[layout.fhc_enu() + b];
      nubar += per_pot_[layout.rhc_enu() + b];
    }
    derived[s] = inside ? nu * miniboone::kPot2018Nu : 0;
    derived[s + 1] = inside ? nubar * miniboone::kPot2018Nubar : 0;
  }
  // The heavy state (>= 50 MeV) is never made by an oscillation experiment's source: its
  // admixture only removes 1 − |U_α4|² from the light states (neutrino_sector.h).
  NeutrinoSector& n = point.neutrinos;
  n = {};
  n.nu4_oscillates = false;
  if (umu4_ != std::string::npos) n.umu4_sq = canonical_[umu4_];
  if (utau4_ != std::string::npos) n.utau4_sq = canonical_[utau4_];
  const std::span<const double> pairs(per_pot_);
  point.miniboone_pairs = {pairs.subspan(layout.fhc_enu(), layout.enu_bins),
                           pairs.subspan(layout.rhc_enu(), layout.enu_bins),
                           pairs.subspan(layout.fhc_cos(), layout.cos_bins)};
  return inside && is_physical(n);
}

std::string DarkModel::describe(const ModelPoint& point) const {
  const NeutrinoSector& n = point.neutrinos;
  double nu = 0, nubar = 0;
  for (double x : point.miniboone_pairs.fhc_enu) nu += x;
  for (double x : point.miniboone_pairs.rhc_enu) nubar += x;
  std::ostringstream out;
  out.precision(6);
  out << "heavy nu4 (m = " << canonical_[0] << " GeV), not produced by any oscillation source; "
      << "|Umu4|^2 = " << n.umu4_sq << ", |Utau4|^2 = " << n.utau4_sq
      << "; MiniBooNE e+e- pairs per POT: " << nu << " (nu mode), " << nubar << " (nubar mode)";
  return out.str();
}

std::string DarkModel::fingerprint() const {
  return std::string(darkfit::model_name(kind_)) + "\n" + cache_key_;
}

DarkSetup make_dark_problem(DarkModelKind kind, const ModelOptions& model, const ModelOptions& data,
                            const std::vector<PriorSpec>& user_priors) {
  DarkSetup setup;
  const std::string grid_name = model.text("template_grid", "default");
  darkfit::MassGrid grid;
  try {
    grid = darkfit::named_grid(kind, grid_name);
  } catch (const std::invalid_argument& e) {
    throw OptionError("template_grid", e.what());
  }
  darkfit::TemplateSettings settings;
  settings.seed =
      static_cast<std::uint64_t>(model.integer_in("template_seed", 1, 0, 1000000000000L));
  const long events = model.integer_in("template_events", 0, 0, 100000000L);
  settings.events_per_target = events > 0 ? events : darkfit::named_grid_events(grid_name);
  const std::string selection = model.text("pair_selection", "rings");
  if (selection == "single-shower")
    settings.selection = darkfit::PairSelection::single_shower;
  else if (selection != "rings")
    throw OptionError("pair_selection",
                      "unknown selection '" + selection + "' (known: rings, single-shower)");
  // The ring rules (miniboone_pair_detector.h): the defaults are the "about 5°" and
  // "about 30 MeV"; MiniBooNE-DarkNews uses 13° for MiniBooNE.
  settings.rings.max_opening_angle_deg = model.number_in("ring_opening_deg", 5.0, 0.1, 180.0);
  settings.rings.asymmetric_threshold_gev =
      1e-3 * model.number_in("ring_soft_mev", 30.0, 0.0, 1000.0);
  settings.rings.apply_mass_cut = model.flag("ring_mass_cut", true);
  const std::string cache_text =
      model.text("template_cache", darkfit::default_template_cache(kind, grid_name).string());
  if (cache_text.empty()) throw OptionError("template_cache", "must not be empty (a file path)");

  setup.priors = user_priors.empty() ? darkfit::default_priors(kind) : user_priors;
  const auto order = darkfit::parameter_order(kind, setup.priors);
  darkfit::check_mass_priors(grid, grid_name, setup.priors, order);

  const darkfit::TemplateInputs inputs =
      build_experiment("templates", [] { return darkfit::TemplateInputs(inputs_dir()); });
  ExperimentChoice choice = make_experiments(data);
  setup.datasets = std::move(choice.datasets);

  const Communicator comm;
  auto cached = build_experiment("templates", [&] {
    return darkfit::load_or_build_templates(cache_text, grid, settings, inputs, comm);
  });
  if (comm.is_root() && (cached.rebuilt || !cached.note.empty())) {
    std::ostringstream line;
    if (!cached.note.empty()) line << "nubayes: " << cached.note << "\n";
    if (cached.rebuilt)
      line << "nubayes: built " << darkfit::model_name(kind) << " templates (" << grid.size()
           << " mass points, " << settings.events_per_target << " events per target) in "
           << cached.build_seconds << " s on " << comm.size() << " rank(s); cache " << cache_text
           << "\n";
    std::cerr << line.str();
  }
  setup.likelihood = std::make_unique<ModelLikelihood>(
      std::make_unique<DarkModel>(kind, order, darkfit::TemplateSignal(std::move(cached.set)),
                                  darkfit::template_cache_key(grid, settings, inputs)),
      std::move(choice.experiments));
  return setup;
}

std::string dark_models_help() {
  return "  dark-zd       dark neutrino N_D + light dark photon Z_D (Bertuzzo et al. 1807.09877); "
         "parameters m_N,\n"
         "                m_ZD [GeV], Umu4_sq, alpha_D, alpha_eps2; defaults m_N log-uniform 0.1 "
         "0.6, m_ZD log-uniform\n"
         "                0.01 0.2, Umu4_sq log-uniform 1e-9 1e-5, alpha_D fixed 0.25, alpha_eps2 "
         "log-uniform 1e-11\n"
         "                1e-7; derived ctau_N_m, ctau_ZD_m, signal_nu_2018, signal_nubar_2018\n"
         "  heavy-zprime  heavy sterile nu4 + GeV Z' (Ballett et al. 1808.02915); parameters m4, "
         "m_Zprime [GeV],\n"
         "                Umu4_sq, Utau4_sq, chi_sq (photon-like), alpha_prime; defaults m4 "
         "log-uniform 0.05 0.5,\n"
         "                m_Zprime log-uniform 0.1 3, Umu4_sq 1e-9 1e-4, Utau4_sq 1e-6 0.1, chi_sq "
         "1e-8 1e-3 (all\n"
         "                log-uniform), alpha_prime fixed 1; derived ctau_nu4_m, signal_nu_2018, "
         "signal_nubar_2018\n"
         "                Both: [model] template_grid = default | small, template_cache = PATH "
         "(default\n"
         "                $NUBAYES_CACHE/<model>-templates-<grid>.h5 or ./<same>), template_seed "
         "(1),\n"
         "                template_events (0 = grid default), pair_selection = rings (MiniBooNE "
         "ring rules:\n"
         "                overlapping < 5 deg, asymmetric, pi0 mass cut) | single-shower (every "
         "e+e- pair); [data] experiments = any\n"
         "                experiment or group listed above (every model accepts every experiment;\n"
         "                miniboone-angle-2020 needs the pair signal)\n";
}

} // namespace nubayes
