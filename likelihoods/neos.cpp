#include "neos.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace nubayes::neos {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRatioFile = "reactor/neos/neos_dayabay_ratio_transcribed.txt";
constexpr const char* kInverseCovarianceFile =
    "reactor/neos/neos_inverse_covariance_transcribed.txt";

// Numerical grids. Halving any of them moves no χ² by more than 1e-3 (checked when written).
constexpr double kInverseStep = 1.25e-4; ///< E_ν quadrature, in 1/E_ν [1/MeV]
constexpr double kEnergyMax = 12.0;      ///< top of the E_ν grid [MeV]: prompt 7 MeV plus > 8σ
constexpr double kBaselineStep = 0.02;   ///< baseline grid [m]
constexpr double kGridStep = 0.01;       ///< L/E grid [m/MeV]
/// 1/E grid of the Daya Bay table [1/MeV]: 4 nodes per σ of the sharpest bin (7 MeV); its Nyquist
/// wavenumber π/(2h) = 1571 covers Δm² up to 0.9 eV² at the farthest near-hall baseline.
constexpr double kTableStep = 1e-3;
// Points filling the core (rings × sectors × layers) and the target.
constexpr int kCoreRings = 12, kCoreSectors = 32, kCoreLayers = 12;
constexpr int kTargetRings = 8, kTargetSectors = 24, kTargetLayers = 4;

// The Daya Bay table: nodes per period of the oscillation in κ (cubic Hermite error ~1e-7 of the
// amplitude), the deviation from ½ below which a bin's table ends, and a bound on its length.
constexpr double kNodesPerPeriod = 64;
constexpr double kTableTolerance = 1e-9;
constexpr double kMaxResidual = 1e-3;
constexpr std::size_t kMaxTable = 1u << 18;
// Rotation steps between exact cos/sin evaluations.
constexpr std::size_t kReseedEvery = 64;

double sinc(double t) {
  return 1 - sterile3p1::one_minus_sinc(t);
}

/// d sinc(t) / dt, accurate near 0.
double sinc_slope(double t) {
  if (std::abs(t) < 1e-3) return -t / 3 * (1 - t * t / 10);
  return (std::cos(t) - std::sin(t) / t) / t;
}

} // namespace

// ---- InverseEnergyTable
// ---------------------------------------------------------------------------

InverseEnergyTable::InverseEnergyTable(const reactor::BinnedSpectrum& spectrum, double step)
    : h_(step) {
  const auto energies = spectrum.energies();
  // One grid for all bins (origin at 0), each bin keeping only its band.
  const double y_max = 1 / energies.front();
  const auto nodes = static_cast<std::size_t>(y_max / h_) + 2;
  std::vector<double> dense(nodes);
  for (std::size_t b = 0; b < spectrum.bins(); ++b) {
    std::fill(dense.begin(), dense.end(), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < energies.size(); ++i) {
      const double w = spectrum.weight(b, i);
      if (w == 0) continue;
      const double t = 1 / (energies[i] * h_);
      const auto j = static_cast<std::size_t>(t);
      dense[j] += w * (1 - (t - static_cast<double>(j)));
      dense[j + 1] += w * (t - static_cast<double>(j));
      total += w;
    }
    if (!(total > 0)) throw std::runtime_error("neos: a bin without events");
    std::size_t lo = 0, hi = nodes;
    while (dense[lo] == 0)
      ++lo;
    while (dense[hi - 1] == 0)
      --hi;
    Band band{static_cast<double>(lo) * h_, {}};
    for (std::size_t j = lo; j < hi; ++j)
      band.masses.push_back(dense[j] / total);
    bands_.push_back(std::move(band));
  }
  // Tabulate each bin until its average has settled at ½ for a whole period, or up to the grid's
  // Nyquist wavenumber π/(2h). Near the IBD threshold the spectrum rises like √(E − E_th), so the
  // lowest bins settle only as κ^(−3/2); what is left there is recorded as the residual.
  const auto period = static_cast<std::size_t>(kNodesPerPeriod);
  const double kappa_nyquist = std::numbers::pi / (2 * h_);
  for (const Band& band : bands_) {
    double mean = 0;
    for (std::size_t j = 0; j < band.masses.size(); ++j)
      mean += band.masses[j] * (band.u0 + static_cast<double>(j) * h_);
    Tabulated t;
    t.step = std::numbers::pi / (mean * kNodesPerPeriod);
    const auto limit = std::min(kMaxTable, static_cast<std::size_t>(kappa_nyquist / t.step));
    std::size_t settled = 0;
    for (std::size_t m = 0; settled < period && m <= limit; ++m) {
      const auto [value, slope] = exact(band, static_cast<double>(m) * t.step);
      t.value.push_back(value);
      t.slope.push_back(slope);
      settled = std::abs(value - 0.5) < kTableTolerance ? settled + 1 : 0;
    }
    if (settled < period) {
      double last = 0;
      for (std::size_t m = t.value.size() - period; m < t.value.size(); ++m)
        last = std::max(last, std::abs(t.value[m] - 0.5));
      residual_ = std::max(residual_, last);
    }
    kappa_max_ = std::max(kappa_max_, static_cast<double>(t.value.size() - 1) * t.step);

    tables_.push_back(std::move(t));
  }
  if (residual_ > kMaxResidual)
    throw std::runtime_error("neos: the Daya Bay average does not settle (residual " +
                             std::to_string(residual_) + ")");
}

