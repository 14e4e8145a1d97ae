#pragma once
// Far/near spectral ratios of the km-baseline and Bugey-3 reactor experiments (Daya Bay, Double
// Chooz, RENO, Bugey-3): the data are ratios of the prompt (or positron) spectra seen by two
// detectors of the same reactors, so the reactor flux model cancels; each ratio gets a free
// normalisation (detector masses, efficiencies, livetimes and the 1/L² of the sites), and the
// 3+1 likelihood sees the spectral distortion only. The experiments' constants live in
// dayabay.cpp, doublechooz.cpp, reno.cpp and bugey3.cpp.
//
// Model: per site s and bin b the flux-weighted survival probability averaged over the bin's
// true-energy distribution (reactor spectrum × IBD cross section × Gaussian resolution) and the
// site's baselines, with the standard three-flavour terms (θ13, θ12; their averages fixed at
// construction) and the sterile one (the only one evaluated per point):
//   ⟨P⟩ = 1 − c14⁴ [sin²2θ13 ⟨sin²Δee⟩ + c13⁴ sin²2θ12 ⟨sin²Δ21⟩] − sin²2θ14 ⟨sin²Δ41⟩,
// c14² = 1 − |Ue4|² (the 3+1 P_ee to zeroth order in Δm²31/Δm²41), and ratio = k ⟨P⟩_far/⟨P⟩_near.
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
#include <utility>
#include <vector>

namespace nubayes::far_near {

/// The standard oscillation parameters (held fixed): PDG 2022 / Daya Bay 2018 values.
struct ThreeFlavour {
  double sin2_2theta13 = 0.0856; ///< Daya Bay, PRL 121 (2018) 241805
  double dm2_ee = 2.52e-3;       ///< Δm²ee [eV²], same source
  double sin2_2theta12 = 0.851;  ///< sin²θ12 = 0.307 (PDG)
  double dm2_21 = 7.53e-5;       ///< [eV²] (PDG)
};

/// A detector site: its baselines to the reactor cores, each with its share of the flux (the
/// shares are normalised when the experiment is built).
struct Site {
  std::string name;
  std::vector<reactor::Baseline> baselines;
};

/// What defines one experiment (the constants of dayabay.cpp etc.).
struct Setup {
  std::string name;                        ///< experiment name and [data] key prefix
  std::string label;                       ///< fingerprint label, e.g. "dayabay-1230d"
  std::string ratio_file, covariance_file; ///< under the inputs directory
  std::size_t bins = 0, ratios = 1;        ///< rows of the table, ratios per row
  std::vector<Site> sites;
  std::vector<std::pair<std::size_t, std::size_t>> ratio_sites; ///< (far, near) per ratio
  double offset = reactor::kPromptOffset;                       ///< E_ν − visible energy [MeV]
  reactor::Resolution sigma; ///< σ [MeV] against the visible energy
  reactor::FissionFractions fractions;
  double e_max = 14;          ///< top of the E_ν grid [MeV]
  double inverse_step = 2e-4; ///< E_ν quadrature in 1/E_ν [1/MeV], at most grid_step / (2 L_max)
  double grid_step = 0.1; ///< L/E grid [m/MeV]; its Nyquist Δm² must be where the sites average
};

/// A point baseline with its 1/L² flux share times `power`.
reactor::Baseline point(double length, double power = 1);
/// A baseline spread uniformly over [length − half_width, length + half_width] (an extended core),
/// `n` points, each with its 1/L² share.
std::vector<reactor::Baseline> spread(double length, double half_width, int n);

struct Options {
  std::filesystem::path inputs = inputs_dir();
  /// Empty: a free normalisation per ratio (default); else one fixed value per ratio.
  std::vector<double> fixed_norms;
  ThreeFlavour three;
};

/// Reads the [data] keys <name>_normalisation ("free" or one positive number per ratio, comma-
/// separated) and <name>_sin2_2theta13 (0.0856); throws OptionError naming the key.
Options options_from(const ModelOptions& data, const Setup& setup);

/// The L/E average with a row per (site, bin) for bins [lower, upper) in the setup's visible
/// energy, with its resolution, fission fractions and grids.
reactor::OscillationAverage average_for(const Setup& setup, std::span<const double> lower,
                                        std::span<const double> upper);
/// Per row: sin²2θ13 ⟨sin²Δee⟩ + cos⁴θ13 sin²2θ12 ⟨sin²Δ21⟩ (fixed; computed once).
std::vector<double> three_flavour_terms(const reactor::OscillationAverage& average,
                                        const ThreeFlavour& three);
/// Per row: the 3+1 ⟨P_ee⟩ (header formula); `sin2` is scratch of the same size.
void survival(const reactor::OscillationAverage& average, std::span<const double> three_flavour,
              const sterile3p1::Params& p, std::span<double> sin2, std::span<double> out);

struct Config {
  Setup setup;
  Options options;
};

/// The ratios and their χ².
class Ratios {
public:
  explicit Ratios(const Config& config);

  /// ⟨P⟩_far / ⟨P⟩_near per bin, ratio-major (ratio r bin b at r × bins + b).
  void predict(const sterile3p1::Params& p, std::span<double> ratios) const;
  /// χ² against the data, normalisations free (fitted, written to `norms` when not empty) or
  /// fixed per the options.
  double chi2(const sterile3p1::Params& p, std::span<double> norms = {}) const;

  std::span<const double> data() const { return chi2_.data(); }
  const Setup& setup() const { return setup_; }
  /// Flux-weighted mean baseline of a site [m].
  double mean_baseline(std::size_t site) const;
  /// Options and a hash of every number read; a resume must match it.
  std::string fingerprint() const;

private:
  struct Inputs;
  Ratios(const Config& config, Inputs&& inputs);

  Setup setup_;
  Options options_;
  reactor::RatioChi2 chi2_;
  reactor::OscillationAverage average_; ///< rows: site × bins + bin, over L/E
  std::vector<double> three_flavour_;   ///< per row: the θ13 and θ12 terms at |Ue4|² = 0
  std::vector<std::size_t> ends_;       ///< normalisation blocks
  std::uint64_t data_hash_ = reactor::kHashSeed;
  mutable std::vector<double> sin2_, survival_, ratio_;
};

} // namespace nubayes::far_near

namespace nubayes {

/// The far/near ratio experiments: ln L = −χ²/2.
std::unique_ptr<Experiment> make_dayabay_experiment(const ModelOptions& data);
std::unique_ptr<Experiment> make_doublechooz_experiment(const ModelOptions& data);
std::unique_ptr<Experiment> make_reno_experiment(const ModelOptions& data);
std::unique_ptr<Experiment> make_bugey3_experiment(const ModelOptions& data);

namespace far_near {
/// The constants of each experiment (defined in dayabay.cpp, doublechooz.cpp, reno.cpp,
/// bugey3.cpp), for tests.
Setup dayabay_setup();
Setup doublechooz_setup();
Setup reno_setup();
Setup bugey3_setup();
} // namespace far_near

} // namespace nubayes
