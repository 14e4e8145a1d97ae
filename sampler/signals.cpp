#include "signals.h"

#include <csignal>

namespace nubayes {

namespace {
volatile std::sig_atomic_t received = 0;
extern "C" void on_signal(int) { received = 1; }
} // namespace

void install_checkpoint_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool checkpoint_signal_received() { return received != 0; }

} // namespace nubayes