std::pair<double, double> InverseEnergyTable::exact(const Band& band, double kappa) const {
  // ⟨sin²(κy)⟩ = ½ (1 − sinc²(κh) C), C = Σ M_j cos 2κy_j; the slope from
  // dC/dκ = −2 Σ M_j y_j sin 2κy_j. cos and sin along the band by rotation through 2κh.
  const double two_k = 2 * kappa;
  const double step_cos = std::cos(two_k * h_), step_sin = std::sin(two_k * h_);
  double c_sum = 0, s_sum = 0;
  const std::size_t n = band.masses.size();
  for (std::size_t start = 0; start < n; start += kReseedEvery) {
    const double y_start = band.u0 + static_cast<double>(start) * h_;
    double c = std::cos(two_k * y_start), s = std::sin(two_k * y_start);
    const std::size_t stop = std::min(start + kReseedEvery, n);
    for (std::size_t j = start; j < stop; ++j) {
      const double y = band.u0 + static_cast<double>(j) * h_;
      c_sum += band.masses[j] * c;
      s_sum += band.masses[j] * y * s;
      const double next_c = c * step_cos - s * step_sin;
      s = s * step_cos + c * step_sin;
      c = next_c;
    }
  }
  // Deconvolve the cloud-in-cell window W = sinc²(κh) (see reactor::OscillationAverage):
  // A = ½ (1 − C/W), dA/dκ = −½ (C' W − C W') / W².
  const double t = kappa * h_, sc = sinc(t);
  const double window = sc * sc, window_slope = 2 * sc * sinc_slope(t) * h_;
  const double c_slope = -2 * s_sum;
  const double value = 0.5 * (1 - c_sum / window);
  const double slope = -0.5 * (c_slope * window - c_sum * window_slope) / (window * window);
  return {value, slope};
}

double InverseEnergyTable::mean_sin2(std::size_t b, double kappa) const {
  const Tabulated& t = tables_[b];
  const double x = kappa / t.step;
  if (!(x < static_cast<double>(t.value.size() - 1))) return 0.5;
  const auto i = static_cast<std::size_t>(x);
  const double u = x - static_cast<double>(i);
  // cubic Hermite on [i, i+1] with the exact slopes
  const double u2 = u * u, u3 = u2 * u;
  const double h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = 3 * u2 - 2 * u3,
               h11 = u3 - u2;
  return h00 * t.value[i] + h10 * t.step * t.slope[i] + h01 * t.value[i + 1] +
         h11 * t.step * t.slope[i + 1];
}

double InverseEnergyTable::mean_sin2_exact(std::size_t b, double kappa) const {
  return exact(bands_.at(b), kappa).first;
}

// ---- options and inputs
// ---------------------------------------------------------------------------

