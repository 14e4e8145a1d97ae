#include "cdhs.h"

#include "gauss_legendre.h"
#include "input_files.h"
#include "table_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace nubayes::cdhs {

namespace {

namespace fs = std::filesystem;

constexpr const char* kRatioFile = "numu/cdhs/cdhs_1984_back_front_ratio_transcribed.txt";

// Muon energy loss in iron (PDG: Groom, Mokhov & Striganov, Atomic Data and Nuclear Data Tables
// 78 (2001) 183, Sternheimer density-effect parameters for Fe).
constexpr double kMuonMass = 105.6583755;       ///< [MeV]
constexpr double kElectronMass = 0.51099895;    ///< [MeV]
constexpr double kBetheK = 0.307075;            ///< 4π N_A r_e² m_e c² [MeV cm²/mol]
constexpr double kZOverA = 26.0 / 55.845;       ///< [mol/g]
constexpr double kExcitation = 286e-6;          ///< I [MeV]
constexpr double kIronDensity = 7.874;          ///< [g/cm³]
constexpr double kX0 = -0.0012, kX1 = 3.1531, kA = 0.1468, kK = 2.9632, kCbar = 4.2911,
                 kDelta0 = 0.12;
constexpr double kRangeStart = 108.0; ///< total energy [MeV] where the range integral starts

// Neutrino side.
constexpr double kAntiquark = 0.0464133; ///< A in E [(1 − c/E) + A (1 − (c/E)³)]
constexpr double kEnergyMax = 30.0;      ///< [GeV], top of the flux
constexpr double kInverseStep = 2e-4;    ///< 1/E grid [1/GeV]
constexpr double kGridStep = 5e-4;       ///< L/E grid [km/GeV]

/// Bethe–Bloch stopping power of iron for a muon of total energy e [MeV], in MeV cm²/g.
double stopping_power(double e) {
  const double gamma = e / kMuonMass;
  const double bg2 = gamma * gamma - 1;
  const double beta2 = bg2 / (gamma * gamma);
  const double ratio = kElectronMass / kMuonMass;
  const double tmax = 2 * kElectronMass * bg2 / (1 + 2 * gamma * ratio + ratio * ratio);
  const double x = 0.5 * std::log10(bg2);
  const double two_ln10 = 2 * std::numbers::ln10;
  double delta = 0;
  if (x >= kX1)
    delta = two_ln10 * x - kCbar;
  else if (x >= kX0)
    delta = two_ln10 * x - kCbar + kA * std::pow(kX1 - x, kK);
  else
    delta = kDelta0 * std::pow(10.0, 2 * (x - kX0));
  return kBetheK * kZOverA / beta2 *
         (0.5 * std::log(2 * kElectronMass * bg2 * tmax / (kExcitation * kExcitation)) - beta2 -
          0.5 * delta);
}

[[noreturn]] void fail(const fs::path& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + what);
}

double hat_g(double e, double threshold) {
  if (!(e > threshold)) return 0.0;
  const double r = threshold / e;
  return e * ((1 - r) + kAntiquark * (1 - r * r * r));
}

} // namespace

double muon_stopping_power_iron(double energy) {
  return stopping_power(energy * 1000);
}

double muon_range_in_iron(double energy) {
  const double e = energy * 1000;
  if (!(e > kRangeStart)) return 0.0;
  // ∫ dE / S in ln E: smooth, 8 Gauss–Legendre panels of 16 points.
  static const GaussLegendre rule(16);
  const double a = std::log(kRangeStart), b = std::log(e);
  const int panels = 8;
  double sum = 0;
  for (int i = 0; i < panels; ++i) {
    const double lo = a + (b - a) * i / panels, hi = a + (b - a) * (i + 1) / panels;
    sum += rule.integrate(
        [](double t) {
          const double en = std::exp(t);
          return en / stopping_power(en);
        },
        lo, hi);
  }
  return sum;
}

