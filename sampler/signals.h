#pragma once
// SIGTERM and SIGUSR1 (what SLURM sends before a time limit) only set a flag; the run loop
// checkpoints at the next safe point and exits with exit_code::checkpointed.
#include <exception>

namespace nubayes {
void install_checkpoint_signal_handlers();
bool checkpoint_signal_received();

/// Thrown (on every rank together) by long start-up work that stops early for such a signal,
/// before it wrote anything; the command then exits with exit_code::checkpointed. Not a
/// std::runtime_error, so that wrappers turning runtime errors into input errors let it pass.
class StoppedBySignal : public std::exception {
public:
  const char* what() const noexcept override { return "stopped by a signal during start-up"; }
};
} // namespace nubayes
