#include "sterile_likelihood.h"

#include "cdhs.h"
#include "danss.h"
#include "far_near.h"
#include "gallium.h"
#include "icecube.h"
#include "lsnd.h"
#include "miniboone.h"
#include "miniboone_disappearance.h"
#include "minos.h"
#include "neos.h"
#include "prospect.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

const std::vector<std::string> parameter_slots{"dm2_41", "Ue4_sq", "Umu4_sq", "Utau4_sq"};

/// MiniBooNE appearance: Gaussian in the collapsed bins with the signal-dependent covariance,
/// ln L = −½ (χ² + ln det M + N ln 2π); the determinant term is what the official likelihood
/// surfaces carry (their Δ(−2 ln L) is reproduced to 0.01).
class MiniBooNEExperiment : public OscillationExperiment {
public:
  MiniBooNEExperiment(std::string name, miniboone::Options options)
      : name_(std::move(name)), appearance_(options), signal_(appearance_.signal_size()) {}
  std::string name() const override { return name_; }
  double loglike(const sterile3p1::Params& p, double& chi2) const override {
    appearance_.oscillation_signal(p, signal_);
    chi2 = appearance_.chi2(signal_);
    const double n = static_cast<double>(appearance_.chi2_bins());
    return -0.5 * (chi2 + appearance_.log_det() + n * std::log(2 * std::numbers::pi));
  }
  std::string fingerprint() const override { return name_ + " " + appearance_.fingerprint(); }
  std::vector<Observable> observables(const sterile3p1::Params& p) const override {
    appearance_.oscillation_signal(p, signal_);
    return appearance_.observables(signal_, name_);
  }

private:
  std::string name_;
  miniboone::Appearance appearance_;
  mutable std::vector<double> signal_;
};


PriorSpec default_prior(const std::string& name) {
  if (name == "dm2_41") return PriorSpec::parse(name, "log-uniform 0.01 100");
  if (name == "Utau4_sq") return PriorSpec::parse(name, "fixed 0");
  return PriorSpec::parse(name, "log-uniform 1e-4 0.5");
}

using ExperimentFactory = std::function<std::unique_ptr<OscillationExperiment>(
    const std::string&, const ModelOptions&, miniboone::EnergyRange)>;

/// A factory from a `make(const ModelOptions&)` that ignores the name and the MiniBooNE range.
using MakeFromData = std::unique_ptr<OscillationExperiment> (*)(const ModelOptions&);
ExperimentFactory plain(MakeFromData make) {
  return [make](const std::string&, const ModelOptions& data, miniboone::EnergyRange) {
    return make(data);
  };
}

std::unique_ptr<OscillationExperiment> make_miniboone(const std::string& name, const ModelOptions&,
                                                      miniboone::EnergyRange range) {
  miniboone::Options o;
  o.sample = miniboone::parse_sample(name.substr(10));
  o.range = range;
  return build_experiment(name, [&] { return std::make_unique<MiniBooNEExperiment>(name, o); });
}

