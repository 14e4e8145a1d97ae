#include "miniboone_experiments.h"

#include "dark_templates.h"
#include "miniboone_geometry.h"
#include "table_reader.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string_view>

namespace nubayes {

namespace {

using miniboone::Sample;

/// One beam mode of a sample: its exposure and whether it is the ν̄ (RHC) mode.
struct Mode {
  bool nubar = false;
  double pot = 0;
};

/// The beam modes of a sample in the order of its signal vector (ν mode first), at the
/// exposures of its release.
std::vector<Mode> modes_of(Sample sample) {
  const Mode nu2018{false, miniboone::kPot2018Nu};
  const Mode nu2020{false, miniboone::kPot2020Nu};
  const Mode nubar2018{true, miniboone::kPot2018Nubar};
  switch (sample) {
  case Sample::combined2018: return {nu2018, nubar2018};
  case Sample::combined2020: return {nu2020, nubar2018};
  case Sample::nu2018: return {nu2018};
  case Sample::nubar2018: return {nubar2018};
  case Sample::nu2020: return {nu2020};
  }
  throw std::logic_error("modes_of: unknown MiniBooNE sample");
}

/// The lee-template model's excess per POT in one beam mode: the 2018 release's νe data minus its
/// background, per E_ν^QE bin, divided by the 2018 exposure of that mode. Bins where the data fall
/// below the background give 0: an excess of events cannot be negative.
std::vector<double> excess_per_pot(bool nubar, const std::filesystem::path& inputs) {
  const auto dir = inputs / "miniboone" / "2018" / (nubar ? "rhc" : "fhc");
  const auto data = read_vector(dir / (nubar ? "miniboone_nuebardata_lowe.txt"
                                             : "miniboone_nuedata_lowe.txt"),
                                miniboone::kNueBins);
  const auto background = read_vector(
      dir / (nubar ? "miniboone_nuebarbgr_lowe.txt" : "miniboone_nuebgr_lowe.txt"),
      miniboone::kNueBins);
  const double pot = nubar ? miniboone::kPot2018Nubar : miniboone::kPot2018Nu;
  std::vector<double> out(miniboone::kNueBins);
  for (std::size_t b = 0; b < out.size(); ++b)
    out[b] = std::max(0.0, data[b] - background[b]) / pot;
  return out;
}

constexpr const char* kEnergyPairs =
    "e+e- pairs that pass the nue CCQE selection, per E_nu^QE bin (dark templates x POT)";

class EnergyExperiment : public Experiment {
public:
  EnergyExperiment(std::string name, miniboone::Options options, std::vector<Mode> modes)
      : name_(std::move(name)), appearance_(options), modes_(std::move(modes)),
        excess_{excess_per_pot(false, options.inputs), excess_per_pot(true, options.inputs)},
        signal_(appearance_.signal_size(), 0.0) {}

  std::string name() const override { return name_; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    fill_signal(m);
    chi2 = appearance_.chi2(signal_);
    const double n = static_cast<double>(appearance_.chi2_bins());
    return -0.5 * (chi2 + appearance_.log_det() + n * std::log(2 * std::numbers::pi));
  }
  std::string fingerprint() const override { return name_ + " " + appearance_.fingerprint(); }
  std::vector<Observable> observables(const ModelPoint& m) const override {
    fill_signal(m);
    return appearance_.observables(signal_, name_);
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::e, "P(numu->nue) and P(numubar->nuebar), BNB"}};
  }
  std::string pair_signal() const override { return kEnergyPairs; }
  std::string excess_signal() const override {
    return "x times the 2018 release's nu_e excess (data - background, >= 0) of each beam mode, "
           "per POT, at the sample's exposure";
  }

private:
  /// Oscillation signal plus, where the model has them, its pairs and its electron-like excess
  /// at each mode's exposure.
  void fill_signal(const ModelPoint& m) const {
    appearance_.oscillation_signal(m.neutrinos, signal_);
    const std::size_t bins = signal_.size() / modes_.size();
    if (m.electron_like_excess != 0)
      for (std::size_t k = 0; k < modes_.size(); ++k)
        for (std::size_t b = 0; b < bins; ++b)
          signal_[k * bins + b] +=
              m.electron_like_excess * modes_[k].pot * excess_[modes_[k].nubar][b];
    if (!m.miniboone_pairs.present()) return;
    if (m.miniboone_pairs.fhc_enu.size() != bins || m.miniboone_pairs.rhc_enu.size() != bins)
      throw std::logic_error(name_ + ": pair prediction has " +
                             std::to_string(m.miniboone_pairs.fhc_enu.size()) + " E_nu^QE bins, the data " +
                             std::to_string(bins));
    for (std::size_t k = 0; k < modes_.size(); ++k) {
      const auto per_pot = modes_[k].nubar ? m.miniboone_pairs.rhc_enu : m.miniboone_pairs.fhc_enu;
      for (std::size_t b = 0; b < bins; ++b)
        signal_[k * bins + b] += modes_[k].pot * per_pot[b];
    }
  }

