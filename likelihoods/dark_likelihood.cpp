#include "dark_likelihood.h"

#include "communicator.h"
#include "dark_priors.h"
#include "miniboone_geometry.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

namespace nubayes {

using darkfit::DarkModelKind;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();



std::vector<std::unique_ptr<darkfit::DarkExperiment>>
make_experiments(const ModelOptions& data, const darkfit::ObservableLayout& layout,
                 std::string& datasets) {
  const auto names = split_list(data.text("experiments", ""));
  if (names.empty())
    throw OptionError("experiments",
                      std::string("required: a comma-separated list of ") +
                          darkfit::kDarkExperimentNames,
                      "data");
  miniboone::EnergyRange range;
  try {
    range = miniboone::parse_energy_range(data.text("miniboone_range", "200-3000"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("miniboone_range", e.what(), "data");
  }
  const std::string statistic_text = data.text("miniboone_angle_statistic", "shape");
  miniboone::ShapeStatistic statistic;
  if (statistic_text == "shape")
    statistic = miniboone::ShapeStatistic::shape;
  else if (statistic_text == "rate")
    statistic = miniboone::ShapeStatistic::rate;
  else if (statistic_text == "poisson")
    statistic = miniboone::ShapeStatistic::poisson;
  else
    throw OptionError("miniboone_angle_statistic",
                      "unknown statistic '" + statistic_text + "' (known: shape, rate, poisson)",
                      "data");
  std::vector<std::unique_ptr<darkfit::DarkExperiment>> out;
  for (const auto& name : names) {
    if (std::any_of(out.begin(), out.end(), [&](const auto& e) { return e->name() == name; }))
      throw OptionError("experiments", "experiment '" + name + "' is listed twice", "data");
    auto experiment = build_experiment(name, [&] {
      auto e = darkfit::make_energy_experiment(name, range, layout, inputs_dir());
      return e ? std::move(e)
               : darkfit::make_angle_experiment(name, statistic, layout, inputs_dir());
    });
    if (!experiment)
      throw OptionError("experiments",
                        "unknown experiment '" + name + "' for the dark-sector models (known: " +
                            darkfit::kDarkExperimentNames + ")",
                        "data");
    out.push_back(std::move(experiment));
    datasets += (datasets.empty() ? "" : ",") + name;
  }
  return out;
}

} // namespace

DarkSectorLikelihood::DarkSectorLikelihood(
    DarkModelKind kind, std::vector<std::size_t> parameter_order, darkfit::TemplateSignal signal,
    std::vector<std::unique_ptr<darkfit::DarkExperiment>> experiments, std::string cache_key)
    : kind_(kind), order_(std::move(parameter_order)), signal_(std::move(signal)),
      experiments_(std::move(experiments)), cache_key_(std::move(cache_key)),
      canonical_(darkfit::parameter_names(kind).size(), 0.0), per_pot_(signal_.observables(), 0.0),
      last_chi2_(experiments_.size(), kInf) {}

std::vector<std::string> DarkSectorLikelihood::term_names() const {
  std::vector<std::string> out;
  for (const auto& e : experiments_)
    out.push_back(e->name());
  return out;
}

std::vector<std::string> DarkSectorLikelihood::derived_names() const {
  if (kind_ == DarkModelKind::dark_zd)
    return {"ctau_N_m", "ctau_ZD_m", "signal_nu_2018", "signal_nubar_2018"};
  return {"ctau_nu4_m", "signal_nu_2018", "signal_nubar_2018"};
}

double DarkSectorLikelihood::evaluate(std::span<const double> theta, std::span<double> terms,
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
  const bool zd = kind_ == DarkModelKind::dark_zd;
  derived[0] = life.ctau_heavy_m;
  if (zd) derived[1] = life.ctau_mediator_m;
  const std::size_t s = zd ? 2 : 1;
  const auto& layout = signal_.templates().layout;
  double nu = 0, nubar = 0;
  for (std::size_t b = 0; b < layout.enu_bins; ++b) {
    nu += per_pot_[layout.fhc_enu() + b];
    nubar += per_pot_[layout.rhc_enu() + b];
  }
  derived[s] = inside ? nu * miniboone::kPot2018Nu : 0;
  derived[s + 1] = inside ? nubar * miniboone::kPot2018Nubar : 0;
  if (!inside) {
    // No model there (unphysical masses or couplings, or beyond the template grid).
    std::fill(terms.begin(), terms.end(), -kInf);
    std::fill(last_chi2_.begin(), last_chi2_.end(), kInf);
    return -kInf;
  }
  double total = 0;
  for (std::size_t i = 0; i < experiments_.size(); ++i) {
    terms[i] = experiments_[i]->loglike(per_pot_, last_chi2_[i]);
    total += terms[i];
  }
  return total;
}

std::vector<Observable> DarkSectorLikelihood::observables(std::span<const double> theta) const {
  for (std::size_t i = 0; i < order_.size(); ++i) canonical_[order_[i]] = theta[i];
  const auto params = darkfit::params_from(kind_, canonical_);
  const bool physical = std::visit([](const auto& p) { return dark::is_physical(p); }, params);
  std::vector<Observable> out;
  if (!physical || !signal_.predict(params, per_pot_)) return out;
  for (const auto& e : experiments_)
    for (auto& o : e->observables(per_pot_)) out.push_back(std::move(o));
  return out;
}

std::string DarkSectorLikelihood::fingerprint() const {
  std::string out = std::string(darkfit::model_name(kind_)) + "\n" + cache_key_;
  for (const auto& e : experiments_) {
    out += '\n';
    out += e->fingerprint();
  }
  return out;
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
  auto experiments = make_experiments(data, inputs.layout, setup.datasets);

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
  setup.likelihood = std::make_unique<DarkSectorLikelihood>(
      kind, order, darkfit::TemplateSignal(std::move(cached.set)), std::move(experiments),
      darkfit::template_cache_key(grid, settings, inputs));
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
         "e+e- pair); [data] experiments = any of\n"
         "                " +
         std::string(darkfit::kDarkExperimentNames) +
         ";\n"
         "                miniboone_range = 200-3000 | 200-1250, miniboone_angle_statistic = shape "
         "| rate | poisson\n";
}

} // namespace nubayes
