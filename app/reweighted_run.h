#pragma once
// A finished nested-sampling run seen under a new prior (`nubayes reweight`): built in memory, so
// the command prints it with the summaries `info` uses, and written as a run file that `info`,
// `compare` and `export --getdist` read like any other.
#include "prior.h"
#include "prior_reweighting.h"
#include "run_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nubayes {

/// ln pi'(theta) / pi(theta) for every row of `run` (-inf where theta is outside the support of
/// `new_priors`); both lists hold every parameter in the run's order.
std::vector<double> prior_log_ratio(const RunFileContents& run, const std::vector<PriorSpec>& old_priors,
                                    const std::vector<PriorSpec>& new_priors);

/// `run` (read from `run_path`) under `new_priors`: rows outside the new support dropped, logwt
/// and logprior replaced, the variables' prior texts and the stored config rewritten (its output
/// made `out_path` unless that is empty), logz,
/// logz_err, information and ess from `evidence`, logz_method "nested_sampling_reweighted", and
/// the provenance: reweighted_from, reweighted_priors (the changed lines), logz_original,
/// logz_err_original, ess_original, delta_logz(_err), reweight_logz_err_compression/_importance.
RunFileContents reweighted_run(const RunFileContents& run, const std::string& run_path,
                               const std::vector<PriorSpec>& new_priors, const ReweightedEvidence& evidence,
                               const std::string& out_path);

/// Writes a complete nested-sampling run held in memory as the run file `path` (created or
/// truncated), its equal-weight /posterior drawn with the run's seed. Throws std::runtime_error
/// naming the path; a failed write leaves no file behind.
void write_run_contents(const RunFileContents& run, const std::string& path);

} // namespace nubayes
