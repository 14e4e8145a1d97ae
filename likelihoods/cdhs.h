#pragma once
// CDHS νμ disappearance (Dydak et al., PLB 134 (1984) 281): the ratio of the νμ CC event rates
// in the back (885 m) and front (130 m) detectors in 15 bins of muon range, each corrected so that
// no oscillation gives 1; the 3+1 experiment `cdhs`. Inputs and provenance:
// inputs/numu/cdhs/MANIFEST.md (the ratios are transcribed from Kopp et al.'s nu-osc code).
//
// Prediction (the model of the transcription's header, our own implementation):
// * muon energy from range: the projected range [cm Fe] × 1/(cos 22° cos 20°) is the path in
//   iron; E_μ solves ∫_{E₀}^{E_μ} dE / S(E) = ρ_Fe × path, S the Bethe–Bloch stopping power of iron
//   with the Sternheimer density correction (PDG constants; I = 286 eV, Z/A = 26/55.845,
//   ρ = 7.874 g/cm³), E₀ = 108 MeV (total energy, ~2 MeV kinetic: the range below is negligible).
//   Radiative losses are left out (< 1 % of the loss below 6 GeV, the largest E_μ here).
// * events with a muon above threshold E_c from a νμ of energy E: ∝ φ(E) E [(1 − E_c/E) +
//   A (1 − (E_c/E)³)], the integral of dσ/dy ∝ E (1 + 3A (1 − y)²) over y < 1 − E_c/E, A =
//   0.0464133 (antiquark share); bin i takes the difference between its two edges (the last bin of
//   each set is open-ended). The flux is φ(E) = e^{−E/GeV} up to 30 GeV, the transcription's
//   placeholder spectrum (CDHS's wide-band PS beam peaks near 1 GeV).
// * baselines uniform over 0.885 ± 0.062 km (back) and 0.130 ± 0.037 km (front): the header's
//   lengths 0.124 and 0.074 km, the decay tunnel and detector depth together.
// * R_i = ⟨P_μμ⟩_back,i / ⟨P_μμ⟩_front,i, P_μμ = 1 − sin²2θμμ sin²(1.267 Δm²41 L/E) (3+1 short-
//   baseline limit; L/E < 2 km/GeV keeps Δm²31 phases below 0.006), averaged over energy and
//   baseline exactly in L/E with reactor::OscillationAverage (a 5×10⁻⁴ km/GeV grid: exact up to
//   Δm²41 ≈ 2500 eV², fully averaged beyond, where R = 1).
// * χ² = Σ_i (R_i^data − a R_i)² / σ_i² + (1 − a)² / σ_a², σ_a = 0.025, the normalisation a
//   profiled analytically (the transcription's recipe); ln L = −χ²/2.
//
// Validation (tests/test_cdhs.cpp): χ²(no oscillation) = 14.70 for 15 ratios (notes §9.4: 14.7/15);
// no sensitivity at Δm²41 → 0 or ≫ 100 eV² (both detectors unoscillated / averaged). Our 90 % CL
// (Δχ² = 2.71 in sin²2θμμ at fixed Δm²) is listed in the README; CDHS published its exclusion
// for 0.3 ≲ Δm² ≲ 90 eV² [R].
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "model_options.h"
#include "reactor.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::cdhs {

inline constexpr std::size_t kBins = 15;

/// Geometry and normalisation prior of the transcription's header.
inline constexpr double kBackBaseline = 0.885, kBackLength = 0.124;   ///< [km]
inline constexpr double kFrontBaseline = 0.130, kFrontLength = 0.074; ///< [km]
inline constexpr double kNormError = 0.025;
/// 1/(cos 22° cos 20°): projected range → path length.
inline constexpr double kRangeToPath = 1.1477527;

/// Bethe–Bloch stopping power of iron [MeV cm²/g] for a muon of total energy `energy` [GeV].
double muon_stopping_power_iron(double energy);
/// Muon energy [GeV, total] whose CSDA range in iron is `path_cm` [cm].
double muon_energy_from_range(double path_cm);
/// The CSDA range [g/cm²] of a muon of total energy `energy` [GeV] in iron.
double muon_range_in_iron(double energy);

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding numu/cdhs/
  double norm_error = kNormError;              ///< σ_a (0: normalisation fixed at 1)
};

/// Reads [data] cdhs_norm_error (default 0.025, in [0, 1]); throws OptionError naming the key.
Options options_from(const ModelOptions& data);

/// One transcribed ratio: data set (1 or 2), range bin [cm Fe, projected] (hi = +inf for the
/// open last bin), R and σ.
struct Ratio {
  int set = 0;
  double range_lo = 0, range_hi = 0, ratio = 0, sigma = 0;
};
/// Reads the 15 rows (5 columns; `inf` allowed as the upper edge of each set's last bin). Rows
/// of one set must be contiguous and increasing, R and σ > 0. Errors name the file and line.
std::vector<Ratio> read_ratios(const std::filesystem::path& path);

class BackFront {
public:
  explicit BackFront(const Options& options);

  /// Predicted R_i (no oscillation: all 1).
  void predict(const sterile3p1::Params& p, std::span<double> ratio) const;
  /// χ² with the normalisation profiled (its value to *norm when given).
  double chi2(const sterile3p1::Params& p, double* norm = nullptr) const;
  /// χ² of given predicted ratios.
  double chi2_of(std::span<const double> prediction, double* norm = nullptr) const;

  std::span<const Ratio> data() const { return ratios_; }
  /// Muon-energy edges of the bins [GeV] (lo, hi; hi = +inf for open bins).
  std::span<const double> energy_lo() const { return e_lo_; }
  std::span<const double> energy_hi() const { return e_hi_; }
  std::string fingerprint() const;

private:
  Options options_;
  std::vector<Ratio> ratios_;
  std::vector<double> e_lo_, e_hi_;
  reactor::OscillationAverage average_; ///< rows: 15 back bins, then 15 front bins
  std::uint64_t hash_ = reactor::kHashSeed;
  mutable std::vector<double> sin2_, ratio_;

  static reactor::OscillationAverage build(const std::vector<double>& lo,
                                           const std::vector<double>& hi);
};

} // namespace nubayes::cdhs

namespace nubayes {

/// The `cdhs` experiment: ln L = −χ²/2.
std::unique_ptr<Experiment> make_cdhs_experiment(const ModelOptions& data);

} // namespace nubayes
