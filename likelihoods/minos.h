#pragma once
// MINOS / MINOS+ νμ disappearance and NC: the official sterile-neutrino data release of
// PRL 122 (2019) 091803 (arXiv:1710.06488), the 3+1 experiment `minos`. Inputs and provenance:
// inputs/numu/minos/MANIFEST.md.
//
// Two methods ([data] minos_method):
//
// * `release` (default): the release macro's χ², recomputed from the released templates.
//   For each detector (far 735 km, near 1.04 km), selection (CC, NC) and run (MINOS, MINOS+),
//   five no-oscillation templates T_c(x, y) in true L/E x [km/GeV] × reconstructed energy y are
//   weighted by the oscillation probability of their true component and summed over x:
//     TrueNC: 1 − P(νμ→νs),  NuMu: P(νμ→νμ),  BeamNue: P(νe→νe),  AppNue: P(νμ→νe),
//     AppNuTau: P(νμ→ντ),
//   each averaged over the true-L/E bin as the macro does: the mean of the two points
//   x̄ ± s, s = arccos(sin a / a) W / (2a), a = kPhase Δm²43 W (W the bin width; s = W/(2√3) at
//   a = 0). The two points average sin²(kPhase Δm²43 x) over the bin exactly; the other
//   frequencies get cos(2 k s) in place of their exact sinc(k W) — the macro's approximation,
//   kept so that the numbers are the release's. Probabilities: four_flavour_vacuum.h, vacuum,
//   phases zero. MINOS and MINOS+ are added bin by bin (data and prediction), the two detectors
//   concatenated [far, near] (CC 44 + 47 bins, NC 27 + 27), and with the released fractional
//   systematic covariance F the covariance is V_ij = F_ij p_i p_j + δ_ij p_i (Poisson term from the
//   prediction):
//     χ² = χ²_CC + χ²_NC + ((|Δm²32| − 2.5×10⁻³ eV²) / 5×10⁻⁴ eV²)²,  χ²_X = rᵀ V⁻¹ r, r = d − p.
//   The 3+1 parameters map onto the angles as in four_flavour_vacuum.h (θ14 from |U_e4|², θ24
//   from |U_μ4|², θ34 from |U_τ4|²). The other parameters are the macro's (its best fit):
//   θ12 = 0.5540758073, θ13 = 0.149116, Δm²21 = 7.54×10⁻⁵ eV², δ = 0, normal ordering.
//   θ23 and Δm²32 are nuisance parameters ([data] minos_nuisance):
//   - `profiled` (default): χ² minimised over them by one Gauss–Newton step from the macro's
//     best fit (0.9285982287 rad, 2.4300512391×10⁻³ eV²), with analytic derivatives of the
//     prediction (one pass computes p, ∂p/∂θ23 and ∂p/∂Δm²32); the step is kept only if it
//     lowers χ², so the result never exceeds the fixed-nuisance χ². This is what the
//     collaboration's surface does (it also profiles θ34 and δ24, which here are the model's:
//     θ34 from |U_τ4|², δ24 = 0). Against the official surface, over its cells with
//     Δm²41 ≥ 0.01 eV² and Δχ² < 15: rms 0.16 (fixed nuisances: 0.39); ≤ 0.03 along the 90 % CL
//     contour (fixed: 0.1–0.4 below 3 eV², a limit 3–5 % too strong in sin²θ24). The remaining
//     differences (up to 1–4 at Δχ² > 9 near Δm²41 ≈ 0.01–0.04 and 30 eV²) come from θ34 and the
//     other θ23 octant, which the local profile does not search (a brute-force search over both
//     octants, Δm²32 and θ34 narrows them, e.g. 2.7 → 0.8 at (0.198, 31 eV²), 1.1 → 0.9 at
//     (0.119, 0.012 eV²); δ24 is free in the official fit too). One step is within 0.02 rms (0.24 at most) of a converged
//     profile ([data] minos_profile_steps, 1–10, buys more steps: each adds ~0.45 ms).
//   - `fixed`: θ23, Δm²32 held at [data] minos_theta23, minos_dm2_32 (default: the macro's best
//     fit), as in the muB_oscillation tables; also the profile's starting point.
//
// * `surface`: bilinear interpolation of the official χ² surface (dm241vsth24, 50 θ24 × 100
//   Δm²41 cells, θ23, Δm²32, θ34 and δ24 profiled by the collaboration, θ14 = 0) in
//   (ln θ24, ln Δm²41) between the cell centres, exact on them; clamped to the outermost centres
//   outside the grid (θ24 < 0.0105: the surface is flat there to < 0.001; Δm²41 < 1.08×10⁻⁴ or
//   > 920 eV²). It reads θ24 = arcsin √(|U_μ4|² / (1 − |U_e4|²)) and ignores |U_e4|² and |U_τ4|²
//   otherwise. The grid is coarse for the oscillation structure: interpolating the release χ²
//   from the same cell centres misses its value at the cell midpoints by 0.2 rms (up to several
//   units near Δm²41 ≈ Δm²31) over the region Δχ² < 15.
//
// ln L = −χ²/2 for both. Speed (one core): release, profiled ~0.6 ms; fixed ~0.25 ms; surface
// < 1 µs. The default is `release`, `profiled`: within the ~1 ms budget and the closest to the
// collaboration's own analysis.
//
// Validation (tests/test_minos.cpp): χ² = 99.3083 at the macro's best-fit point with its θ34 =
// 0.00835 (the official surface's minimum, 99.3083, is the cell holding that point); 99.9697 at the muB_oscillation table point (θ23 =
// 0.94444, Δm²32 = 2.5×10⁻³ eV², θ24 = 0.01, Δm²41 = 34.551 eV², θ34 = θ14 = 0; table 99.9697)
// and its whole θ23 row; the Feldman–Cousins 90 % CL at Δm²41 = 1 eV² at sin²θ24 = 0.0061
// (official contour 0.0061; with Δχ² = 4.61 instead: 0.0058, fixed nuisances 0.0056).
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "four_flavour_vacuum.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::minos {

