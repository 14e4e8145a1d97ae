#pragma once
// PROSPECT 2020 (PRD 103 (2021) 032001, arXiv:2006.11210), official data release: prompt spectra of
// the 70 active segments grouped into 10 baselines (6.7–9.2 m from the HFIR core), 16 bins of
// 0.4 MeV from 0.8 to 7.2 MeV, the per-segment response matrices (true E_ν → prompt), relative
// efficiencies, the per-baseline null-oscillation prediction and the 160×160 covariance; the 3+1
// experiment `prospect`. Inputs and provenance: inputs/reactor/prospect/MANIFEST.md.
//
// The official test statistic compares relative spectra, independent of the reactor flux model
// (paper eq. (A17)): with M_le the measured and P_le the predicted events of baseline l, bin e,
// and M_e = Σ_l M_le, P_e = Σ_l P_le,
//   χ² = Δᵀ V⁻¹ Δ,  Δ_le = M_le − M_e P_le / P_e,
// V the released covariance (statistics and systematics). The prediction is the released null
// prediction times the oscillation factor 1 − sin²2θ ⟨sin²Δ⟩_le, the average taken over the
// segments of the baseline (efficiency/L² weights), their response to true E_ν (× the ²³⁵U
// spectrum and the IBD cross section) and the extents of the core and the segment.
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "model_options.h"
#include "reactor.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::prospect {

inline constexpr std::size_t kBaselines = 10, kBins = 16, kTrueBins = 82, kSegments = 154;

/// HFIR: a cylinder 0.435 m across and 0.508 m high, pure ²³⁵U; a segment 0.145 × 0.145 m across
/// and 1.176 m long, its long axis across the line of sight (PROSPECT detector paper, NIM A 922
/// (2019) 287; the orientation is our reading of the release's segment map).
inline constexpr double kCoreRadius = 0.2175, kCoreHeight = 0.508;     ///< [m]
inline constexpr double kSegmentWidth = 0.145, kSegmentLength = 1.176; ///< [m]

/// The no-oscillation prediction P⁰_le that the oscillation factor multiplies.
enum class Null {
  release,  ///< the release's 1.6_Osc_NullOscPred files (default)
  computed, ///< ours: Σ_segments efficiency/L² × response × ²³⁵U spectrum × σ_IBD
};

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding reactor/prospect/
  Null null = Null::release;
};

/// Reads the [data] key prospect_null (release); throws OptionError naming the key.
Options options_from(const ModelOptions& data);

class Relative {
public:
  explicit Relative(const Options& options);

  /// P_le (baseline-major, l × 16 + e) at p.
  void predict(const sterile3p1::Params& p, std::span<double> events) const;
  double chi2(const sterile3p1::Params& p) const;

  /// M_le, the measured events.
  std::span<const double> data() const { return data_; }
  /// The two null predictions (both baseline-major).
  std::span<const double> release_null() const { return release_null_; }
  std::span<const double> computed_null() const { return computed_null_; }
  /// Events-weighted mean baseline of a baseline group [m].
  double mean_baseline(std::size_t l) const { return mean_length_.at(l); }
  std::size_t active_segments() const { return active_; }
  const Options& options() const { return options_; }
  std::string fingerprint() const;

private:
  struct Inputs;
  Relative(const Options& options, Inputs&& inputs);

  Options options_;
  std::vector<double> data_, data_sum_, release_null_;
  std::vector<double> computed_null_, mean_length_; ///< filled while average_ is built
  Eigen::MatrixXd inverse_covariance_;
  reactor::OscillationAverage average_; ///< rows: l × 16 + e, over L/E
  std::size_t active_ = 0;
  std::uint64_t data_hash_ = reactor::kHashSeed;
  mutable std::vector<double> sin2_, events_;
  mutable Eigen::VectorXd delta_;
};

} // namespace nubayes::prospect

namespace nubayes {

/// The `prospect` experiment: ln L = −χ²/2.
std::unique_ptr<Experiment> make_prospect_experiment(const ModelOptions& data);

} // namespace nubayes
