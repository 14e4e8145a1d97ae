#pragma once
// What every run driver (nested sampling, MCMC) shares about starting: the settings of a run,
// the lock on its output, whether to start afresh, from a checkpoint, or not at all (a finished
// run of the same config), and loading a checkpoint that belongs to this run.
#include "communicator.h"
#include "output_lock.h"
#include "run_file.h"
#include "state_file.h"

#include <stdexcept>
#include <string>

namespace nubayes {

/// A run that may not start on its output, e.g. one that would replace a finished run or whose
/// output another process holds (exit code 2). On ranks other than 0 what() is empty.
class StartRefused : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A resume that does not match its checkpoint or its finished run file (exit code 2).
class ResumeRefused : public StartRefused {
public:
  using StartRefused::StartRefused;
};

struct RunSettings {
  std::string output;
  double checkpoint_every = 600;
  bool resume = false;
  bool overwrite = false; ///< a fresh run may replace a finished run or another file
  bool quiet = false;
  std::string fingerprint; ///< resume refuses a checkpoint or a finished run with another one
  RunFileLayout layout;
  RunAttributes attributes;
};

/// Path of the checkpoint that belongs to a run file.
std::string checkpoint_path(const std::string& output);

/// "file has 'LINE', this run has 'LINE'": the first line where two fingerprints differ.
std::string first_difference(const std::string& stored, const std::string& requested,
                             const std::string& stored_name);

enum class StartMode { fresh = 0, from_checkpoint = 1, complete = 2 };

struct RunStart {
  StartMode mode = StartMode::fresh;
  OutputLock lock; ///< held by rank 0 until the run ends (unheld on other ranks)
};

/// Rank 0 locks the output, removes temporary files that crashed runs left, and decides (a
/// checkpoint to resume from, a finished run of this config, or a fresh start), then tells the
/// others, so every rank takes the same path (collective). Throws StartRefused on every rank if
/// the output is busy, would replace a finished run or another file (without `overwrite`), or is
/// a finished run of another config (with `resume`).
RunStart decide_start(const RunSettings& settings, const Communicator& comm);

/// Loads the checkpoint; throws ResumeRefused, saying what changed, if it belongs to another run.
StateFile load_checkpoint(const RunSettings& settings);

/// Rank 0 starting afresh: says so if a resume found no checkpoint, and removes a stale one.
void announce_fresh_start(const RunSettings& settings);

} // namespace nubayes
