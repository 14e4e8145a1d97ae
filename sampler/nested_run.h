#pragma once
// Drives a nested-sampling run end to end: run file, checkpoints, signals, resume, progress,
// and the final evidence and posterior.
#include "communicator.h"
#include "evidence.h"
#include "nested_sampler.h"
#include "run_file.h"
#include "run_start.h"

#include <stdexcept>
#include <string>

namespace nubayes {

struct RunOutcome {
  int exit_code = 0;
  EvidenceSummary evidence;
  InsertionTest insertion;
  std::uint64_t nlike = 0;
  bool was_complete = false; ///< --resume found a finished run: nothing was computed
};

RunOutcome run_nested(const Problem& problem, const NestedOptions& options,
                      const RunSettings& settings, const Communicator& comm);

} // namespace nubayes
