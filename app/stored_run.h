#pragma once
// A finished run's problem, rebuilt from the config its file stores: what `pg` polishes and
// `predict` evaluates at posterior draws.
#include "run_config.h"
#include "run_file.h"

#include <string>

namespace nubayes {

/// Throws std::runtime_error naming `path` unless the run finished (its weights and evidence
/// are final).
void require_complete(const RunFileContents& run, const std::string& path);

/// Resolves the config stored in `run` (read from `path`). Throws std::runtime_error naming the
/// file if the run is unfinished or the rebuilt parameters differ from the file's.
RunConfig stored_run_config(const RunFileContents& run, const std::string& path);

/// Physical parameters (all, [prior] order) of row `row` of the run's columns.
std::vector<double> parameters_at(const RunFileContents& run, const RunConfig& config,
                                  std::size_t row);

} // namespace nubayes
