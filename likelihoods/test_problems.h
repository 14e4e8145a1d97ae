#pragma once
// Built-in test problems with known evidences: the suite the established samplers are
// benchmarked on. Each takes sleep_ms (the call sleeps: MPI scaling runs oversubscribed) and
// burn_ms (the call computes, like an expensive physics likelihood).
#include "likelihood.h"
#include "model_options.h"
#include "prior.h"

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

/// Names of the built-in problems.
std::vector<std::string> test_problem_names();
/// One-line description and option keys of each, for `nubayes help config`.
std::string test_problem_help();
/// Builds a problem; throws OptionError for bad options and std::invalid_argument for an
/// unknown name.
TestProblemSetup make_test_problem(const std::string& name, const ModelOptions& options);

} // namespace nubayes
