#pragma once
// A problem as the sampler sees it: a prior over the unit cube and a log-likelihood.
#include "likelihood.h"
#include "prior.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes {

/// A point of the parameter space with everything the run file records about it.
struct Point {
  std::vector<double> u;       ///< unit-cube coordinates (sampled parameters)
  std::vector<double> theta;   ///< all physical parameters, [prior] order
  std::vector<double> terms;   ///< ln L per term
  std::vector<double> derived; ///< derived quantities
  double logl = -std::numeric_limits<double>::infinity();
  double logprior = 0;
  double logl_birth = -std::numeric_limits<double>::infinity();
  std::int64_t insertion_rank = -1;
};

/// Thrown when a likelihood misbehaves (NaN); the message names the point.
class LikelihoodError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Problem {
public:
  Problem(const PriorSpace& prior, const LogLikelihood& likelihood, std::string name)
      : prior_(prior), likelihood_(likelihood), name_(std::move(name)),
        term_names_(likelihood.term_names()), derived_names_(likelihood.derived_names()) {}

  std::size_t ndim() const { return prior_.nsampled(); }
  std::size_t nparams() const { return prior_.nparams(); }
  std::size_t nterms() const { return term_names_.size(); }
  std::size_t nderived() const { return derived_names_.size(); }
  const PriorSpace& prior() const { return prior_; }
  const LogLikelihood& likelihood() const { return likelihood_; }
  const std::vector<std::string>& term_names() const { return term_names_; }
  const std::vector<std::string>& derived_names() const { return derived_names_; }
  const std::string& name() const { return name_; }

  /// Evaluates the point at cube coordinates u (copied into p.u). Throws LikelihoodError on NaN.
  void evaluate(std::span<const double> u, Point& p) const;

private:
  const PriorSpace& prior_;
  const LogLikelihood& likelihood_;
  std::string name_;
  std::vector<std::string> term_names_;
  std::vector<std::string> derived_names_;
};

} // namespace nubayes
