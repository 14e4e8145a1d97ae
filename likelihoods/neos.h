#pragma once
// NEOS (PRL 118 (2017) 121802, arXiv:1610.05134): the prompt spectrum measured 23.7 m from the
// Hanbit-5 core divided by the prediction made from the Daya Bay near-hall spectrum, 60 bins of
// 0.1 MeV from 1 to 7 MeV prompt energy; the 3+1 experiment `neos`. Inputs and provenance:
// inputs/reactor/neos/MANIFEST.md. The shared reactor machinery is in danss.h.
//
// Model: the prediction carries whatever oscillation happened on the way to Daya Bay, folded with
// the NEOS response, so per prompt bin b
//   R_b = k ⟨P_ee⟩_NEOS,b / ⟨P_ee⟩_DayaBay,b,
// both averages taken over the same true-energy distribution of the bin (reactor spectrum × IBD
// cross section × NEOS resolution integrated over the bin), the NEOS one also over the core and
// detector volumes, the Daya Bay one over the twelve hall–core baselines of the two near halls.
// For Δm² ≳ 1 eV² the Daya Bay factor is 1 − sin²2θ/2 in every bin and cancels in k.
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "model_options.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "reactor.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::neos {

inline constexpr std::size_t kBins = 60;

/// Geometry [PRL 118 (2017) 121802]: detector centre 23.7 m from the core centre (taken level
/// with it); the Hanbit-5 core a cylinder 3.1 m across and 3.8 m high (vertical axis); the target
/// a cylinder 1.03 m across and 1.21 m long; fission fractions 0.655 / 0.072 / 0.235 / 0.038.
inline constexpr double kBaseline = 23.7;                            ///< [m]
inline constexpr double kCoreRadius = 1.55, kCoreHeight = 3.8;       ///< [m]
inline constexpr double kTargetRadius = 0.515, kTargetLength = 1.21; ///< [m]
inline constexpr reactor::FissionFractions kFissionFractions{0.655, 0.072, 0.235, 0.038};

/// Daya Bay near halls (arXiv:1610.04802, hall-averaged distances [m]) to the cores D1, D2, L1, L2,
/// L3, L4, all of the same power; each hall has two detectors, so each baseline weighs 1/L².
inline constexpr std::array<std::array<double, 6>, 2> kDayaBayBaselines{{
    {360.167, 370.089, 903.41, 817.03, 1353.93, 1265.61},   // EH1
    {1334.96, 1360.52, 470.278, 492.473, 558.145, 500.141}, // EH2
}};

enum class DayaBay {
  oscillating, ///< ⟨P_ee⟩ at the twelve near-hall baselines (default)
  averaged,    ///< the large-Δm² limit 1 − sin²2θ/2 at every Δm² (cancels in a free k)
};

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding reactor/neos/
  reactor::Normalisation normalisation{};      ///< free by default
  /// σ_E = a √(E/MeV) + c in prompt energy: a = 0.05 MeV (NEOS: 5 % at 1 MeV), c = 0.12 MeV
  /// (the constant term of the Berryman–Huber global fit, arXiv:2005.01756, standing for the
  /// non-Gaussian tails of the NEOS response).
  double resolution_stochastic = 0.05, resolution_constant = 0.12;
  DayaBay dayabay = DayaBay::oscillating;
};

/// Reads the [data] keys neos_normalisation (default free), neos_resolution_stochastic (0.05),
/// neos_resolution_constant (0.12) and neos_dayabay (oscillating); throws OptionError naming the
/// key.
Options options_from(const ModelOptions& data);

/// ⟨sin²(κ y)⟩ per bin with y = 1/E_ν [1/MeV], tabulated on a uniform κ grid per bin (values and
/// derivatives from the exact hat-basis average) and read back by cubic Hermite interpolation
/// (relative error ~1e-7 of the oscillating part). Beyond a bin's table the average is ½ to 1e-9
/// (to residual() for bins reaching the IBD threshold, whose averages settle slowly).
/// It serves the twelve Daya Bay baselines at once: κ = k L.
class InverseEnergyTable {
public:
  InverseEnergyTable(const reactor::BinnedSpectrum& spectrum, double step);
  std::size_t bins() const { return tables_.size(); }
  /// ⟨sin²(κ y)⟩ of bin b.
  double mean_sin2(std::size_t b, double kappa) const;
  /// The same, exact (from the hat-basis masses); slow, for tests.
  double mean_sin2_exact(std::size_t b, double kappa) const;
  /// The largest κ at which any bin still differs from ½.
  double kappa_max() const { return kappa_max_; }
  /// Largest |⟨sin²⟩ − ½| over the last tabulated period of bins cut at the grid's Nyquist
  /// wavenumber (0 if all settled): the error of taking ½ beyond the table.
  double residual() const { return residual_; }

private:
  struct Band {
    double u0 = 0;              ///< y of the first node
    std::vector<double> masses; ///< hat masses, unit sum
  };
  struct Tabulated {
    double step = 0;
    std::vector<double> value, slope;
  };
  /// Value and derivative in κ of ⟨sin²(κ y)⟩ from the band.
  std::pair<double, double> exact(const Band& band, double kappa) const;

  double h_;
  std::vector<Band> bands_;
  std::vector<Tabulated> tables_;
  double kappa_max_ = 0;
  double residual_ = 0;
};

/// The NEOS/Daya Bay ratio and its χ².
class Ratio {
public:
  explicit Ratio(const Options& options);

  /// ⟨P_ee⟩_NEOS / ⟨P_ee⟩_DayaBay per bin.
  void predict(const sterile3p1::Params& p, std::span<double> ratio) const;
  /// χ² against the data at the options' normalisation (the fitted k to *norm when given).
  double chi2(const sterile3p1::Params& p, double* norm = nullptr) const;

  std::span<const double> data() const { return chi2_.data(); }
  const Options& options() const { return options_; }
  /// ⟨sin²(k L/E)⟩ at Daya Bay per bin, flux-weighted over the twelve baselines.
  void dayabay_mean_sin2(double k, std::span<double> out) const;
  const InverseEnergyTable& dayabay_table() const { return dayabay_; }
  /// Options and a hash of every number read; a resume must match it.
  std::string fingerprint() const;

private:
  struct Inputs; ///< the numbers read from inputs/reactor/neos/
  Ratio(const Options& options, Inputs&& inputs);
  Ratio(const Options& options, Inputs&& inputs, const reactor::BinnedSpectrum& spectrum);

  Options options_;
  reactor::RatioChi2 chi2_;
  reactor::OscillationAverage average_; ///< rows: the 60 bins at NEOS, over L/E
  InverseEnergyTable dayabay_;          ///< the 60 bins over 1/E, for the Daya Bay baselines
  std::array<double, 12> dayabay_length_{}, dayabay_weight_{};
  std::uint64_t data_hash_ = reactor::kHashSeed;
  mutable std::vector<double> neos_sin2_, dayabay_sin2_, ratio_;
};

} // namespace nubayes::neos

namespace nubayes {

/// The `neos` experiment: ln L = −χ²/2.
std::unique_ptr<Experiment> make_neos_experiment(const ModelOptions& data);

} // namespace nubayes
