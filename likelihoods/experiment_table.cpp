#include "experiment_table.h"

#include "cdhs.h"
#include "danss.h"
#include "far_near.h"
#include "gallium.h"
#include "icecube.h"
#include "lsnd.h"
#include "microboone_inclusive.h"
#include "miniboone_disappearance.h"
#include "miniboone_experiments.h"
#include "minos.h"
#include "neos.h"
#include "prospect.h"

#include <algorithm>
#include <functional>

namespace nubayes {

namespace {

using ExperimentFactory = std::unique_ptr<Experiment> (*)(const std::string& name,
                                                           const ModelOptions& data);

miniboone::EnergyRange miniboone_range(const ModelOptions& data) {
  try {
    return miniboone::parse_energy_range(data.text("miniboone_range", "200-3000"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("miniboone_range", e.what(), "data");
  }
}

std::unique_ptr<Experiment> make_miniboone(const std::string& name, const ModelOptions& data) {
  const auto range = miniboone_range(data);
  return build_experiment(name, [&] { return make_miniboone_energy(name, range, inputs_dir()); });
}

std::unique_ptr<Experiment> make_miniboone_angle_2020(const std::string& name,
                                                      const ModelOptions& data) {
  const std::string text = data.text("miniboone_angle_statistic", "shape");
  miniboone::ShapeStatistic statistic;
  if (text == "shape")
    statistic = miniboone::ShapeStatistic::shape;
  else if (text == "rate")
    statistic = miniboone::ShapeStatistic::rate;
  else if (text == "poisson")
    statistic = miniboone::ShapeStatistic::poisson;
  else
    throw OptionError("miniboone_angle_statistic",
                      "unknown statistic '" + text + "' (known: shape, rate, poisson)", "data");
  return build_experiment(name, [&] { return make_miniboone_angle(statistic, inputs_dir()); });
}

/// Adapts a `make(const ModelOptions&)` (the experiment knows its own name).
template <std::unique_ptr<Experiment> (*Make)(const ModelOptions&)>
std::unique_ptr<Experiment> plain(const std::string&, const ModelOptions& data) {
  return Make(data);
}

/// The one list of experiment names `[data] experiments` accepts.
const std::vector<std::pair<std::string, ExperimentFactory>>& experiment_table() {
  static const std::vector<std::pair<std::string, ExperimentFactory>> table = {
      {"miniboone-nu-2018", make_miniboone},
      {"miniboone-nubar-2018", make_miniboone},
      {"miniboone-combined-2018", make_miniboone},
      {"miniboone-nu-2020", make_miniboone},
      {"miniboone-combined-2020", make_miniboone},
      {"miniboone-angle-2020", make_miniboone_angle_2020},
      {"lsnd", plain<make_lsnd_experiment>},
      {"gallium", plain<make_gallium_experiment>},
      {"danss", plain<make_danss_experiment>},
      {"neos", plain<make_neos_experiment>},
      {"prospect", plain<make_prospect_experiment>},
      {"dayabay", plain<make_dayabay_experiment>},
      {"doublechooz", plain<make_doublechooz_experiment>},
      {"reno", plain<make_reno_experiment>},
      {"bugey3", plain<make_bugey3_experiment>},
      {"icecube", plain<make_icecube_experiment>},
      {"minos", plain<make_minos_experiment>},
      {"cdhs", plain<make_cdhs_experiment>},
      {"miniboone-disapp", plain<make_miniboone_disapp_experiment>},
      // In no group yet: no model's signal is modelled in MicroBooNE (docs/microboone.md).
      {"microboone-inclusive", plain<make_microboone_inclusive_experiment>},
  };
  return table;
}

/// Data-set groups, so the PG test and per-group evidences need no hand-made lists.
const std::vector<std::pair<std::string, std::vector<std::string>>>& group_table() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
      {"appearance", {"miniboone-combined-2018", "lsnd"}},
      {"nue-disappearance",
       {"gallium", "danss", "neos", "prospect", "dayabay", "doublechooz", "reno", "bugey3"}},
      {"numu-disappearance", {"minos", "icecube", "cdhs", "miniboone-disapp"}},
      {"disappearance", {"nue-disappearance", "numu-disappearance"}},
      {"all", {"appearance", "disappearance"}},
  };
  return groups;
}

std::string known_names() {
  std::string out;
  for (const auto& [name, factory] : experiment_table())
    out += (out.empty() ? "" : ", ") + name;
  out += "; groups:";
  for (const auto& [name, members] : group_table())
    out += " " + name;
  return out;
}

/// Replaces group names by their experiments (recursively); an experiment named twice,
/// directly or through groups, is an error (its term would count twice).
std::vector<std::string> expand_groups(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  std::function<void(const std::string&)> add = [&](const std::string& name) {
    const auto& groups = group_table();
    const auto g =
        std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == name; });
    if (g != groups.end()) {
      for (const auto& member : g->second)
        add(member);
      return;
    }
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw OptionError("experiments",
                        "'" + name + "' is listed twice (directly or through a group)", "data");
    out.push_back(name);
  };
  for (const auto& n : names)
    add(n);
  return out;
}

