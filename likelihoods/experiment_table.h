#pragma once
// The one table of experiments that `[data] experiments` accepts, for every model, and the
// data-set groups (appearance, disappearance, all, ...).
#include "experiment.h"
#include "model_options.h"

#include <memory>
#include <string>
#include <vector>

namespace nubayes {

struct ExperimentChoice {
  std::vector<std::unique_ptr<Experiment>> experiments;
  std::string datasets; ///< the expanded names, comma-separated (run files' `datasets`)
};

/// Builds the experiments named in [data] experiments (names and groups, expanded) with their
/// [data] options. Throws OptionError naming the [data] key at fault.
ExperimentChoice make_experiments(const ModelOptions& data);

/// Help text: the groups, then every experiment with its [data] options.
std::string experiments_help();

} // namespace nubayes
