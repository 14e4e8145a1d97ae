#pragma once
// What every run driver (nested sampling, MCMC) shares about starting: the settings of a run,
// whether to start afresh, from a checkpoint, or not at all (a finished run), and loading a
// checkpoint that belongs to this run.
#include "communicator.h"
#include "run_file.h"
#include "state_file.h"

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

/// Path of the checkpoint that belongs to a run file.
std::string checkpoint_path(const std::string& output);

enum class StartMode { fresh = 0, from_checkpoint = 1, complete = 2 };

/// Rank 0 decides (a checkpoint to resume from, a finished run file, or nothing) and tells the
/// others, so every rank takes the same path (collective).
StartMode decide_start(const RunSettings& settings, const Communicator& comm);

/// Loads the checkpoint; throws ResumeRefused, saying what changed, if it belongs to another run.
StateFile load_checkpoint(const RunSettings& settings);

/// Rank 0 starting afresh: says so if a resume found no checkpoint, and removes a stale one.
void announce_fresh_start(const RunSettings& settings);

} // namespace nubayes
