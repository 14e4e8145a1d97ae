#pragma once
// The gallium anomaly: the ⁵¹Cr and ³⁷Ar source calibrations of GALLEX (Cr1, Cr2) and SAGE (Cr, Ar)
// and the two-zone BEST experiment, as ratios R = observed / expected ⁷¹Ge production, expected
// with the Bahcall cross sections (hep-ph/9710491). Inputs: inputs/gallium/ (its MANIFEST.md).
//
// Prediction for measurement i (νe disappearance, 3+1 short-baseline limit):
//   R_pred,i = f · [1 − sin²2θee · F_i(Δm²41)],
//   F_i = Σ_l w_l ⟨sin²(1.267 Δm² L / E_l)⟩_i,   w_l ∝ BR_l σ_l (Σ w_l = 1),
// ⟨·⟩_i the average over the Ga volume of zone i weighted by the flux 1/L² (L = source distance),
// l the source's neutrino lines (⁵¹Cr: 747, 752, 427, 432 keV; ³⁷Ar: 811, 813 keV), and f the
// common cross-section normalisation σ_true / σ_Bahcall.
//   χ²(θ) = min_f [ Σ_i (R_i − R_pred,i)² / σ_i² + (f − 1)² / σ_f² ]   (f profiled analytically)
//   ln L  = −χ²/2 − Σ_i ln(√(2π) σ_i)   (a normalised Gaussian in the ratios at the profiled f).
// σ_f = 0.03 by default: Bahcall's ⁵¹Cr cross section is 58.1 (+2.1, −1.6) × 10⁻⁴⁶ cm² [R], i.e.
// +3.6 % / −2.8 % (his abstract quotes +0.04 / −0.03 theory on R [V]); a deficit pulls f below 1,
// so the lower side, rounded to 3 %, is used symmetrically. One f for all six ratios: every
// ratio is relative to the same Bahcall matrix elements (³⁷Ar's share its ground state).
// The ratios' own errors are treated as independent (as published; BEST's share a source).
//
// Validation (tests/test_gallium.cpp; [V] seen in a public source, [R] recalled):
//   GALLEX+SAGE, σ_f = 0: χ²(no osc.) = 10.08, Δχ² = 8.1 to the best fit (2.8σ in one
//   parameter; published anomaly 2.7–3.0σ, R = 0.86 ± 0.05 [R]); flat for Δm² ≳ 1.5 eV² with
//   sin²2θ ≈ 0.26–0.29 (published ≈ 0.2–0.3 [R]). With BEST, σ_f = 0: Δχ² = 45.8 (> 5σ [V]);
//   minima (2.8 eV², 0.39) and (1.3 eV², 0.37) 0.14 apart — the published BEST+GALLEX+SAGE fit
//   is (1.25 eV², 0.34) [V]. The default σ_f = 0.03 lowers the Δχ² to 6.0 and 22.3.
//
// Evaluation is const and allocation-free (safe to share between threads).
#include "model_options.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nubayes::gallium {

enum class Source { chromium51, argon37 };

/// One measured ratio as read from the ratios file.
struct Measurement {
  std::string name; ///< GALLEX-Cr1, GALLEX-Cr2, SAGE-Cr, SAGE-Ar, BEST-inner, BEST-outer
  Source source = Source::chromium51;
  double ratio = 0; ///< R = observed / expected (Bahcall cross section)
  double error = 0; ///< 1σ (symmetrised), > 0
};

/// The measurement names the ratios file must hold (the BEST rows are optional there).
inline constexpr std::array<std::string_view, 6> kMeasurementNames = {
    "GALLEX-Cr1", "GALLEX-Cr2", "SAGE-Cr", "SAGE-Ar", "BEST-inner", "BEST-outer"};

/// Reads `experiment source R sigma [note...]` lines ('#' comments and blank lines skipped).
/// Every row must name a known measurement with its right source (51Cr or 37Ar), once, with
/// 0 < R < 10 and sigma > 0; the four GALLEX/SAGE rows are required. Any problem is one
/// std::runtime_error naming the file and line, e.g. "ratios.txt:12: unknown experiment 'X' ...".
std::vector<Measurement> read_ratios(const std::filesystem::path& path);

