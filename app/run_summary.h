#pragma once
// Human-readable and JSON summaries of a run file (used by `run` and `info`).
#include "run_file.h"

#include <optional>
#include <ostream>

namespace nubayes {

void print_run_summary(const RunFileContents& run, std::ostream& out,
                       std::optional<double> analytic_logz = std::nullopt);
void print_run_summary_json(const RunFileContents& run, std::ostream& out);

} // namespace nubayes