/// The one list of experiment names `[data] experiments` accepts.
const std::vector<std::pair<std::string, ExperimentFactory>>& experiment_table() {
  static const std::vector<std::pair<std::string, ExperimentFactory>> table = {
      {"miniboone-nu-2018", make_miniboone},
      {"miniboone-nubar-2018", make_miniboone},
      {"miniboone-combined-2018", make_miniboone},
      {"miniboone-nu-2020", make_miniboone},
      {"miniboone-combined-2020", make_miniboone},
      {"lsnd", plain(make_lsnd_experiment)},
      {"gallium", plain(make_gallium_experiment)},
      {"danss", plain(make_danss_experiment)},
      {"neos", plain(make_neos_experiment)},
      {"prospect", plain(make_prospect_experiment)},
      {"dayabay", plain(make_dayabay_experiment)},
      {"doublechooz", plain(make_doublechooz_experiment)},
      {"reno", plain(make_reno_experiment)},
      {"bugey3", plain(make_bugey3_experiment)},
      {"icecube", plain(make_icecube_experiment)},
      {"minos", plain(make_minos_experiment)},
      {"cdhs", plain(make_cdhs_experiment)},
      {"miniboone-disapp", plain(make_miniboone_disapp_experiment)},
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

} // namespace

std::string experiments_help_text();

std::string oscillation_experiments_help() {
  std::string groups = "  groups (expand to their experiments):";
  for (const auto& [name, members] : group_table()) {
    groups += "\n    " + name + " =";
    for (const auto& m : members)
      groups += " " + m;
  }
  return groups + "\n" + experiments_help_text();
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
         "  miniboone-disapp: MiniBooNE 2009 numu / numubar disappearance, official chi2 surfaces "
         "in\n"
         "  (dm2, sin2_2theta_mumu); [data] miniboone_disapp (2009: nu + nubar; 2009-nu, "
         "2009-nubar)\n";
}

Sterile3p1Likelihood::Sterile3p1Likelihood(
    std::vector<std::string> names, std::vector<std::unique_ptr<OscillationExperiment>> experiments)
    : experiments_(std::move(experiments)), last_chi2_(experiments_.size(), 0.0) {
  for (const auto& n : names) {
    const auto it = std::find(parameter_slots.begin(), parameter_slots.end(), n);
    if (it == parameter_slots.end())
      throw std::invalid_argument("sterile3p1: unknown parameter '" + n + "'");
    slot_.push_back(static_cast<int>(it - parameter_slots.begin()));
  }
}

std::vector<std::string> Sterile3p1Likelihood::term_names() const {
  std::vector<std::string> out;
  for (const auto& e : experiments_)
    out.push_back(e->name());
  return out;
}

std::vector<std::string> Sterile3p1Likelihood::derived_names() const {
  return {"sin2_2theta_mue", "sin2_2theta_ee", "sin2_2theta_mumu"};
}

sterile3p1::Params Sterile3p1Likelihood::params_at(std::span<const double> theta) const {
  double values[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < slot_.size(); ++i)
    values[slot_[i]] = theta[i];
  return {values[0], values[1], values[2], values[3]};
}

std::vector<Observable> Sterile3p1Likelihood::observables(std::span<const double> theta) const {
  const sterile3p1::Params p = params_at(theta);
  std::vector<Observable> out;
  if (!sterile3p1::is_physical(p)) return out;
  for (const auto& e : experiments_)
    for (auto& o : e->observables(p))
      out.push_back(std::move(o));
  return out;
}

double Sterile3p1Likelihood::evaluate(std::span<const double> theta, std::span<double> terms,
                                      std::span<double> derived) const {
  const sterile3p1::Params p = params_at(theta);
  derived[0] = sterile3p1::sin2_2theta_mue(p);
  derived[1] = sterile3p1::sin2_2theta_ee(p);
  derived[2] = sterile3p1::sin2_2theta_mumu(p);
  if (!sterile3p1::is_physical(p)) {
    // Outside the unitary region the model does not exist: zero likelihood.
    for (auto& t : terms)
      t = -std::numeric_limits<double>::infinity();
    std::fill(last_chi2_.begin(), last_chi2_.end(), std::numeric_limits<double>::infinity());
    return -std::numeric_limits<double>::infinity();
  }
  double total = 0;
  for (std::size_t i = 0; i < experiments_.size(); ++i) {
    terms[i] = experiments_[i]->loglike(p, last_chi2_[i]);
    total += terms[i];
  }
  return total;
}

std::string Sterile3p1Likelihood::fingerprint() const {
  std::string out = "sterile3p1";
  for (const auto& e : experiments_) {
    out += '\n';
    out += e->fingerprint();
  }
  return out;
}

SterileSetup make_sterile3p1(const ModelOptions& data, const std::vector<PriorSpec>& user_priors) {
  SterileSetup s;
  const std::string list = data.text("experiments", "");
  const std::string range_text = data.text("miniboone_range", "200-3000");
  miniboone::EnergyRange range;
  try {
    range = miniboone::parse_energy_range(range_text);
  } catch (const std::invalid_argument& e) {
    throw OptionError("miniboone_range", e.what(), "data");
  }
  const auto names = expand_groups(split_list(list));
  if (names.empty())
    throw OptionError("experiments", "required: a comma-separated list (see 'nubayes help config')",
                      "data");
  std::vector<std::unique_ptr<OscillationExperiment>> experiments;
  for (const auto& name : names) {
    const auto& table = experiment_table();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == name; });
    if (it == table.end())
      throw OptionError("experiments",
                        "unknown experiment '" + name + "' (known: " + known_names() + ")", "data");
    experiments.push_back(it->second(name, data, range));
    s.datasets += (s.datasets.empty() ? "" : ",") + name;
  }
  // Parameters: the [prior] lines if given (Utau4_sq optional), else the defaults.
  if (user_priors.empty()) {
    for (const auto& n : parameter_slots)
      s.priors.push_back(default_prior(n));
  } else {
    s.priors = user_priors;
    for (const auto& p : s.priors)
      if (std::find(parameter_slots.begin(), parameter_slots.end(), p.name) ==
          parameter_slots.end())
        throw std::invalid_argument("[prior] parameter '" + p.name +
                                    "' is not a parameter of sterile3p1 "
                                    "(dm2_41, Ue4_sq, Umu4_sq, Utau4_sq)");
    for (const char* required : {"dm2_41", "Ue4_sq", "Umu4_sq"})
      if (std::none_of(s.priors.begin(), s.priors.end(),
                       [&](const PriorSpec& p) { return p.name == required; }))
        throw std::invalid_argument(std::string("[prior] must give ") + required +
                                    " for sterile3p1");
  }
  std::vector<std::string> order;
  for (const auto& p : s.priors)
    order.push_back(p.name);
  s.likelihood = std::make_unique<Sterile3p1Likelihood>(order, std::move(experiments));
  return s;
}

} // namespace nubayes
