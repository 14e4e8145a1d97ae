#include "prospect.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nubayes::prospect {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDir = "reactor/prospect";
constexpr const char* kSegmentMap = "1.1_Osc_SegmentMap.txt";
constexpr const char* kCovariance = "1.2_Osc_CovarianceMatrix.txt";
constexpr const char* kEfficiencies = "1.5_Osc_RelativeEfficiencies.txt";

std::string response_file(std::size_t segment) {
  return "1.3_Osc_DetResponse" + std::to_string(segment) + ".txt";
}
std::string prompt_file(std::size_t segment) {
  return "1.4_Osc_Prompt" + std::to_string(segment) + ".txt";
}
std::string null_file(std::size_t baseline) {
  return "1.6_Osc_NullOscPred" + std::to_string(baseline + 1) + ".txt";
}

// True-energy bins of the response matrices: 82 × 0.1 MeV from 1.8 MeV; prompt bins 16 × 0.4 MeV
// from 0.8 MeV (release README).
constexpr double kTrueLow = 1.8, kTrueWidth = 0.1;
constexpr double kPromptLow = 0.8, kPromptWidth = 0.4;

// Numerical grids: energies per true bin, baseline grid, L/E grid, points in the core and in a
// segment. The L/E grid's Nyquist Δm² is π/(2h · 1.267) = 124 eV². Halving the three steps moves
// no χ² pinned in tests/test_prospect.cpp by more than 0.01 (checked when written).
constexpr int kEnergiesPerBin = 20;
constexpr double kBaselineStep = 0.01; ///< [m]
constexpr double kGridStep = 0.01;     ///< [m/MeV]
constexpr int kCoreRings = 4, kCoreSectors = 12, kCoreLayers = 8;
constexpr std::array<int, 3> kSegmentPoints{3, 3, 6};

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

} // namespace

Options options_from(const ModelOptions& data) {
  Options o;
  const std::string null = data.text("prospect_null", "release");
  if (null == "release")
    o.null = Null::release;
  else if (null == "computed")
    o.null = Null::computed;
  else
    throw OptionError("prospect_null", "'" + null + "': expected 'release' or 'computed'", "data");
  return o;
}

/// The numbers read from the release.
struct Relative::Inputs {
  struct Segment {
    std::size_t index = 0, baseline = 0;
    double length = 0, efficiency = 0;
    Eigen::MatrixXd response; ///< 16 prompt × 82 true
  };
  std::vector<Segment> segments;
  std::vector<double> data, release_null; ///< l × 16 + e
  Eigen::MatrixXd covariance;
  std::uint64_t hash = reactor::kHashSeed;

