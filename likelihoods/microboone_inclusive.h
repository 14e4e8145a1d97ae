#pragma once
// MicroBooNE's Wire-Cell inclusive νe search (PRD 105 (2022) 112005, arXiv:2110.13978), with the
// official release's recipe; the experiment `microboone-inclusive`. Inputs and provenance:
// inputs/microboone/inclusive_WireCell_2110.13978/MANIFEST.md; recipe and validation:
// docs/microboone.md.
//
// The joint fit of all 7 channels (νeCC FC/PC, νμCC FC/PC, CCπ⁰ FC/PC, NCπ⁰; 137 bins, overflow
// bins included) at eLEE strength x:
//   μ(x) = (signal + background) + x · LEE(x=1)   (the LEE template is in the two νe channels)
//   χ²(x) = (n − μ)ᵀ [C_sys(x) + diag σ²_stat(n, μ)]⁻¹ (n − μ)
// * C_sys(x): the release gives the absolute covariance at x = 0, 0.1, …, 2.0. Every element is
//   a quadratic in x to the release's rounding (the LEE enters the prediction linearly, so its
//   systematics enter quadratically), so C_sys(x) = C₀ + x C₁ + x² C₂, fitted by least squares
//   to all 21 matrices; this interpolates between the released strengths.
// * σ²_stat: the Combined Neyman–Pearson variance (arXiv:1903.07185) σ² = 3 / (1/n + 2/μ), and
//   μ/2 where n = 0 (there the CNP's Poisson-likelihood limit, χ² = 2μ); Pearson σ² = μ on request.
// ln L = −½ (χ² + ln det M + N ln 2π), M the full covariance at the point (as for MiniBooNE, since
// M depends on the prediction).
//
// The νμ-constrained νe prediction (the paper's 69.6 / 103.8 events): Gaussian conditioning of
// the 26 νeCC FC bins X on the other 111 bins Y,
//   μ_X' = μ_X + Σ_XY (Σ_YY + S_Y)⁻¹ (n_Y − μ_Y),  Σ_X' = Σ_XX − Σ_XY (Σ_YY + S_Y)⁻¹ Σ_YX,
// S_Y the Pearson statistical term on all 111 bins (the release's example script).
//
// Model dependence: a model's neutrino sector enters through its oscillated spectra
// (microboone_oscillation.h, chi2_at_prediction), the lee-template model's electron-like excess
// as x (the release's eLEE template); the dark models' pairs are not modelled yet. The experiment
// is in no data-set group (docs/microboone.md).
//
// Not thread-safe: evaluations reuse mutable scratch storage (one object per thread/rank).
#include "experiment.h"
#include "model_options.h"
#include "table_reader.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace nubayes::microboone {

inline constexpr std::size_t kBins = 137;    ///< the 7 channels together
inline constexpr std::size_t kNueFcBins = 26; ///< νeCC FC, the first block (last bin: overflow)
inline constexpr std::size_t kStrengths = 21; ///< covariances at x = 0, 0.1, …, 2.0
inline constexpr double kStrengthStep = 0.1;
inline constexpr double kMaxStrength = 2.0; ///< largest x the release covers

struct Channel {
  const char* name; ///< the file stem
  std::size_t bins;
  bool lee; ///< has a signal+background+LEE(x=1) column
};
/// The release's block order.
inline constexpr std::array<Channel, 7> kChannels = {{{"nueCC_FC", 26, true},
                                                      {"nueCC_PC", 26, true},
                                                      {"numuCC_FC", 26, false},
                                                      {"numuCC_PC", 26, false},
                                                      {"numuCCpi0_FC", 11, false},
                                                      {"numuCCpi0_PC", 11, false},
                                                      {"NCpi0", 11, false}}};

enum class Statistic { cnp, pearson };

/// The data-statistics variance of one bin with `measured` events and prediction `predicted`.
double stat_variance(double measured, double predicted, Statistic statistic);

