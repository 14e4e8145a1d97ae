#pragma once
// The batch-script templates of `nubayes submit` (jobs/templates/*.sbatch.in), compiled in so an
// installed nubayes needs no source tree, and where the postprocessing scripts live.
#include <string>

namespace nubayes {

/// jobs/templates/run.sbatch.in: one run, or one run per array task.
const char* run_job_template();
/// jobs/templates/compare.sbatch.in: the evidence table and plots after a grid.
const char* compare_job_template();
/// postprocess/ of the source tree this nubayes was built from.
const char* postprocess_dir();

} // namespace nubayes
