#pragma once
// The one place that maps config names to models and likelihoods. Adding a model or an
// experiment means adding an entry here and nowhere else.
#include "likelihood.h"
#include "model_options.h"
#include "prior.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nubayes {

struct ProblemSetup {
  std::unique_ptr<LogLikelihood> likelihood;
  /// The parameters: from [prior] when given, else the model's defaults.
  std::vector<PriorSpec> priors;
  std::optional<double> analytic_logz; ///< known only for test problems on their own prior
  std::string datasets;
};

/// What a [model] section may name, for `nubayes help config`.
std::string registry_help();

/// Builds the problem named by [model] name. `user_priors` are the [prior] lines (may be empty
/// for models with default priors); `data` the [data] keys. Throws OptionError (naming a
/// [model] or [data] key) or
/// std::invalid_argument / std::runtime_error with a message naming the model or library.
ProblemSetup build_problem(const std::string& model, const ModelOptions& options,
                           const ModelOptions& data, const std::vector<PriorSpec>& user_priors);

} // namespace nubayes
