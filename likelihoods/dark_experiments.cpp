#include "dark_experiments.h"

#include "miniboone_geometry.h"

#include <cmath>
#include <numbers>
#include <numeric>

namespace nubayes::darkfit {

namespace {

using miniboone::Sample;

/// One beam mode of a sample: where its E_ν^QE prediction sits and its exposure.
struct ModeSource {
  std::size_t offset = 0;
  double pot = 0;
};

class EnergyExperiment : public DarkExperiment {
public:
  EnergyExperiment(std::string name, miniboone::Options options, std::vector<ModeSource> modes,
                   std::size_t bins)
      : name_(std::move(name)), appearance_(options), modes_(std::move(modes)), bins_(bins),
        signal_(appearance_.signal_size(), 0.0), totals_(modes_.size(), 0.0) {}

  std::string name() const override { return name_; }
  double loglike(std::span<const double> per_pot, double& chi2) const override {
    fill_signal(per_pot);
    chi2 = appearance_.chi2(signal_);
    const double n = static_cast<double>(appearance_.chi2_bins());
    return -0.5 * (chi2 + appearance_.log_det() + n * std::log(2 * std::numbers::pi));
  }
  std::string fingerprint() const override { return name_ + " " + appearance_.fingerprint(); }
  std::vector<double> last_signal_totals() const override { return totals_; }
  std::vector<Observable> observables(std::span<const double> per_pot) const override {
    fill_signal(per_pot);
    return appearance_.observables(signal_, name_);
  }

private:
  /// The expected events per E_ν^QE bin and mode at the modes' exposures.
  void fill_signal(std::span<const double> per_pot) const {
    for (std::size_t m = 0; m < modes_.size(); ++m) {
      double total = 0;
      for (std::size_t b = 0; b < bins_; ++b) {
        signal_[m * bins_ + b] = modes_[m].pot * per_pot[modes_[m].offset + b];
        total += signal_[m * bins_ + b];
      }
      totals_[m] = total;
    }
  }

  std::string name_;
  miniboone::Appearance appearance_;
  std::vector<ModeSource> modes_;
  std::size_t bins_;
  mutable std::vector<double> signal_, totals_;
};

class AngleExperiment : public DarkExperiment {
public:
  AngleExperiment(std::string name, miniboone::DigitisedDistribution distribution,
                  miniboone::ShapeStatistic statistic, std::size_t offset, double pot)
      : name_(std::move(name)), distribution_(std::move(distribution)), statistic_(statistic),
        offset_(offset), pot_(pot), prediction_(distribution_.bins(), 0.0) {}

  std::string name() const override { return name_; }
  std::vector<Observable> observables(std::span<const double> per_pot) const override {
    Observable o;
    o.name = name_ + " nu";
    o.axis = "cos theta";
    o.edges = distribution_.edges;
    o.data = distribution_.data;
    o.background = distribution_.background;
    o.prediction.resize(prediction_.size());
    for (std::size_t b = 0; b < prediction_.size(); ++b) o.prediction[b] = pot_ * per_pot[offset_ + b];
    return {o};
  }
  double loglike(std::span<const double> per_pot, double& chi2) const override {
    for (std::size_t b = 0; b < prediction_.size(); ++b)
      prediction_[b] = pot_ * per_pot[offset_ + b];
    // A signal with no events has no shape: score it as no signal at all.
    const bool empty = std::accumulate(prediction_.begin(), prediction_.end(), 0.0) <= 0;
    chi2 = miniboone::excess_chi2(distribution_, prediction_,
                                  empty && statistic_ == miniboone::ShapeStatistic::shape
                                      ? miniboone::ShapeStatistic::rate
                                      : statistic_);
    return -0.5 * chi2;
  }
  std::string fingerprint() const override {
    std::string text = name_;
    for (double x : distribution_.data) {
      text += ' ';
      text += std::to_string(x);
    }
    return text;
  }

private:
  std::string name_;
  miniboone::DigitisedDistribution distribution_;
  miniboone::ShapeStatistic statistic_;
  std::size_t offset_;
  double pot_;
  mutable std::vector<double> prediction_;
};

} // namespace

std::unique_ptr<DarkExperiment> make_energy_experiment(const std::string& name,
                                                       miniboone::EnergyRange range,
                                                       const ObservableLayout& layout,
                                                       const std::filesystem::path& inputs) {
  const ModeSource nu2018{layout.fhc_enu(), miniboone::kPot2018Nu};
  const ModeSource nu2020{layout.fhc_enu(), miniboone::kPot2020Nu};
  const ModeSource nubar2018{layout.rhc_enu(), miniboone::kPot2018Nubar};
  Sample sample;
  std::vector<ModeSource> modes;
  if (name == "miniboone-combined-2018") {
    sample = Sample::combined2018;
    modes = {nu2018, nubar2018};
  } else if (name == "miniboone-combined-2020") {
    sample = Sample::combined2020;
    modes = {nu2020, nubar2018};
  } else if (name == "miniboone-nu-2018") {
    sample = Sample::nu2018;
    modes = {nu2018};
  } else if (name == "miniboone-nubar-2018") {
    sample = Sample::nubar2018;
    modes = {nubar2018};
  } else if (name == "miniboone-nu-2020") {
    sample = Sample::nu2020;
    modes = {nu2020};
  } else {
    return nullptr;
  }
  miniboone::Options options;
  options.sample = sample;
  options.range = range;
  options.inputs = inputs;
  return std::make_unique<EnergyExperiment>(name, options, std::move(modes), layout.enu_bins);
}

std::unique_ptr<DarkExperiment> make_angle_experiment(const std::string& name,
                                                      miniboone::ShapeStatistic statistic,
                                                      const ObservableLayout& layout,
                                                      const std::filesystem::path& inputs) {
  if (name != "miniboone-angle-2020") return nullptr;
  auto distribution =
      miniboone::load_distribution(miniboone::Distribution::costheta_nu_2020, inputs);
  if (distribution.bins() != layout.cos_bins)
    throw std::runtime_error("costheta-nu-2020: " + std::to_string(distribution.bins()) +
                             " bins, the templates have " + std::to_string(layout.cos_bins));
  return std::make_unique<AngleExperiment>(name, std::move(distribution), statistic,
                                           layout.fhc_cos(), miniboone::kPot2020Nu);
}

} // namespace nubayes::darkfit
