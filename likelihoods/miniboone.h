#pragma once
// MiniBooNE νe / ν̄e appearance χ² from the official 2018 and 2020 data releases
// (inputs/miniboone/, see its MANIFEST.md), built exactly as the release prescribes:
//   v = (s, b, m) per beam mode (11 signal, 11 νe background, 8 νμ predictions);
//   C = F ∘ (v vᵀ) with F the fractional covariance, plus s_i on the signal-block diagonal;
//   the signal and background blocks collapse into one "νe-like" block (19 bins per mode; the
//   cross-mode blocks are kept: 38 for ν+ν̄); r = (d_e − b − s, d_μ − m); χ² = rᵀ M⁻¹ r.
// The signal is any model's prediction in the 11 νe bins per mode; for 3+1 oscillations it is
// sin²2θμe Σ_{E_reco in bin} w sin²(1.267 Δm² L/E_true) / N_rows over the full-transmutation
// Monte Carlo, computed here by a fast expansion that reproduces that per-event sum.
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "likelihood.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nubayes::miniboone {

inline constexpr std::size_t kNueBins = 11;   ///< E_ν^QE bins, 200–3000 MeV
inline constexpr std::size_t kNumuBins = 8;   ///< νμ CCQE control bins
inline constexpr std::size_t kLowNueBins = 9; ///< the 200–1250 MeV excess window
inline constexpr std::size_t kModeBlock = 2 * kNueBins + kNumuBins; ///< 30: [signal | bkg | νμ]
inline constexpr std::size_t kMaxModes = 2;

enum class Sample { nu2018, nubar2018, combined2018, nu2020, combined2020 };
enum class EnergyRange {
  full, ///< 200–3000 MeV: all 11 νe bins (the official oscillation fit)
  low,  ///< 200–1250 MeV: the first 9 νe bins
};

/// "nu-2018", "nubar-2018", "combined-2018", "nu-2020", "combined-2020".
std::string_view sample_name(Sample sample);
/// Inverse of sample_name; throws std::invalid_argument naming the accepted values.
Sample parse_sample(std::string_view name);
/// "200-3000", "200-1250".
std::string_view energy_range_name(EnergyRange range);
/// Inverse of energy_range_name; throws std::invalid_argument.
EnergyRange parse_energy_range(std::string_view name);

struct Options {
  Sample sample = Sample::combined2018;
  EnergyRange range = EnergyRange::full;
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding miniboone/
  std::size_t fine_bins = 250; ///< L/E grid of the fast signal (no effect on results)
};

/// The full-transmutation Monte Carlo of one beam mode (rows E_reco [MeV], E_true [MeV], L [cm],
/// w), reduced at load time so that S_i(k) = Σ_{E_reco in bin i} w sin²(k x) / N_rows, x = L/E_true
/// [m/MeV], costs a few µs instead of one sine per event.
///
/// How: the events of each reco bin are histogrammed into cells of a uniform x grid shared by all
/// reco bins (width h, centres m_j), keeping per cell the moments ν_n = Σ w u^n of the scaled
/// offsets u = (x − m_j)/(h/2) ∈ [−1, 1]. With e^{2ikx} = e^{2ik m_j} Σ_n (i k h u)^n / n!,
///   S_i = Σ_cells [ν_0 sin²(k m_j) + cos(2k m_j) E + sin(2k m_j) O],
///   E = ½ Σ_{n even ≥ 2} ±(kh)^n/n! ν_n,  O = ½ Σ_{n odd} ±(kh)^n/n! ν_n  (signs + − + − …),
/// so one evaluation needs sin and cos at the grid centres only (by rotation) and a few
/// multiply-adds per cell. The series is cut at the smallest order whose remainder bound,
/// ½ Σw (kh)^{n+1}/(n+1)!, is below kTolerance events; beyond kMaxOrder the direct per-event loop
/// is used (with the default 250 grid cells, above Δm² ≈ 250 eV²). The result is the per-event
/// sum to < 1e-6 events, at any Δm², not an approximation of it. (Replacing each event's sin² by
/// the exact mean over its cell, sterile3p1::mean_sin2, would be an O(h) approximation: the
/// events are not uniform inside a cell, and with MC weights of up to 20 events per row it misses
/// the ν 2018 per-event sum by 0.04 / 0.5 / 12 events at Δm² = 0.3 / 3 / 100 eV² even with
/// 4000 cells.)
class OscillationTemplate {
public:
  static constexpr int kMaxOrder = 24;
  static constexpr double kTolerance = 1e-6; ///< events, bound on the total over all bins

  /// `ntuple` rows as above; `edges` the kNueBins + 1 reco-bin edges [MeV] (bins [lo, hi), the last
  /// one closed); `source` names the file in error messages.
  OscillationTemplate(const Table& ntuple, std::span<const double> edges, std::size_t fine_bins,
                      const std::string& source);

  /// S_i(k) for i < kNueBins, by the fast expansion.
  void sin2_sums(double k, std::span<double> out) const;
  /// S_i(k) by the direct loop over events (reference, and the fallback at very large k).
  void sin2_sums_exact(double k, std::span<double> out) const;
  /// Σ w / N_rows per reco bin: the P = 1 (full-transmutation) prediction.
  std::span<const double> full_transmutation() const { return total_; }
  /// Series order the fast path uses at k; −1 when it falls back to the per-event loop.
  int order_for(double k) const;