double muon_energy_from_range(double path_cm) {
  const double target = path_cm * kIronDensity;
  double lo = kRangeStart / 1000, hi = 100.0;
  if (!(target > 0)) return lo;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (muon_range_in_iron(mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Options options_from(const ModelOptions& data) {
  Options o;
  o.norm_error = data.number_in("cdhs_norm_error", kNormError, 0.0, 1.0);
  return o;
}

std::vector<Ratio> read_ratios(const fs::path& path) {
  std::istringstream in(read_input_file(path));
  std::vector<Ratio> out;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    std::vector<std::string> tokens;
    std::istringstream words(line);
    for (std::string w; words >> w;)
      tokens.push_back(w);
    if (tokens.size() != 5)
      fail(path, n, "expected 5 numbers, found " + std::to_string(tokens.size()));
    double v[5];
    for (int i = 0; i < 5; ++i) {
      const std::string& t = tokens[static_cast<std::size_t>(i)];
      if (i == 2 && t == "inf") {
        v[i] = std::numeric_limits<double>::infinity();
        continue;
      }
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v[i]);
      if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v[i]))
        fail(path, n, "not a number: '" + t.substr(0, 40) + "'");
    }
    Ratio r{static_cast<int>(v[0]), v[1], v[2], v[3], v[4]};
    if (v[0] != 1 && v[0] != 2) fail(path, n, "data set must be 1 or 2");
    if (!out.empty() && r.set < out.back().set) fail(path, n, "data sets out of order");
    const bool continues = !out.empty() && out.back().set == r.set;
    if (continues && std::isinf(out.back().range_hi))
      fail(path, n, "only the last bin of a data set may be open-ended (inf)");
    if (continues && r.range_lo != out.back().range_hi)
      fail(path, n, "range bins must be contiguous");
    if (!(r.range_lo > 0 && r.range_hi > r.range_lo))
      fail(path, n, "range bin must have 0 < low < high");
    if (!(r.ratio > 0)) fail(path, n, "the ratio must be > 0");
    if (!(r.sigma > 0)) fail(path, n, "sigma must be > 0");
    out.push_back(r);
  }
  expect_rows(out.size(), kBins, path);
  return out;
}

reactor::OscillationAverage BackFront::build(const std::vector<double>& lo,
                                             const std::vector<double>& hi) {
  const double e_min = *std::min_element(lo.begin(), lo.end());
  const double sites[2][2] = {{kBackBaseline - kBackLength / 2, kBackBaseline + kBackLength / 2},
                              {kFrontBaseline - kFrontLength / 2,
                               kFrontBaseline + kFrontLength / 2}};
  reactor::OscillationAverage avg(2 * kBins, sites[1][0] / kEnergyMax - kGridStep,
                                  sites[0][1] / e_min + kGridStep, kGridStep);
  // Energy nodes uniform in t = 1/E from 1/30 GeV⁻¹ to 1/E_min (trapezoid weights; dE = dt/t²).
  const double t_lo = 1 / kEnergyMax, t_hi = 1 / e_min;
  const auto nodes = static_cast<std::size_t>(std::ceil((t_hi - t_lo) / kInverseStep));
  const double dt = (t_hi - t_lo) / static_cast<double>(nodes);
  std::vector<double> rate(kBins);
  for (std::size_t j = 0; j <= nodes; ++j) {
    const double t = t_lo + dt * static_cast<double>(j);
    const double e = 1 / t;
    const double trapezoid = (j == 0 || j == nodes) ? 0.5 : 1.0;
    const double weight = trapezoid * dt * e * e * std::exp(-e);
    bool any = false;
    for (std::size_t i = 0; i < kBins; ++i) {
      rate[i] = weight * (hat_g(e, lo[i]) - (std::isinf(hi[i]) ? 0.0 : hat_g(e, hi[i])));
      any = any || rate[i] > 0;
    }
    if (!any) continue;
    for (std::size_t s = 0; s < 2; ++s) {
      // Baselines uniform over the site: midpoints no further apart than half a grid step in L/E.
      const double length = sites[s][1] - sites[s][0];
      const auto points =
          std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(length * t / (0.5 * kGridStep))));
      for (std::size_t k = 0; k < points; ++k) {
        const double l = sites[s][0] + length * (static_cast<double>(k) + 0.5) / static_cast<double>(points);
        const auto cell = avg.locate(l * t);
        for (std::size_t i = 0; i < kBins; ++i)
          if (rate[i] > 0) avg.add(s * kBins + i, cell, rate[i] / static_cast<double>(points));
      }
    }
  }
  avg.finish();
  return avg;
}

