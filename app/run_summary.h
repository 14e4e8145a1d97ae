#pragma once
// Human-readable and JSON summaries of a run file (used by `run` and `info`).
#include "run_file.h"

#include <optional>
#include <ostream>

namespace nubayes {

void print_run_summary(const RunFileContents& run, std::ostream& out,
                       std::optional<double> analytic_logz = std::nullopt);
void print_run_summary_json(const RunFileContents& run, std::ostream& out);
/// The best recorded point and, per variable, the weighted posterior mean, sd, median and
/// 68 %/95 % intervals (the end of print_run_summary).
void print_posterior(const RunFileContents& run, std::ostream& out);

} // namespace nubayes
