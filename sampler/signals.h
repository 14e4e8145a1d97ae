#pragma once
// SIGTERM and SIGUSR1 (what SLURM sends before a time limit) only set a flag; the run loop
// checkpoints at the next safe point and exits with exit_code::checkpointed.
namespace nubayes {
void install_checkpoint_signal_handlers();
bool checkpoint_signal_received();
} // namespace nubayes