  std::size_t rows() const { return rows_; }       ///< N_rows, the normalisation
  std::size_t events() const { return x_.size(); } ///< events inside the reco bins
  std::size_t cells() const { return cell_grid_.size(); }
  double grid_width() const { return h_; }

private:
  void fill_grid(double k) const;

  std::size_t rows_ = 0;
  std::array<double, kNueBins> total_{};
  double weight_sum_ = 0; ///< Σ total_, for the remainder bound
  // the events inside the reco bins (w already divided by N_rows), for the direct loop
  std::vector<std::uint8_t> bin_;
  std::vector<double> x_, w_;
  // the grid and its cells, sorted by (reco bin, grid index)
  double x0_ = 0, h_ = 0; ///< first centre is x0_ + h_/2
  std::size_t grid_size_ = 0;
  /// cells of reco bin i: [bin_begin_[i], bin_begin_[i+1])
  std::array<std::size_t, kNueBins + 1> bin_begin_{};
  std::vector<std::uint32_t> cell_grid_;
  std::vector<double> moments_; ///< (kMaxOrder + 1) × cells, order-major
  // scratch
  mutable std::vector<double> sin_, cos_;  ///< sin, cos of k m_j on the grid
  mutable std::vector<double> even_, odd_; ///< E and O per cell
};

/// The appearance χ² of one sample.
class Appearance {
public:
  explicit Appearance(const Options& options);

  Sample sample() const { return sample_; }
  EnergyRange range() const { return range_; }
  std::size_t modes() const { return modes_.size(); }
  /// Length of the signal vector: kNueBins per mode (ν first), whatever the energy range.
  std::size_t signal_size() const { return kNueBins * modes(); }
  /// Bins in the χ²: 19 or 38 (17 or 34 in 200–1250 MeV).
  std::size_t chi2_bins() const { return bins_.size(); }
  std::span<const double> bin_edges() const { return edges_; }

  /// χ² for `signal` (signal_size() events, ν mode first), each finite and >= 0; +inf if the
  /// collapsed covariance is not positive definite. Throws std::invalid_argument on a wrong size
  /// or a negative / non-finite entry. No allocation.
  double chi2(std::span<const double> signal) const;
  /// ln det M of the collapsed covariance of the last chi2() call. The covariance grows with
  /// the signal, so a proper Gaussian likelihood, −2 ln L = χ² + ln det M + N ln 2π, carries it;
  /// the official likelihood surfaces do (see tests/test_miniboone.cpp).
  double log_det() const;

  /// 3+1 appearance signal per νe bin and mode: sin²2θμe × S_i(1.267 Δm²), fast path.
  void oscillation_signal(double dm2, double sin2_2theta_mue, std::span<double> signal) const;
  /// P(νμ→νe) of any neutrino sector (neutrino_sector.h): the oscillating case above, or a
  /// constant P times the full-transmutation prediction.
  void oscillation_signal(const NeutrinoSector& params, std::span<double> signal) const;
  /// The same by the direct per-event sum (reference; slow).
  void oscillation_signal_exact(double dm2, double sin2_2theta_mue, std::span<double> signal) const;
  /// The P = 1 prediction per νe bin and mode.
  void full_transmutation(std::span<double> signal) const;
  const OscillationTemplate& monte_carlo(std::size_t mode) const { return modes_[mode].mc; }

  /// Data, background and `signal` per νe bin of each mode, named "<prefix> nu" / "<prefix> nubar".
  std::vector<Observable> observables(std::span<const double> signal, const std::string& prefix) const;

  /// Sample, energy range and a hash of every number read; a resume must match it.
  std::string fingerprint() const;

private:
  static constexpr std::size_t kMaxFull = kModeBlock * kMaxModes;             // 60
  static constexpr std::size_t kMaxBins = (kNueBins + kNumuBins) * kMaxModes; // 38
  using Matrix =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, kMaxBins, kMaxBins>;
  using Vector = Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxBins, 1>;
  using FullVector = Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxFull, 1>;

  struct Mode {
    std::vector<double> nue_data, nue_bkg, numu_data, numu_pred;
    OscillationTemplate mc;
  };
  /// One χ² bin: the entries of v it sums (background/νμ index, and the signal index for νe
  /// bins, else −1) and its observed count.
  struct Bin {
    int main = 0, signal = -1;
    double observed = 0;
  };

  using SumsFunction = void (OscillationTemplate::*)(double, std::span<double>) const;
  void check_size(std::span<const double> signal) const;
  void check_signal(std::span<const double> signal) const; ///< size, and every entry >= 0
  /// sin²2θμe × (template.*sums)(1.267 Δm²) for each mode.
  void scaled_sums(SumsFunction sums, double dm2, double sin2_2theta_mue,
                   std::span<double> signal) const;

  Sample sample_;
  EnergyRange range_;
  std::vector<double> edges_;
  std::vector<Mode> modes_;
  Eigen::MatrixXd fractional_; ///< kModeBlock·modes square
  std::vector<Bin> bins_;
  std::uint64_t data_hash_ = 0;
  // scratch, sized once
  mutable FullVector v_;
  mutable Matrix m_;
  mutable Vector r_;
  mutable Eigen::LLT<Matrix> llt_;
};

} // namespace nubayes::miniboone
