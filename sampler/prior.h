#pragma once
// Priors: each parameter maps a coordinate of the unit hypercube to its physical value. Fixed
// parameters take no cube coordinate, so the sampler works in nsampled() dimensions while the
// likelihood always sees every parameter in [prior] order.
#include <span>
#include <string>
#include <vector>

namespace nubayes {

enum class PriorKind { uniform, log_uniform, gaussian, fixed };

struct PriorSpec {
  std::string name;
  PriorKind kind = PriorKind::uniform;
  double a = 0; ///< lower bound, mean, or the fixed value
  double b = 1; ///< upper bound or standard deviation (unused when fixed)

  /// Parses "uniform LO HI | log-uniform LO HI | gaussian MU SIGMA | fixed VALUE".
  /// Throws std::invalid_argument with a message naming what is wrong (not the file: the
  /// caller adds file, section and key).
  static PriorSpec parse(const std::string& name, const std::string& text);
  /// Canonical text, parseable by parse().
  std::string text() const;
};

class PriorSpace {
public:
  explicit PriorSpace(std::vector<PriorSpec> specs);

  std::size_t nparams() const { return specs_.size(); }
  std::size_t nsampled() const { return sampled_.size(); }
  const std::vector<PriorSpec>& specs() const { return specs_; }
  std::vector<std::string> names() const;
  /// Indices (into specs) of the parameters that take a cube coordinate.
  const std::vector<std::size_t>& sampled_indices() const { return sampled_; }

  /// Maps cube coordinates u (nsampled) to physical parameters theta (nparams).
  void to_physical(std::span<const double> u, std::span<double> theta) const;
  /// The inverse of to_physical: cube coordinates (nsampled) of physical parameters theta
  /// (nparams). Values outside the prior's support map outside [0, 1] (or to 0 / 1 for gaussian).
  std::vector<double> to_unit(std::span<const double> theta) const;
  /// ln of the prior density of the sampled parameters at theta (fixed ones contribute nothing).
  double log_density(std::span<const double> theta) const;
  /// Text of all prior lines, used to refuse resuming with other priors.
  std::string fingerprint() const;

private:
  std::vector<PriorSpec> specs_;
  std::vector<std::size_t> sampled_;
};

} // namespace nubayes