namespace {

struct Loaded {
  std::vector<Ratio> ratios;
  std::vector<double> lo, hi;
};

Loaded load(const fs::path& root) {
  Loaded l;
  l.ratios = read_ratios(root / kRatioFile);
  for (const Ratio& r : l.ratios) {
    l.lo.push_back(muon_energy_from_range(r.range_lo * kRangeToPath));
    l.hi.push_back(std::isinf(r.range_hi) ? std::numeric_limits<double>::infinity()
                                          : muon_energy_from_range(r.range_hi * kRangeToPath));
  }
  return l;
}

} // namespace

BackFront::BackFront(const Options& options)
    : options_(options), average_([&] {
        const Loaded l = load(options.inputs);
        ratios_ = l.ratios;
        e_lo_ = l.lo;
        e_hi_ = l.hi;
        return build(l.lo, l.hi);
      }()),
      sin2_(2 * kBins), ratio_(kBins) {
  if (!(options_.norm_error >= 0)) throw std::invalid_argument("cdhs: norm_error must be >= 0");
  for (const Ratio& r : ratios_) {
    const double values[5] = {static_cast<double>(r.set), r.range_lo, r.range_hi, r.ratio, r.sigma};
    reactor::hash_values(hash_, values);
  }
}

void BackFront::predict(const sterile3p1::Params& p, std::span<double> ratio) const {
  if (ratio.size() != kBins) throw std::invalid_argument("cdhs: ratio needs 15 entries");
  // A channel that does not oscillate in L/E scales both detectors alike: the ratio stays 1.
  const Transition t = transition(p, Flavour::mu, Flavour::mu);
  if (!t.oscillates()) {
    std::fill(ratio.begin(), ratio.end(), 1.0);
    return;
  }
  average_.mean_sin2(t.wavenumber, sin2_);
  for (std::size_t i = 0; i < kBins; ++i)
    ratio[i] = (t.constant + t.amplitude * sin2_[i]) / (t.constant + t.amplitude * sin2_[kBins + i]);
}

double BackFront::chi2_of(std::span<const double> r, double* norm) const {
  // χ²(a) = Σ (R_i − a r_i)²/σ_i² + (1 − a)²/σ_a², minimised: a = (Σ R r/σ² + 1/σ_a²) /
  // (Σ r²/σ² + 1/σ_a²); σ_a = 0 fixes a = 1.
  double a = 1;
  if (options_.norm_error > 0) {
    const double prior = 1 / (options_.norm_error * options_.norm_error);
    double num = prior, den = prior;
    for (std::size_t i = 0; i < kBins; ++i) {
      const double w = 1 / (ratios_[i].sigma * ratios_[i].sigma);
      num += w * ratios_[i].ratio * r[i];
      den += w * r[i] * r[i];
    }
    a = num / den;
  }
  double sum = 0;
  for (std::size_t i = 0; i < kBins; ++i)
    sum += std::pow((ratios_[i].ratio - a * r[i]) / ratios_[i].sigma, 2);
  if (options_.norm_error > 0) sum += std::pow((1 - a) / options_.norm_error, 2);
  if (norm) *norm = a;
  return std::isfinite(sum) ? sum : std::numeric_limits<double>::infinity();
}

double BackFront::chi2(const sterile3p1::Params& p, double* norm) const {
  predict(p, ratio_);
  return chi2_of(ratio_, norm);
}

std::string BackFront::fingerprint() const {
  std::ostringstream out;
  out << std::setprecision(17) << "cdhs-1984 data=" << reactor::hex(hash_)
      << " norm_error=" << options_.norm_error;
  return out.str();
}

} // namespace nubayes::cdhs

namespace nubayes {

std::unique_ptr<Experiment> make_cdhs_experiment(const ModelOptions& data) {
  const cdhs::Options options = cdhs::options_from(data);
  return build_experiment(
      "cdhs", [&] { return std::make_unique<Chi2Experiment<cdhs::BackFront>>(
        "cdhs", std::vector<ChannelUse>{{Flavour::mu, Flavour::mu, "P(numu->numu), back/front"}},
        pair_reasons::kNeedsMuon, options); });
}

} // namespace nubayes