/// The release as read: observed counts, predictions and covariances (events, events²).
struct Release {
  Eigen::VectorXd data;       ///< 137 observed
  Eigen::VectorXd prediction; ///< 137 signal + background (x = 0)
  Eigen::VectorXd background; ///< 137 background alone
  Eigen::VectorXd lee;        ///< 137 LEE(x = 1) alone: zero outside the νe channels
  std::array<Eigen::MatrixXd, kStrengths> covariance; ///< systematic, at x = k · 0.1
  /// νeCC FC constrained by the other channels under x = 0, as the release gives it.
  Eigen::VectorXd constrained_data, constrained_prediction, constrained_lee;
  Eigen::MatrixXd constrained_covariance; ///< 26 × 26
};

/// Reads inputs/microboone/inclusive_WireCell_2110.13978 below `inputs`, with shape checks
/// (bins, columns, edges of each channel, counts ≥ 0, LEE ≥ 0, symmetric covariances, data equal in
/// the constrained and unconstrained tables). Errors name the file.
Release read_release(const std::filesystem::path& inputs);

/// A prediction of the 26 νeCC FC bins with its systematic covariance.
struct NueFcPrediction {
  Eigen::VectorXd prediction;
  Eigen::MatrixXd covariance;
};

/// χ² of νeCC FC over its first 25 bins (no overflow), the release's goodness-of-fit test.
double nue_fc_gof(const Eigen::VectorXd& data, const NueFcPrediction& p, Statistic statistic);

class Inclusive {
public:
  explicit Inclusive(const std::filesystem::path& inputs = inputs_dir());

  /// Joint 137-bin χ² at eLEE strength x ∈ [0, 2] (throws std::invalid_argument outside); CNP
  /// statistics by default. +inf if the covariance is not positive definite.
  double chi2_at_lee_strength(double x, Statistic statistic = Statistic::cnp) const;
  /// The same for another 137-bin prediction without LEE (a model's oscillated spectrum, say):
  /// μ = prediction + x·LEE, and the systematic covariance C_sys(x) scaled bin by bin to it,
  /// C_ij · s_i s_j with s = μ / μ_release(x) (the release's fractional covariance; s = 1 where
  /// μ_release is 0). The release's prediction gives chi2_at_lee_strength(x) bit for bit.
  double chi2_at_prediction(const Eigen::VectorXd& prediction, double x,
                            Statistic statistic = Statistic::cnp) const;
  /// ln det of the full covariance of the last χ² call.
  double log_det() const;
  /// C_sys(x) = C₀ + x C₁ + x² C₂.
  Eigen::MatrixXd covariance(double x) const;

  /// The νeCC FC prediction at x constrained by the other 111 bins (conditioning with the
  /// Pearson term on them, as the release's example script).
  NueFcPrediction constrained_nue_fc(double x) const;
  /// The unconstrained νeCC FC prediction at x.
  NueFcPrediction unconstrained_nue_fc(double x) const;

  const Release& release() const { return release_; }
  /// Replaces the observed counts (137, each >= 0): pseudo-experiments for frequentist checks
  /// (bench/microboone_fc). Throws std::invalid_argument on a wrong size or a negative count.
  void replace_data(const Eigen::VectorXd& counts);
  std::string fingerprint() const;

private:
  Release release_;
  std::array<Eigen::MatrixXd, 3> coefficients_; ///< C₀, C₁, C₂
  mutable Eigen::MatrixXd full_;                ///< scratch: C_sys(x) + statistics
  mutable Eigen::VectorXd residual_, scale_;
  mutable Eigen::LLT<Eigen::MatrixXd> llt_;
};

} // namespace nubayes::microboone

namespace nubayes {

/// The `microboone-inclusive` experiment (no [data] options yet).
std::unique_ptr<Experiment> make_microboone_inclusive_experiment(const ModelOptions& data);

} // namespace nubayes