inline constexpr std::size_t kFarCC = 44, kNearCC = 47, kFarNC = 27, kNearNC = 27;
inline constexpr std::size_t kBinsCC = kFarCC + kNearCC, kBinsNC = kFarNC + kNearNC;

/// The Δm²32 prior of the release: ((|Δm²32| − kDm232Centre) / kDm232Width)² is added to χ².
inline constexpr double kDm232Centre = 2.5e-3, kDm232Width = 5e-4;

/// The parameters the 3+1 model does not set: the release macro's best-fit point.
struct ThreeFlavour {
  double theta12 = 0.5540758073;
  double theta13 = 0.149116;
  double theta23 = 9.28598228704929918e-01;
  double dm2_21 = 7.54e-5;                   ///< [eV²]
  double dm2_32 = 2.43005123913581740e-03;   ///< [eV²]
};

enum class Method { release, surface };
/// "release" or "surface"; std::invalid_argument otherwise.
Method parse_method(const std::string& text);
std::string method_text(Method method);

/// The release's nuisance parameters θ23 and Δm²32: fixed at ThreeFlavour's values, or
/// profiled (χ² minimised over them, starting there).
enum class Nuisance { fixed, profiled };
/// "fixed" or "profiled"; std::invalid_argument otherwise.
Nuisance parse_nuisance(const std::string& text);
std::string nuisance_text(Nuisance nuisance);

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding numu/minos/
  Method method = Method::release;
  Nuisance nuisance = Nuisance::profiled;
  int profile_steps = 1; ///< Gauss–Newton steps of the profile
  ThreeFlavour three_flavour{};
};

/// The macro's half-distance s of its two L/E sample points x̄ ± s in a bin of width `width`
/// [km/GeV]: s = arccos(sin a / a) width / (2a), a = kPhase Δm²43 width, so that the two points
/// average sin²(kPhase Δm²43 x) over the bin exactly; width / (2√3) at a = 0.
double two_point_offset(double dm2_43, double width);

/// Reads [data] minos_method (release), minos_theta23 and minos_dm2_32 (the macro's best fit);
/// throws OptionError naming the key.
Options options_from(const ModelOptions& data);

