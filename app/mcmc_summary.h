#pragma once
// The MCMC parts of `nubayes info` and of the summary after `nubayes run`: steps, acceptance,
// the evidence of a tempered run, and the per-parameter convergence diagnostics, recomputed
// from the file's post-burn-in draws, with a loud warning when the run is not converged.
#include "run_file.h"

#include <optional>
#include <ostream>

namespace nubayes {

/// Lines after the run line: steps, calls, acceptance, ln Z (tempered runs).
void print_mcmc_status(const RunFileContents& run, std::ostream& out,
                       std::optional<double> analytic_logz);
/// The diagnostics table and, if the run stopped unconverged or is unfinished, the warning.
void print_mcmc_diagnostics(const RunFileContents& run, std::ostream& out);
/// The same as JSON members (", \"diagnostics\": {...}"), appended to an open object.
void print_mcmc_diagnostics_json(const RunFileContents& run, std::ostream& out);

} // namespace nubayes