std::string experiments_help_text() {
  return "  miniboone-nu-2018, miniboone-nubar-2018, miniboone-combined-2018 (nu+nubar),\n"
         "  miniboone-nu-2020, miniboone-combined-2020: MiniBooNE nue/nuebar appearance, official\n"
         "  release recipe (signal-dependent covariance; ln L includes ln det)\n"
         "  lsnd: LSND DAR nuebar appearance, 11 L/E bins (Poisson, free shape normalisation,\n"
         "  published-rate prior); [data] lsnd_resolution (true), lsnd_rate_error (6.97e-4),\n"
         "  lsnd_norm_error (0.155)\n"
         "  gallium: GALLEX/SAGE (+BEST) 51Cr/37Ar source ratios, nue disappearance with a common\n"
         "  cross-section normalisation; [data] gallium_best (true), gallium_xsec_error (0.03)\n"
         "  danss: DANSS 2018 bottom/top (12.7 m / 10.7 m) positron-spectrum ratio, 24 bins, free\n"
         "  normalisation; [data] danss_normalisation (free), danss_resolution_scale (1)\n"
         "  neos: NEOS / Daya Bay prompt-spectrum ratio, 60 bins, free normalisation; [data]\n"
         "  neos_normalisation (free), neos_resolution_stochastic (0.05),\n"
         "  neos_resolution_constant (0.12), neos_dayabay (oscillating)\n"
         "  prospect: PROSPECT 2020 release, 10 baselines x 16 prompt bins, relative spectra\n"
         "  (reactor-model independent, eq. A17); [data] prospect_null (release | computed)\n"
         "  dayabay: Daya Bay EH2/EH1 and EH3/EH1 prompt-spectrum ratios, 2 x 26 bins, a free\n"
         "  normalisation per ratio, theta13 fixed; [data] dayabay_method (ratios | spectra:\n"
         "  the 1610.04802 per-hall spectra, relative statistic), dayabay_normalisation (free),\n"
         "  dayabay_sin2_2theta13 (0.0856)\n"
         "  doublechooz, reno, bugey3: Double Chooz FD/ND (26 bins), RENO FD/ND (25), Bugey-3\n"
         "  40 m/15 m (25) spectral ratios, free normalisation; [data] <name>_normalisation\n"
         "  (free), <name>_sin2_2theta13 (0.0856)\n"
         "  icecube: IceCube high-energy atmospheric numu disappearance (Earth matter effects);\n"
         "  [data] icecube_method (table: the official 8-year 2DeltaLLH surface, interpolated;\n"
         "  events: refit of the IC86-2011 event release, slow), icecube_normalisation (free),\n"
         "  icecube_spectral_index_error (0.05), icecube_oversampling (2)\n"
         "  minos: MINOS/MINOS+ 2019 release, numu CC and NC at 1.04 and 735 km, four-flavour "
         "vacuum\n"
         "  oscillations; [data] minos_method (release: the release's chi2 from its templates;\n"
         "  surface: the official chi2 surface in theta24, dm2_41), minos_nuisance (profiled: "
         "theta23\n"
         "  and dm2_32 minimised; fixed), minos_profile_steps (1), minos_theta23 (0.9285982287),\n"
         "  minos_dm2_32 (2.4300512391e-3)\n"
         "  cdhs: CDHS 1984 back/front numu CC ratios, 15 muon-range bins, normalisation profiled\n"
         "  with a prior; [data] cdhs_norm_error (0.025)\n"
         "  miniboone-angle-2020: MiniBooNE 2020 nu-mode cos theta of the excess (models with an\n"
         "  e+e- pair signal only); [data] miniboone_angle_statistic (shape | rate | poisson)\n"
         "  miniboone-disapp: MiniBooNE 2009 numu / numubar disappearance, official chi2 surfaces "
         "in\n"
         "  (dm2, sin2_2theta_mumu); [data] miniboone_disapp (2009: nu + nubar; 2009-nu, "
         "2009-nubar)\n"
         "  microboone-inclusive: MicroBooNE Wire-Cell inclusive nue (2110.13978), joint 7-channel\n"
         "  fit, CNP statistics, covariance at the tested LEE strength; in no group yet: no model's\n"
         "  oscillation or pair signal is modelled in MicroBooNE, every model gets the no-excess\n"
         "  prediction (docs/microboone.md)\n";
}

} // namespace

std::string experiments_help() {
  std::string groups = "  groups (expand to their experiments):";
  for (const auto& [name, members] : group_table()) {
    groups += "\n    " + name + " =";
    for (const auto& m : members)
      groups += " " + m;
  }
  return groups + "\n" + experiments_help_text();
}


ExperimentChoice make_experiments(const ModelOptions& data) {
  const std::string list = data.text("experiments", "");
  miniboone_range(data); // read (and checked) for every model, as the config has always allowed
  const auto names = expand_groups(split_list(list));
  if (names.empty())
    throw OptionError("experiments", "required: a comma-separated list (see 'nubayes help config')",
                      "data");
  ExperimentChoice out;
  for (const auto& name : names) {
    const auto& table = experiment_table();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == name; });
    if (it == table.end())
      throw OptionError("experiments",
                        "unknown experiment '" + name + "' (known: " + known_names() + ")", "data");
    out.experiments.push_back(it->second(name, data));
    out.datasets += (out.datasets.empty() ? "" : ",") + name;
  }
  return out;
}

} // namespace nubayes