Options options_from(const ModelOptions& data) {
  Options o;
  try {
    o.normalisation = reactor::parse_normalisation(data.text("neos_normalisation", "free"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("neos_normalisation", e.what(), "data");
  }
  o.resolution_stochastic = data.number_in("neos_resolution_stochastic", 0.05, 0.0, 0.5);
  o.resolution_constant = data.number_in("neos_resolution_constant", 0.12, 0.0, 0.5);
  // A resolution is what makes the averages smooth (and the Daya Bay table finite).
  if (o.resolution_stochastic + o.resolution_constant < 0.01)
    throw OptionError("neos_resolution_stochastic",
                      "the resolution at 1 MeV (stochastic + constant term) must be at least "
                      "0.01 MeV",
                      "data");
  const std::string dayabay = data.text("neos_dayabay", "oscillating");
  if (dayabay == "oscillating")
    o.dayabay = DayaBay::oscillating;
  else if (dayabay == "averaged")
    o.dayabay = DayaBay::averaged;
  else
    throw OptionError("neos_dayabay", "'" + dayabay + "': expected 'oscillating' or 'averaged'",
                      "data");
  return o;
}

struct Ratio::Inputs {
  reactor::RatioTable table;
  Eigen::MatrixXd inverse_covariance;
  std::uint64_t hash = reactor::kHashSeed;

  explicit Inputs(const fs::path& root) {
    table = reactor::read_ratio_table(root / kRatioFile, kBins);
    inverse_covariance = reactor::read_inverse_covariance(root / kInverseCovarianceFile, kBins);
    for (const auto* column : {&table.lower, &table.upper, &table.ratio, &table.sigma})
      reactor::hash_values(hash, *column);
    reactor::hash_values(
        hash, {inverse_covariance.data(), static_cast<std::size_t>(inverse_covariance.size())});
  }
};

namespace {

reactor::BinnedSpectrum make_spectrum(const Options& o, const reactor::RatioTable& table) {
  const double a = o.resolution_stochastic, c = o.resolution_constant;
  // Prompt energy includes the annihilation photons: E_ν = E_prompt + 0.782 MeV.
  return reactor::BinnedSpectrum(
      table.lower, table.upper, reactor::kPromptOffset,
      [a, c](double e) { return a * std::sqrt(std::max(e, 0.0)) + c; }, kFissionFractions,
      kEnergyMax, kInverseStep);
}

reactor::OscillationAverage make_average(const reactor::BinnedSpectrum& spectrum) {
  const auto core =
      reactor::cylinder_points(kCoreRadius, kCoreHeight, {}, kCoreRings, kCoreSectors, kCoreLayers);
  const auto target = reactor::cylinder_points(kTargetRadius, kTargetLength, {kBaseline, 0, 0},
                                               kTargetRings, kTargetSectors, kTargetLayers);
  const std::vector<std::vector<reactor::Baseline>> sites{
      reactor::baseline_distribution(core, target, kBaselineStep)};
  return reactor::average_over_l_over_e(spectrum, sites, kGridStep);
}

} // namespace

Ratio::Ratio(const Options& options) : Ratio(options, Inputs(options.inputs)) {}

Ratio::Ratio(const Options& options, Inputs&& inputs)
    : Ratio(options, std::move(inputs), make_spectrum(options, inputs.table)) {}

Ratio::Ratio(const Options& options, Inputs&& inputs, const reactor::BinnedSpectrum& spectrum)
    : options_(options), chi2_(inputs.table.ratio, std::move(inputs.inverse_covariance)),
      average_(make_average(spectrum)), dayabay_(spectrum, kTableStep), data_hash_(inputs.hash),
      neos_sin2_(kBins), dayabay_sin2_(kBins), ratio_(kBins) {
  double total = 0;
  std::size_t i = 0;
  for (const auto& hall : kDayaBayBaselines)
    for (double length : hall) {
      dayabay_length_[i] = length;
      dayabay_weight_[i] = 1 / (length * length);
      total += dayabay_weight_[i++];
    }
  for (double& w : dayabay_weight_)
    w /= total;
}

void Ratio::dayabay_mean_sin2(double k, std::span<double> out) const {
  if (out.size() != kBins) throw std::invalid_argument("neos: Daya Bay average needs 60 entries");
  const double shortest = *std::min_element(dayabay_length_.begin(), dayabay_length_.end());
  if (k * shortest >= dayabay_.kappa_max()) { // every baseline fully averaged
    std::fill(out.begin(), out.end(), 0.5);
    return;
  }
  for (std::size_t b = 0; b < kBins; ++b) {
    double sum = 0;
    for (std::size_t c = 0; c < dayabay_length_.size(); ++c)
      sum += dayabay_weight_[c] * dayabay_.mean_sin2(b, k * dayabay_length_[c]);
    out[b] = sum;
  }
}

void Ratio::predict(const sterile3p1::Params& p, std::span<double> ratio) const {
  if (ratio.size() != kBins) throw std::invalid_argument("neos: ratio needs 60 entries");
  const Transition t = transition(p, Flavour::e, Flavour::e);
  if (!t.oscillates()) { // the same factor at NEOS and Daya Bay
    std::fill(ratio.begin(), ratio.end(), 1.0);
    return;
  }
  const double k = t.wavenumber;
  average_.mean_sin2(k, neos_sin2_);
  if (options_.dayabay == DayaBay::oscillating)
    dayabay_mean_sin2(k, dayabay_sin2_);
  else
    std::fill(dayabay_sin2_.begin(), dayabay_sin2_.end(), 0.5);
  for (std::size_t b = 0; b < kBins; ++b)
    ratio[b] = (t.constant + t.amplitude * neos_sin2_[b]) / (t.constant + t.amplitude * dayabay_sin2_[b]);
}

double Ratio::chi2(const sterile3p1::Params& p, double* norm) const {
  predict(p, ratio_);
  return chi2_.at(ratio_, options_.normalisation, norm);
}

std::string Ratio::fingerprint() const {
  std::ostringstream out;
  out << "neos-2016 data=" << reactor::hex(data_hash_)
      << " normalisation=" << options_.normalisation.text()
      << " resolution=" << options_.resolution_stochastic << "," << options_.resolution_constant
      << " dayabay=" << (options_.dayabay == DayaBay::oscillating ? "oscillating" : "averaged");
  return out.str();
}

} // namespace nubayes::neos

namespace nubayes {

std::unique_ptr<Experiment> make_neos_experiment(const ModelOptions& data) {
  const neos::Options options = neos::options_from(data);
  return build_experiment("neos", [&] { return std::make_unique<Chi2Experiment<neos::Ratio>>("neos", std::vector<ChannelUse>{{Flavour::e, Flavour::e, "P(nuebar->nuebar)"}}, pair_reasons::kBelowThreshold, options); });
}

} // namespace nubayes