/// A neutrino line of a source: energy [MeV] and its share of the ⁷¹Ge production rate.
struct Line {
  double energy = 0;
  double weight = 0;
};
/// The lines of a source with weights ∝ branching ratio × Bahcall cross section, summing to 1.
std::span<const Line> source_lines(Source source);

/// The distances L [m] from a point source to the Ga of one detector zone, weighted by the flux
/// 1/L² over the zone's volume: since dV / L² = dΩ dL, the density in L is the solid angle Ω(L)
/// of the sphere of radius L that lies inside the zone, known in closed form for the shapes
/// here. It is stored on a uniform grid of L and used as its piecewise-linear interpolant, whose
/// Fourier transform is exact (Filon's rule), so that ⟨cos qL⟩ costs one rotation per grid node
/// at every q: no approximation beyond the interpolation of Ω(L), O(h^1.5) at the √ kink where
/// the sphere reaches the cylinder wall (< 1e-4 in ⟨cos qL⟩ with the 1 cm grid used, tested).
class DistanceProfile {
public:
  /// A source on the axis of a cylinder (radius, height [m]), `source_height` above its bottom;
  /// distances below `inner_radius` are excluded (a sphere around the source that belongs to
  /// another zone). `nodes` >= 2 grid nodes from inner_radius to the farthest point.
  static DistanceProfile cylinder(double radius, double height, double source_height,
                                  double inner_radius, std::size_t nodes);
  /// A source at the centre of a sphere: Ω(L) = 4π up to the radius, so two nodes are exact.
  static DistanceProfile sphere(double radius);

  /// ⟨cos(q L)⟩ under the profile; q >= 0 [1/m].
  double mean_cos(double q) const;
  /// ⟨L⟩ [m], for documentation and tests.
  double mean_distance() const;
  double min_distance() const { return l0_; }
  double max_distance() const { return l0_ + h_ * static_cast<double>(weights_.size() - 1); }

private:
  DistanceProfile(double l0, double h, std::vector<double> omega);

  double l0_ = 0, h_ = 0;
  std::vector<double> weights_; ///< Ω(L_j) / ∫Ω dL: the normalised density at the nodes
};

/// Flux-weighted ⟨sin²(k L/E)⟩ averaged over the lines: F_i above, with k = 1.267 Δm².
double mean_sin2(const DistanceProfile& profile, std::span<const Line> lines, double k);

/// One zone with its data: the measurement, its geometry and its source's lines.
struct Zone {
  Measurement measurement;
  DistanceProfile profile;
  std::span<const Line> lines;
};

struct Options {
  bool include_best = true;                    ///< [data] gallium_best
  double xsec_error = 0.03;                    ///< [data] gallium_xsec_error: σ_f
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding gallium/
};

class Gallium {
public:
  explicit Gallium(const Options& options);

  /// Predicted ratios before the normalisation f, one per zone (R_pred / f).
  void predicted(double sin2_2theta_ee, double dm2, std::span<double> out) const;
  /// χ² with f profiled; `best_norm` (optional) receives the profiled f.
  double chi2(double sin2_2theta_ee, double dm2, double* best_norm = nullptr) const;
  /// Σ_i ln(√(2π) σ_i): the Gaussian normalisation in ln L.
  double log_normalisation() const { return log_norm_; }
  const std::vector<Zone>& zones() const { return zones_; }
  double xsec_error() const { return xsec_error_; }
  std::string fingerprint() const;

private:
  std::vector<Zone> zones_;
  double xsec_error_ = 0;
  double log_norm_ = 0;
  bool include_best_ = true;
  std::uint64_t data_hash_ = 0;
};

} // namespace nubayes::gallium

namespace nubayes {

/// The `gallium` experiment for [data] experiments. Options: `gallium_best` (true|false, default
/// true: include BEST), `gallium_xsec_error` (σ_f, default 0.03, in [0, 0.5]; 0 fixes f = 1).
/// Throws OptionError("...", ..., "data") for bad option values or unreadable inputs.
std::unique_ptr<Experiment> make_gallium_experiment(const ModelOptions& data);

} // namespace nubayes