  explicit Inputs(const fs::path& root)
      : data(kBaselines * kBins, 0.0), release_null(kBaselines * kBins) {
    const fs::path dir = root / kDir;
    const fs::path map_path = dir / kSegmentMap, eff_path = dir / kEfficiencies;
    const Table map = read_table(map_path, 5, true);
    const Table eff = read_table(eff_path, 3, true);
    expect_rows(map, kSegments, map_path);
    expect_rows(eff, kSegments, eff_path);
    reactor::hash_values(hash, map.values);
    reactor::hash_values(hash, eff.values);
    for (std::size_t s = 0; s < kSegments; ++s) {
      const auto m = map.row(s), e = eff.row(s);
      const std::string where = "row " + std::to_string(s + 1) + ": ";
      if (m[2] != static_cast<double>(s)) fail(map_path, where + "segment index out of order");
      if (!(m[0] >= 1 && m[0] <= kBaselines && m[0] == std::floor(m[0])))
        fail(map_path, where + "baseline bin must be 1 to 10");
      if (!(m[1] > 1 && m[1] < 100)) fail(map_path, where + "baseline must be in (1, 100) m");
      // The efficiency table is ordered like the map: segment = x + 14 y.
      if (e[0] != m[3] || e[1] != m[4])
        fail(eff_path, where + "segment x/y differ from the segment map");
      if (!(e[2] >= 0 && e[2] <= 2)) fail(eff_path, where + "efficiency must be in [0, 2]");
      if (e[2] == 0) continue; // inactive segment
      Segment seg{s, static_cast<std::size_t>(m[0]) - 1, m[1], e[2], {}};
      const fs::path response = dir / response_file(s), prompt = dir / prompt_file(s);
      seg.response = read_matrix(response, kBins, kTrueBins, true);
      for (Eigen::Index i = 0; i < seg.response.size(); ++i)
        if (!(seg.response.data()[i] >= 0)) fail(response, "response entries must be >= 0");
      if (!(seg.response.sum() > 0)) fail(response, "response matrix is empty");
      const Table counts = read_table(prompt, 5, true);
      expect_rows(counts, kBins, prompt);
      for (std::size_t b = 0; b < kBins; ++b) {
        const double centre = kPromptLow + (static_cast<double>(b) + 0.5) * kPromptWidth;
        if (std::abs(counts.row(b)[0] - centre) > 1e-6)
          fail(prompt,
               "row " + std::to_string(b + 1) + ": bin centre must be " + std::to_string(centre));
        data[seg.baseline * kBins + b] += counts.row(b)[1];
      }
      reactor::hash_values(hash,
                           {seg.response.data(), static_cast<std::size_t>(seg.response.size())});
      reactor::hash_values(hash, counts.values);
      segments.push_back(std::move(seg));
    }
    for (std::size_t l = 0; l < kBaselines; ++l) {
      const fs::path path = dir / null_file(l);
      const Table t = read_table(path, 2, true);
      expect_rows(t, kBins, path);
      for (std::size_t b = 0; b < kBins; ++b) {
        if (!(t.row(b)[1] > 0))
          fail(path, "row " + std::to_string(b + 1) + ": prediction must be > 0");
        release_null[l * kBins + b] = t.row(b)[1];
      }
      reactor::hash_values(hash, t.values);
    }
    for (std::size_t l = 0; l < kBaselines; ++l)
      if (std::none_of(segments.begin(), segments.end(),
                       [&](const Segment& s) { return s.baseline == l; }))
        fail(map_path, "baseline bin " + std::to_string(l + 1) + " has no active segment");
    const fs::path cov = dir / kCovariance;
    covariance = read_matrix(cov, kBaselines * kBins, kBaselines * kBins, true);
    check_symmetric(covariance, cov, 1e-6);
    reactor::hash_values(hash, {covariance.data(), static_cast<std::size_t>(covariance.size())});
  }
};

namespace {

/// The L/E average over every (baseline, prompt bin): each active segment adds, per true-energy
/// bin and per point of its baseline distribution, efficiency/L² × response × ²³⁵U spectrum ×
/// σ_IBD. `null` receives each row's total (our null prediction, arbitrary normalisation).
template <class Segments>
reactor::OscillationAverage build_average(const Segments& segments, std::vector<double>& null,
                                          std::vector<double>& mean_length) {
  const reactor::FissionFractions u235{1, 0, 0, 0}; // HFIR burns highly enriched uranium
  const auto core =
      reactor::cylinder_points(kCoreRadius, kCoreHeight, {}, kCoreRings, kCoreSectors, kCoreLayers);
  std::vector<std::vector<reactor::Baseline>> distributions;
  double l_min = INFINITY, l_max = 0;
  for (const auto& seg : segments) {
    // The segment's long axis (z) across the line of sight (x).
    const auto points = reactor::box_points({kSegmentWidth, kSegmentWidth, kSegmentLength},
                                            {seg.length, 0, 0}, kSegmentPoints);
    distributions.push_back(reactor::baseline_distribution(core, points, kBaselineStep));
    l_min = std::min(l_min, distributions.back().front().length);
    l_max = std::max(l_max, distributions.back().back().length);
  }
  const double e_min = kTrueLow, e_max = kTrueLow + kTrueBins * kTrueWidth;
  reactor::OscillationAverage avg(kBaselines * kBins, l_min / e_max - kGridStep,
                                  l_max / e_min + kGridStep, kGridStep);
  null.assign(kBaselines * kBins, 0.0);
  std::vector<double> length_sum(kBaselines, 0.0), length_weight(kBaselines, 0.0);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& seg = segments[i];
    const double flux = seg.efficiency / (seg.length * seg.length);
    for (std::size_t t = 0; t < kTrueBins; ++t) {
      for (int j = 0; j < kEnergiesPerBin; ++j) {
        const double e =
            kTrueLow + (static_cast<double>(t) + (j + 0.5) / kEnergiesPerBin) * kTrueWidth;
        const double spectrum = flux * reactor::ibd_spectrum(u235, e) / kEnergiesPerBin;
        if (spectrum == 0) continue;
        for (std::size_t b = 0; b < kBins; ++b) {
          const double w =
              spectrum * seg.response(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(t));
          if (w == 0) continue;
          const std::size_t row = seg.baseline * kBins + b;
          null[row] += w;
          for (const auto& base : distributions[i])
            avg.add(row, base.length / e, w * base.weight);
        }
        length_sum[seg.baseline] += spectrum * seg.length;
        length_weight[seg.baseline] += spectrum;
      }
    }
  }
  avg.finish();
  mean_length.resize(kBaselines);
  for (std::size_t l = 0; l < kBaselines; ++l)
    mean_length[l] = length_sum[l] / length_weight[l];
  return avg;
}

} // namespace