/// The χ² of the release recomputed from its templates (method `release`).
class Release {
public:
  explicit Release(const Options& options);
  ~Release();
  Release(Release&&) noexcept;

  struct Chi2 {
    double cc = 0, nc = 0, penalty = 0;
    double total() const { return cc + nc + penalty; }
  };

  /// χ² at a 3+1 point with the options' three-flavour parameters, fixed or profiled as the
  /// options say (unphysical points: +inf).
  double chi2(const sterile3p1::Params& p) const;
  Chi2 chi2_parts(const sterile3p1::Params& p) const;
  /// χ² at any four-flavour point (angles, and Δm²21, Δm²32 = Δm²31 − Δm²21, Δm²41).
  Chi2 chi2_parts(const four_flavour::Angles& angles,
                  const four_flavour::Splittings& splittings) const;
  /// χ² minimised over θ23 and Δm²32 from `start` (its θ23, the splittings' Δm²32) by up to
  /// `steps` Gauss–Newton steps (analytic derivatives of the prediction; the Hessian without the
  /// covariance's second derivatives), each inside a trust region of 0.1 rad × 3×10⁻⁴ eV² and
  /// kept only if it lowers χ².
  struct Profile {
    Chi2 chi2;
    double theta23 = 0, dm2_32 = 0; ///< where the minimum was found
    int steps = 0;                  ///< the steps kept
  };
  Profile profile(const four_flavour::Angles& start, const four_flavour::Splittings& splittings,
                  int steps) const;
  /// The predicted two-detector spectra, MINOS + MINOS+: cc[91] = [far 44, near 47],
  /// nc[54] = [far 27, near 27].
  void predict(const four_flavour::Angles& angles, const four_flavour::Splittings& splittings,
               std::span<double> cc, std::span<double> nc) const;

  /// The prediction with its derivatives along θ23 [per rad] and Δm²32 [per eV²], each 145
  /// entries: the 91 CC then the 54 NC bins.
  void predict_with_derivatives(const four_flavour::Angles& angles,
                                const four_flavour::Splittings& splittings, std::span<double> p,
                                std::span<double> d_theta23, std::span<double> d_dm2_32) const;

  /// The observed two-detector spectra, MINOS + MINOS+ (same layout).
  std::span<const double> data_cc() const;
  std::span<const double> data_nc() const;
  /// The four-flavour point the 3+1 parameters map to (throws std::invalid_argument if
  /// unphysical).
  four_flavour::Angles angles(const sterile3p1::Params& p) const;
  four_flavour::Splittings splittings(const sterile3p1::Params& p) const;

  const Options& options() const { return options_; }
  std::string fingerprint() const;

private:
  struct Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

/// The official χ² surface (method `surface`).
class Surface {
public:
  explicit Surface(const Options& options);
  double chi2(const sterile3p1::Params& p) const;
  /// The interpolated surface at θ24 [rad], Δm²41 [eV²].
  double chi2_at(double theta24, double dm2_41) const;
  /// The cell-centre grid: θ24 (50, increasing), Δm²41 (100, increasing), and χ²[iθ + 50 iΔm].
  std::span<const double> theta24() const { return theta_; }
  std::span<const double> dm2_41() const { return dm2_; }
  std::span<const double> values() const { return chi2_; }
  double minimum() const;
  std::string fingerprint() const;

private:
  Options options_;
  std::vector<double> theta_, dm2_, log_theta_, log_dm2_, chi2_;
  std::uint64_t hash_ = 0;
};

/// The Feldman–Cousins critical Δχ² for 90 % CL of the release (dm241vsth24_UpValuesFC90CL),
/// interpolated like the surface; for tests and plots.
class FeldmanCousins90 {
public:
  explicit FeldmanCousins90(const std::filesystem::path& inputs);
  double critical(double theta24, double dm2_41) const;

private:
  std::vector<double> log_theta_, log_dm2_, values_;
};

} // namespace nubayes::minos

namespace nubayes {

/// The `minos` experiment: ln L = −χ²/2 of the chosen method.
std::unique_ptr<Experiment> make_minos_experiment(const ModelOptions& data);

} // namespace nubayes
