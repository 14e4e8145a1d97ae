#pragma once
// DANSS 2018 (PLB 787 (2018) 56, arXiv:1804.04046): the ratio of the IBD positron spectra measured
// with the detector at its bottom (12.7 m) and top (10.7 m) positions under the Kalinin-4 reactor,
// 24 bins of positron kinetic energy 1–7 MeV; the 3+1 experiment `danss`. Inputs and provenance:
// inputs/reactor/danss/MANIFEST.md.
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

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::danss {

inline constexpr std::size_t kBins = 24;

/// Geometry: detector centre 10.7 m (top) and 12.7 m (bottom) below the centre of the core
/// [PLB 787 (2018) 56], taken on the core's axis; the VVER-1000 core a cylinder 3.7 m high and
/// 3.2 m across with a uniform fission density (as recalled from the DANSS papers, not re-checked;
/// Kopp et al.'s DANSS code uses 3.5 m, which moves the best-fit χ² by +0.1); the sensitive volume
/// a 1 m cube. Fission fractions U235 0.56, U238 0.07, Pu239 0.31, Pu241 0.06 (GLoBESfit's DANSSF,
/// Kopeikin's VVER-1000 estimate).
inline constexpr double kTopBaseline = 10.7, kBottomBaseline = 12.7; ///< [m]
inline constexpr double kCoreHeight = 3.7, kCoreRadius = 1.6;        ///< [m]
inline constexpr double kDetectorSide = 1.0;                         ///< [m]
inline constexpr reactor::FissionFractions kFissionFractions{0.56, 0.07, 0.31, 0.06};

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding reactor/danss/
  reactor::Normalisation normalisation{};      ///< free by default
  double resolution_scale = 1; ///< multiplies σ_E of the resolution table (0: perfect resolution)
};

/// Reads the [data] keys danss_normalisation (default free) and danss_resolution_scale (default 1);
/// throws OptionError naming the key.
Options options_from(const ModelOptions& data);

/// The bottom/top ratio and its χ².
class Ratio {
public:
  explicit Ratio(const Options& options);

  /// ⟨P_ee⟩_bottom / ⟨P_ee⟩_top per bin, P_ee averaged over resolution, bin, core and detector.
  void predict(const sterile3p1::Params& p, std::span<double> ratio) const;
  /// χ² against the data at the options' normalisation (the fitted k to *norm when given).
  double chi2(const sterile3p1::Params& p, double* norm = nullptr) const;

  std::span<const double> data() const { return chi2_.data(); }
  const Options& options() const { return options_; }
  /// Options and a hash of every number read; a resume must match it.
  std::string fingerprint() const;

private:
  struct Inputs; ///< the numbers read from inputs/reactor/danss/
  Ratio(const Options& options, Inputs&& inputs);
  static reactor::OscillationAverage build_average(const Options& options, const Inputs& inputs);

  Options options_;
  reactor::RatioChi2 chi2_;
  reactor::OscillationAverage average_; ///< rows: 24 top bins, then 24 bottom bins
  std::uint64_t data_hash_ = reactor::kHashSeed;
  mutable std::vector<double> sin2_, ratio_;
};

} // namespace nubayes::danss

namespace nubayes {

/// The `danss` experiment: ln L = −χ²/2.
std::unique_ptr<Experiment> make_danss_experiment(const ModelOptions& data);

} // namespace nubayes
