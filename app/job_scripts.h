#pragma once
// The batch scripts of `nubayes submit`, filled in from jobs/templates/: what to run, on how many
// ranks, for how long; no SLURM calls and no config reading here.
#include <string>
#include <vector>

namespace nubayes {

/// What every job of one submission shares. Paths are absolute: the job may start elsewhere.
struct JobSettings {
  std::string name;      ///< job name, prefix of the script and log names
  std::string time;      ///< SLURM time limit as given, [D-]HH:MM:SS
  std::string partition; ///< empty: the cluster's default
  std::string account;   ///< empty: the user's default
  std::string launcher;  ///< srun or mpirun
  std::string job_dir;   ///< scripts, SLURM logs, grid outputs
  std::string nubayes;   ///< this executable
  std::string workdir;   ///< where `nubayes submit` ran; relative config paths mean that
  long ranks = 0, time_seconds = 0, signal_margin = 0, max_restarts = 0;
};

/// One `nubayes run` of a job: its name, its grid data line (empty outside a grid), its run
/// file and its arguments after `nubayes run`.
struct PlannedRun {
  std::string name, data_name, output;
  std::vector<std::string> args;
};

/// jobs/templates/run.sbatch.in for one run, or for one array task per run (`array`).
std::string run_script(const JobSettings& settings, const std::vector<PlannedRun>& runs,
                       bool array);

/// jobs/templates/compare.sbatch.in: after a grid, one evidence table and bar chart per data
/// set and one corner plot per run.
std::string compare_script(const JobSettings& settings, const std::vector<PlannedRun>& runs);

} // namespace nubayes
