#pragma once
// Daya Bay 1230-day per-hall prompt spectra (arXiv:1610.04802 data release, 35 bins 0.7–12 MeV):
// the `dayabay_method = spectra` variant of the `dayabay` experiment. Reactor-flux-free like the
// PROSPECT statistic: the three halls' background-subtracted spectra S_he are compared bin by bin
// relative to their sum,
//   χ² = Σ_he Δ_he² / N_obs,he,  Δ_he = S_he − S_e P_he / P_e,  S_e = Σ_h S_he, P_e = Σ_h P_he,
// so any reactor spectrum (shape and normalisation) cancels, and only how each bin is shared
// between the near and far halls is tested. P_he = (release's no-oscillation prediction −
// background) × ⟨P_ee⟩_he, the 3+1 survival probability averaged as in far_near.h over each hall's
// 12 or 24 detector–core baselines. Statistical errors only (N_obs, background included): the
// release gives the background components but not their uncertainties.
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "far_near.h"
#include "model_options.h"
#include "reactor.h"
#include "sterile3p1.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nubayes::dayabay_spectra {

inline constexpr std::size_t kHalls = 3, kBins = 35;

struct Options {
  std::filesystem::path inputs = inputs_dir();
  far_near::ThreeFlavour three;
};

class Relative {
public:
  explicit Relative(const Options& options);

  /// P_he (hall-major) at p, background-free.
  void predict(const sterile3p1::Params& p, std::span<double> events) const;
  double chi2(const sterile3p1::Params& p) const;

  /// S_he = N_obs − N_bkg.
  std::span<const double> signal() const { return signal_; }
  /// The release's prediction at its 3ν best fit and without oscillation, background subtracted.
  std::span<const double> release_best_fit() const { return best_fit_; }
  std::span<const double> release_null() const { return null_; }
  std::string fingerprint() const;

private:
  Options options_;
  std::vector<double> lower_, upper_, observed_, signal_, best_fit_, null_;
  std::uint64_t data_hash_ = reactor::kHashSeed;
  reactor::OscillationAverage average_; ///< rows: hall × 35 + bin
  std::vector<double> three_flavour_;
  mutable std::vector<double> sin2_, survival_;
};

} // namespace nubayes::dayabay_spectra
