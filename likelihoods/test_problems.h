#pragma once
// Built-in test problems with known evidences: the suite the established samplers are
// benchmarked on. Each takes sleep_ms (the call sleeps: MPI scaling runs oversubscribed) and
// burn_ms (the call computes, like an expensive physics likelihood).
#include "likelihood.h"
#include "model_options.h"
#include "prior.h"

#include <Eigen/Dense>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nubayes {

struct TestProblemSetup {
  std::unique_ptr<LogLikelihood> likelihood;
  std::vector<PriorSpec> priors;     ///< the parameters and the problem's own prior
  std::optional<double> analytic_logz; ///< for that prior
  std::string description;
};

/// corr-gauss's covariance R diag(lambda) R^T: lambda log-spaced from 1e-2 to 1e-2/condition,
/// R a fixed seeded rotation (tests compare posteriors against it).
struct CorrGaussShape {
  Eigen::VectorXd eigenvalues;
  Eigen::MatrixXd rotation;
};
CorrGaussShape corr_gauss_shape(std::size_t ndim, double condition);

/// Names of the built-in problems.
std::vector<std::string> test_problem_names();
/// One-line description and option keys of each, for `nubayes help config`.
std::string test_problem_help();
/// Builds a problem; throws OptionError for bad options and std::invalid_argument for an
/// unknown name.
TestProblemSetup make_test_problem(const std::string& name, const ModelOptions& options);

} // namespace nubayes