  std::string name_;
  miniboone::Appearance appearance_;
  std::vector<Mode> modes_;
  std::array<std::vector<double>, 2> excess_; ///< per POT: ν mode, ν̄ mode
  mutable std::vector<double> signal_;
};

class AngleExperiment : public Experiment {
public:
  AngleExperiment(miniboone::DigitisedDistribution distribution,
                  miniboone::ShapeStatistic statistic)
      : distribution_(std::move(distribution)), statistic_(statistic),
        prediction_(distribution_.bins(), 0.0) {}

  std::string name() const override { return "miniboone-angle-2020"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    fill_prediction(m);
    // A signal with no events has no shape: score it as no signal at all.
    const bool empty = std::accumulate(prediction_.begin(), prediction_.end(), 0.0) <= 0;
    chi2 = miniboone::excess_chi2(distribution_, prediction_,
                                  empty && statistic_ == miniboone::ShapeStatistic::shape
                                      ? miniboone::ShapeStatistic::rate
                                      : statistic_);
    return -0.5 * chi2;
  }
  std::string fingerprint() const override {
    std::string text = name();
    for (double x : distribution_.data) {
      text += ' ';
      text += std::to_string(x);
    }
    return text;
  }
  std::vector<Observable> observables(const ModelPoint& m) const override {
    fill_prediction(m);
    Observable o;
    o.name = name() + " nu";
    o.axis = "cos theta";
    o.edges = distribution_.edges;
    o.data = distribution_.data;
    o.background = distribution_.background;
    o.prediction = prediction_;
    return {o};
  }
  std::vector<ChannelUse> channels() const override { return {}; }
  std::string pair_signal() const override {
    return "e+e- pairs that pass the nue CCQE selection, per cos theta bin (2020 nu mode)";
  }
  bool needs_pair_signal() const override { return true; }

private:
  void fill_prediction(const ModelPoint& m) const {
    const auto per_pot = m.miniboone_pairs.fhc_cos;
    for (std::size_t b = 0; b < prediction_.size(); ++b)
      prediction_[b] = b < per_pot.size() ? miniboone::kPot2020Nu * per_pot[b] : 0.0;
  }

  miniboone::DigitisedDistribution distribution_;
  miniboone::ShapeStatistic statistic_;
  mutable std::vector<double> prediction_;
};

} // namespace

std::unique_ptr<Experiment> make_miniboone_energy(const std::string& name,
                                                  miniboone::EnergyRange range,
                                                  const std::filesystem::path& inputs) {
  constexpr std::string_view prefix = "miniboone-";
  if (!name.starts_with(prefix))
    throw std::invalid_argument("not a MiniBooNE appearance sample: '" + name + "'");
  miniboone::Options options;
  options.sample = miniboone::parse_sample(std::string_view(name).substr(prefix.size()));
  options.range = range;
  options.inputs = inputs;
  return std::make_unique<EnergyExperiment>(name, options, modes_of(options.sample));
}

std::unique_ptr<Experiment> make_miniboone_angle(miniboone::ShapeStatistic statistic,
                                                 const std::filesystem::path& inputs) {
  auto distribution =
      miniboone::load_distribution(miniboone::Distribution::costheta_nu_2020, inputs);
  const std::size_t template_bins = darkfit::ObservableLayout{}.cos_bins;
  if (distribution.bins() != template_bins)
    throw std::runtime_error("costheta-nu-2020: " + std::to_string(distribution.bins()) +
                             " bins, the templates have " + std::to_string(template_bins));
  return std::make_unique<AngleExperiment>(std::move(distribution), statistic);
}

} // namespace nubayes
