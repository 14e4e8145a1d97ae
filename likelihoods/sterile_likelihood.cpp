#include "sterile_likelihood.h"

#include "cdhs.h"
#include "danss.h"
#include "gallium.h"
#include "lsnd.h"
#include "miniboone.h"
#include "miniboone_disappearance.h"
#include "minos.h"
#include "neos.h"

#include <algorithm>
#include <cmath>
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

private:
  std::string name_;
  miniboone::Appearance appearance_;
  mutable std::vector<double> signal_;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

PriorSpec default_prior(const std::string& name) {
  if (name == "dm2_41") return PriorSpec::parse(name, "log-uniform 0.01 100");
  if (name == "Utau4_sq") return PriorSpec::parse(name, "fixed 0");
  return PriorSpec::parse(name, "log-uniform 1e-4 0.5");
}

} // namespace

std::string oscillation_experiments_help() {
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
         "  minos: MINOS/MINOS+ 2019 release, numu CC and NC at 1.04 and 735 km, four-flavour vacuum\n"
         "  oscillations; [data] minos_method (release: the release's chi2 from its templates;\n"
         "  surface: the official chi2 surface in theta24, dm2_41), minos_nuisance (profiled: theta23\n"
         "  and dm2_32 minimised; fixed), minos_profile_steps (1), minos_theta23 (0.9285982287),\n"
         "  minos_dm2_32 (2.4300512391e-3)\n"
         "  cdhs: CDHS 1984 back/front numu CC ratios, 15 muon-range bins, normalisation profiled\n"
         "  with a prior; [data] cdhs_norm_error (0.025)\n"
         "  miniboone-disapp: MiniBooNE 2009 numu / numubar disappearance, official chi2 surfaces in\n"
         "  (dm2, sin2_2theta_mumu); [data] miniboone_disapp (2009: nu + nubar; 2009-nu, 2009-nubar)\n";
}

Sterile3p1Likelihood::Sterile3p1Likelihood(std::vector<std::string> names,
                                           std::vector<std::unique_ptr<OscillationExperiment>> experiments)
    : experiments_(std::move(experiments)), last_chi2_(experiments_.size(), 0.0) {
  for (const auto& n : names) {
    const auto it = std::find(parameter_slots.begin(), parameter_slots.end(), n);
    if (it == parameter_slots.end()) throw std::invalid_argument("sterile3p1: unknown parameter '" + n + "'");
    slot_.push_back(static_cast<int>(it - parameter_slots.begin()));
  }
}

std::vector<std::string> Sterile3p1Likelihood::term_names() const {
  std::vector<std::string> out;
  for (const auto& e : experiments_) out.push_back(e->name());
  return out;
}

std::vector<std::string> Sterile3p1Likelihood::derived_names() const {
  return {"sin2_2theta_mue", "sin2_2theta_ee", "sin2_2theta_mumu"};
}

double Sterile3p1Likelihood::evaluate(std::span<const double> theta, std::span<double> terms,
                                      std::span<double> derived) const {
  double values[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < slot_.size(); ++i) values[slot_[i]] = theta[i];
  const sterile3p1::Params p{values[0], values[1], values[2], values[3]};
  derived[0] = sterile3p1::sin2_2theta_mue(p);
  derived[1] = sterile3p1::sin2_2theta_ee(p);
  derived[2] = sterile3p1::sin2_2theta_mumu(p);
  if (!sterile3p1::is_physical(p)) {
    // Outside the unitary region the model does not exist: zero likelihood.
    for (auto& t : terms) t = -std::numeric_limits<double>::infinity();
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
  const auto names = split_list(list);
  if (names.empty()) throw OptionError("experiments", "required: a comma-separated list (see 'nubayes help config')", "data");
  std::vector<std::unique_ptr<OscillationExperiment>> experiments;
  for (const auto& name : names) {
    if (name == "miniboone-disapp") {
      experiments.push_back(make_miniboone_disapp_experiment(data));
    } else if (name == "minos") {
      experiments.push_back(make_minos_experiment(data));
    } else if (name == "cdhs") {
      experiments.push_back(make_cdhs_experiment(data));
    } else if (name.rfind("miniboone-", 0) == 0) {
      miniboone::Options o;
      try {
        o.sample = miniboone::parse_sample(name.substr(10));
      } catch (const std::invalid_argument&) {
        throw OptionError("experiments", "unknown experiment '" + name + "'", "data");
      }
      o.range = range;
      experiments.push_back(build_experiment(name, [&] { return std::make_unique<MiniBooNEExperiment>(name, o); }));
    } else if (name == "lsnd") {
      experiments.push_back(make_lsnd_experiment(data));
    } else if (name == "gallium") {
      experiments.push_back(make_gallium_experiment(data));
    } else if (name == "danss") {
      experiments.push_back(make_danss_experiment(data));
    } else if (name == "neos") {
      experiments.push_back(make_neos_experiment(data));
    } else {
      throw OptionError("experiments", "unknown experiment '" + name + "' (known: miniboone-nu-2018, "
                                       "miniboone-nubar-2018, miniboone-combined-2018, miniboone-nu-2020, "
                                       "miniboone-combined-2020, lsnd, gallium, danss, neos, minos, cdhs, "
                                       "miniboone-disapp)", "data");
    }
    s.datasets += (s.datasets.empty() ? "" : ",") + name;
  }
  // Parameters: the [prior] lines if given (Utau4_sq optional), else the defaults.
  if (user_priors.empty()) {
    for (const auto& n : parameter_slots) s.priors.push_back(default_prior(n));
  } else {
    s.priors = user_priors;
    for (const auto& p : s.priors)
      if (std::find(parameter_slots.begin(), parameter_slots.end(), p.name) == parameter_slots.end())
        throw std::invalid_argument("[prior] parameter '" + p.name + "' is not a parameter of sterile3p1 "
                                    "(dm2_41, Ue4_sq, Umu4_sq, Utau4_sq)");
    for (const char* required : {"dm2_41", "Ue4_sq", "Umu4_sq"})
      if (std::none_of(s.priors.begin(), s.priors.end(), [&](const PriorSpec& p) { return p.name == required; }))
        throw std::invalid_argument(std::string("[prior] must give ") + required + " for sterile3p1");
  }
  std::vector<std::string> order;
  for (const auto& p : s.priors) order.push_back(p.name);
  s.likelihood = std::make_unique<Sterile3p1Likelihood>(order, std::move(experiments));
  return s;
}

} // namespace nubayes