Relative::Relative(const Options& options) : Relative(options, Inputs(options.inputs)) {}

Relative::Relative(const Options& options, Inputs&& inputs)
    : options_(options), data_(std::move(inputs.data)), data_sum_(kBins, 0.0),
      release_null_(std::move(inputs.release_null)),
      average_(build_average(inputs.segments, computed_null_, mean_length_)),
      active_(inputs.segments.size()), data_hash_(inputs.hash), sin2_(kBaselines * kBins),
      events_(kBaselines * kBins), delta_(kBaselines * kBins) {
  const Eigen::LLT<Eigen::MatrixXd> llt(inputs.covariance);
  if (llt.info() != Eigen::Success)
    fail(options.inputs / kDir / kCovariance, "covariance is not positive definite");
  inverse_covariance_ =
      llt.solve(Eigen::MatrixXd::Identity(kBaselines * kBins, kBaselines * kBins));
  for (std::size_t l = 0; l < kBaselines; ++l)
    for (std::size_t b = 0; b < kBins; ++b)
      data_sum_[b] += data_[l * kBins + b];
}

void Relative::predict(const sterile3p1::Params& p, std::span<double> events) const {
  if (events.size() != kBaselines * kBins) throw std::invalid_argument("prospect: wrong size");
  const auto& null = options_.null == Null::release ? release_null_ : computed_null_;
  const Transition t = transition(p, Flavour::e, Flavour::e);
  if (!t.oscillates()) {
    for (std::size_t i = 0; i < events.size(); ++i)
      events[i] = null[i] * t.constant;
    return;
  }
  average_.mean_sin2(t.wavenumber, sin2_);
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i] = null[i] * (t.constant + t.amplitude * sin2_[i]);
}

double Relative::chi2(const sterile3p1::Params& p) const {
  predict(p, events_);
  // Δ_le = M_le − M_e P_le / P_e: only the shape of each baseline's share of a bin is tested.
  for (std::size_t b = 0; b < kBins; ++b) {
    double total = 0;
    for (std::size_t l = 0; l < kBaselines; ++l)
      total += events_[l * kBins + b];
    if (!(total > 0)) return std::numeric_limits<double>::infinity();
    for (std::size_t l = 0; l < kBaselines; ++l) {
      const std::size_t i = l * kBins + b;
      delta_[static_cast<Eigen::Index>(i)] = data_[i] - data_sum_[b] * events_[i] / total;
    }
  }
  const double chi2 = delta_.dot(inverse_covariance_ * delta_);
  return std::isfinite(chi2) ? chi2 : std::numeric_limits<double>::infinity();
}

std::string Relative::fingerprint() const {
  std::ostringstream out;
  out << "prospect-2020 data=" << reactor::hex(data_hash_)
      << " null=" << (options_.null == Null::release ? "release" : "computed");
  return out.str();
}

} // namespace nubayes::prospect

namespace nubayes {

std::unique_ptr<Experiment> make_prospect_experiment(const ModelOptions& data) {
  const prospect::Options options = prospect::options_from(data);
  return build_experiment("prospect", [&] {
    return std::make_unique<Chi2Experiment<prospect::Relative>>("prospect", std::vector<ChannelUse>{{Flavour::e, Flavour::e, "P(nuebar->nuebar)"}}, pair_reasons::kBelowThreshold, options);
  });
}

} // namespace nubayes
