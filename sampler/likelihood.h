#pragma once
// The one thing the sampler knows about a problem: a log-likelihood over named physical
// parameters. Physics, data files and plugins all hide behind this interface.
#include <span>
#include <string>
#include <vector>

namespace nubayes {

/// A predicted distribution beside the data it is compared with (a spectrum, an angular
/// distribution), for posterior-predictive plots (`nubayes predict`). Counts per bin.
struct Observable {
  std::string name;                 ///< e.g. "miniboone-combined-2018 nu"
  std::string axis;                 ///< x-axis label with units, e.g. "E_nu^QE [MeV]"
  std::vector<double> edges;        ///< bins + 1 bin edges
  std::vector<double> data;         ///< observed counts
  std::vector<double> background;   ///< expected without the model's signal
  std::vector<double> prediction;   ///< the model's signal (expected = background + prediction)
};

class LogLikelihood {
public:
  virtual ~LogLikelihood() = default;

  /// Names of the terms whose sum is ln L (one per experiment; at least one).
  virtual std::vector<std::string> term_names() const = 0;

  /// Names of derived quantities filled by every evaluation (may be empty).
  virtual std::vector<std::string> derived_names() const { return {}; }

  /// ln L at theta (all parameters in [prior] order, physical units). `terms` receives one value
  /// per term_names() entry and `derived` one per derived_names() entry. May return -infinity;
  /// must never return NaN (the sampler stops with an error naming the point if it does).
  virtual double evaluate(std::span<const double> theta, std::span<double> terms,
                          std::span<double> derived) const = 0;

  /// χ² of each term at the last evaluate() call, for likelihoods that define one (Gaussian
  /// data); empty otherwise. `nubayes eval` reports it beside ln L.
  virtual std::vector<double> last_chi2() const { return {}; }

  /// The observables at theta (none by default).
  virtual std::vector<Observable> observables(std::span<const double> /*theta*/) const { return {}; }

  /// Text identifying the data and options behind this likelihood; resume refuses a mismatch.
  virtual std::string fingerprint() const = 0;
};

} // namespace nubayes
