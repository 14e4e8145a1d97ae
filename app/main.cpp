// nubayes: one executable, subcommands run / eval / info / help.
#include "commands.h"
#include "communicator.h"
#include "exit_codes.h"
#include "signals.h"

#include <csignal>
#include <hdf5.h>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  // HDF5 1.10's exit-time clean-up crashes after a failed close (e.g. disk full; HDFFV-11052),
  // turning a clear error into a segfault. Every handle is closed by its RAII owner anyway.
  H5dont_atexit();
  // A file-size limit (ulimit -f) must fail a write with a clear error, not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty()) {
    std::cerr << nubayes::usage(); // a mistake: usage goes with the errors
    return nubayes::exit_code::bad_input;
  }
  if (all[0] == "--help" || all[0] == "-h") {
    std::cout << nubayes::usage();
    return nubayes::exit_code::ok;
  }
  if (all[0] == "--version") {
    std::cout << "nubayes " << NUBAYES_VERSION_STRING << "\n";
    return nubayes::exit_code::ok;
  }
  std::string command = all[0];
  std::vector<std::string> rest(all.begin() + 1, all.end());
  // `nubayes help CMD` is `nubayes CMD --help`.
  if (command == "help" && rest.size() == 1 && nubayes::is_command(rest[0]) && rest[0] != "help") {
    command = rest[0];
    rest = {"--help"};
  }
  if (command == "help") return nubayes::command_help(rest);
  if (command == "info") return nubayes::command_info(rest);
  if (command == "eval") return nubayes::command_eval(rest);
  if (command == "compare") return nubayes::command_compare(rest);
  if (command == "export") return nubayes::command_export(rest);
  if (command == "pg") return nubayes::command_pg(rest);
  if (command == "predict") return nubayes::command_predict(rest);
  if (command == "submit") return nubayes::command_submit(rest);
  if (command == "reweight") return nubayes::command_reweight(rest);
  if (command == "run") {
    // First, before anything slow (MPI, reading inputs, building the likelihood): a SIGTERM or
    // SIGUSR1 during start-up then ends the run with exit code 3 instead of killing it.
    nubayes::install_checkpoint_signal_handlers();
    // MPI only when a launcher (mpirun, srun) started us: a plain serial run then needs no
    // MPI runtime at all (faster start, and no PMIx files under resource limits).
    std::optional<nubayes::MpiSession> mpi;
    if (nubayes::launched_by_mpi()) mpi.emplace(&argc, &argv);
    return nubayes::command_run(rest);
  }
  std::cerr << "nubayes: unknown command '" << command << "'\n" << nubayes::usage();
  return nubayes::exit_code::bad_input;
}
