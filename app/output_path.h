#pragma once
// Checks on a run's output path made before anything is computed or written, so that a bad
// path is bad input (exit code 2) with one line naming it.
#include "config.h"

#include <string>
#include <vector>

namespace nubayes {

/// Throws ConfigError "ORIGIN: [run] output: ..." if `output` (or a file the run keeps beside it:
/// checkpoint, lock, progress table) would be one of `inputs` (the config file, an init run, a
/// data file), if it is a folder, or if its folder is missing or not writable.
void check_output_path(const Config& config, const std::string& output,
                       const std::vector<std::string>& inputs);

} // namespace nubayes
