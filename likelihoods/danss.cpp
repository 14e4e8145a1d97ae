#include "danss.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>


// ---- DANSS
// ----------------------------------------------------------------------------------------

namespace nubayes::danss {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRatioFile = "reactor/danss/danss_2018_ratio_transcribed.txt";
constexpr const char* kInverseCovarianceFile =
    "reactor/danss/danss_2018_inverse_covariance_transcribed.txt";
constexpr const char* kResolutionFile = "reactor/danss/danss-eres-1412.0817.dat";
constexpr std::size_t kResolutionRows = 49; ///< points digitised from arXiv:1412.0817

// Numerical grids and volume sampling. Halving any step or doubling any point count moves χ² by
// at most 0.002 near the best fit (0.015 at the excluded RAA point, χ² = 72.7), checked when
// written.
constexpr double kInverseStep = 1.25e-4; ///< E_ν quadrature, in 1/E_ν [1/MeV]
constexpr double kEnergyMax = 14.0;      ///< top of the E_ν grid [MeV]: T = 7 MeV plus > 5σ
constexpr double kBaselineStep = 0.02;   ///< baseline grid [m]
constexpr double kGridStep = 0.01;       ///< L/E grid [m/MeV]
// Points filling the core (rings × sectors × layers along the line of sight) and the detector
// (across, across, along the line of sight). The extents along the line of sight need the most.
constexpr int kCoreRings = 6, kCoreSectors = 12, kCoreLayers = 64;
constexpr std::array<int, 3> kDetectorPoints{4, 4, 32};

/// σ_T / T against positron kinetic energy T, linear between the table's points and constant
/// beyond its ends.
class ResolutionTable {
public:
  ResolutionTable(const Table& table, const fs::path& path) {
    for (std::size_t i = 0; i < table.rows(); ++i) {
      const auto row = table.row(i);
      if (!(row[1] >= 0))
        throw std::runtime_error(path.string() + ": row " + std::to_string(i + 1) +
                                 ": the resolution must be >= 0");
      if (!t_.empty() && !(row[0] > t_.back()))
        throw std::runtime_error(path.string() + ": row " + std::to_string(i + 1) +
                                 ": energies must increase");
      t_.push_back(row[0]);
      fraction_.push_back(row[1]);
    }
  }
  double fraction(double t) const {
    if (t <= t_.front()) return fraction_.front();
    if (t >= t_.back()) return fraction_.back();
    const auto i = static_cast<std::size_t>(std::upper_bound(t_.begin(), t_.end(), t) - t_.begin());
    const double w = (t - t_[i - 1]) / (t_[i] - t_[i - 1]);
    return fraction_[i - 1] + w * (fraction_[i] - fraction_[i - 1]);
  }

private:
  std::vector<double> t_, fraction_;
};

} // namespace

struct Ratio::Inputs {
  reactor::RatioTable table;
  Eigen::MatrixXd inverse_covariance;
  Table resolution;
  std::uint64_t hash = reactor::kHashSeed;

  explicit Inputs(const fs::path& root) {
    const fs::path ratio = root / kRatioFile, covariance = root / kInverseCovarianceFile,
                   eres = root / kResolutionFile;
    table = reactor::read_ratio_table(ratio, kBins);
    inverse_covariance = reactor::read_inverse_covariance(covariance, kBins);
    resolution = read_table(eres, 2);
    expect_rows(resolution, kResolutionRows, eres);
    for (const auto* column : {&table.lower, &table.upper, &table.ratio, &table.sigma})
      reactor::hash_values(hash, *column);
    reactor::hash_values(
        hash, {inverse_covariance.data(), static_cast<std::size_t>(inverse_covariance.size())});
    reactor::hash_values(hash, resolution.values);
  }
};

Options options_from(const ModelOptions& data) {
  Options o;
  try {
    o.normalisation = reactor::parse_normalisation(data.text("danss_normalisation", "free"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("danss_normalisation", e.what(), "data");
  }
  o.resolution_scale = data.number_in("danss_resolution_scale", 1.0, 0.0, 5.0);
  return o;
}

Ratio::Ratio(const Options& options) : Ratio(options, Inputs(options.inputs)) {}

Ratio::Ratio(const Options& options, Inputs&& inputs)
    : options_(options), chi2_(inputs.table.ratio, std::move(inputs.inverse_covariance)),
      average_(build_average(options, inputs)), data_hash_(inputs.hash), sin2_(2 * kBins),
      ratio_(kBins) {}

reactor::OscillationAverage Ratio::build_average(const Options& options, const Inputs& inputs) {
  if (!(options.resolution_scale >= 0))
    throw std::invalid_argument("danss: resolution_scale must be >= 0");
  const ResolutionTable resolution(inputs.resolution, options.inputs / kResolutionFile);
  const double scale = options.resolution_scale;
  // DANSS reports the positron kinetic energy T: E_ν = T + 1.804 MeV (IBD at zeroth order).
  const reactor::BinnedSpectrum spectrum(
      inputs.table.lower, inputs.table.upper, reactor::kKineticOffset,
      [&](double t) { return scale * resolution.fraction(t) * std::max(t, 0.0); },
      kFissionFractions, kEnergyMax, kInverseStep);
  // The core and the detector on the vertical line through the core's centre.
  const auto core =
      reactor::cylinder_points(kCoreRadius, kCoreHeight, {}, kCoreRings, kCoreSectors, kCoreLayers);
  std::vector<std::vector<reactor::Baseline>> sites;
  for (double depth : {kTopBaseline, kBottomBaseline}) {
    const auto detector = reactor::box_points({kDetectorSide, kDetectorSide, kDetectorSide},
                                              {0, 0, -depth}, kDetectorPoints);
    sites.push_back(reactor::baseline_distribution(core, detector, kBaselineStep));
  }
  return reactor::average_over_l_over_e(spectrum, sites, kGridStep);
}

void Ratio::predict(const sterile3p1::Params& p, std::span<double> ratio) const {
  if (ratio.size() != kBins) throw std::invalid_argument("danss: ratio needs 24 entries");
  const Transition t = transition(p, Flavour::e, Flavour::e);
  if (!t.oscillates()) { // the same factor at both positions
    std::fill(ratio.begin(), ratio.end(), 1.0);
    return;
  }
  average_.mean_sin2(t.wavenumber, sin2_);
  for (std::size_t b = 0; b < kBins; ++b) // bottom / top
    ratio[b] = (t.constant + t.amplitude * sin2_[kBins + b]) / (t.constant + t.amplitude * sin2_[b]);
}

double Ratio::chi2(const sterile3p1::Params& p, double* norm) const {
  predict(p, ratio_);
  return chi2_.at(ratio_, options_.normalisation, norm);
}

std::string Ratio::fingerprint() const {
  std::ostringstream out;
  out << "danss-2018 data=" << reactor::hex(data_hash_)
      << " normalisation=" << options_.normalisation.text()
      << " resolution_scale=" << options_.resolution_scale;
  return out.str();
}

} // namespace nubayes::danss

namespace nubayes {

std::unique_ptr<Experiment> make_danss_experiment(const ModelOptions& data) {
  const danss::Options options = danss::options_from(data);
  return build_experiment("danss", [&] { return std::make_unique<Chi2Experiment<danss::Ratio>>(
        "danss", std::vector<ChannelUse>{{Flavour::e, Flavour::e, "P(nuebar->nuebar)"}}, pair_reasons::kBelowThreshold, options); });
}

} // namespace nubayes
