#pragma once
// Drives a nested-sampling run end to end: run file, checkpoints, signals, resume, progress,
// and the final evidence and posterior.
#include "communicator.h"
#include "evidence.h"
#include "nested_sampler.h"
#include "run_file.h"

#include <stdexcept>
#include <string>

namespace nubayes {

/// A resume that does not match its checkpoint (exit code 2).
class ResumeRefused : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct RunSettings {
  std::string output;
  double checkpoint_every = 600;
  bool resume = false;
  bool quiet = false;
  std::string fingerprint; ///< resume refuses a checkpoint with another one
  RunFileLayout layout;
  RunAttributes attributes;
};

struct RunOutcome {
  int exit_code = 0;
  EvidenceSummary evidence;
  InsertionTest insertion;
  std::uint64_t nlike = 0;
  bool was_complete = false; ///< --resume found a finished run: nothing was computed
};

RunOutcome run_nested(const Problem& problem, const NestedOptions& options,
                      const RunSettings& settings, const Communicator& comm);

/// Path of the checkpoint that belongs to a run file.
std::string checkpoint_path(const std::string& output);

} // namespace nubayes
