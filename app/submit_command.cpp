// nubayes submit: writes a SLURM batch script for a run (or a job array over a grid of models x
// data sets, plus a job that compares the evidences and draws the plots) and calls sbatch.
// Every config is resolved here, so a typo fails at once instead of in the queue.
#include "batch_script.h"
#include "command_line.h"
#include "commands.h"
#include "config.h"
#include "exit_codes.h"
#include "job_grid.h"
#include "job_scripts.h"
#include "run_config.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace nubayes {

namespace {

/// A mistake in what was asked for: one line, exit code 2, nothing written or submitted.
class SubmitError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct SubmitOptions : JobSettings {
  std::string config, grid;
  std::vector<std::string> overrides;
  bool dry_run = false, parsable = false;
};

std::string find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate))
      return candidate.string();
  }
  return "";
}

std::string self_executable() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error)
    throw std::runtime_error(std::string("cannot find the nubayes executable (/proc/self/exe): ") +
                             error.message());
  return self.string();
}

std::string absolute(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

/// Loads the config with the overrides and resolves it exactly as `nubayes run` will.
RunConfig resolve(const std::string& config_path, const std::vector<std::string>& overrides) {
  Config config = Config::parse_file(config_path);
  for (const auto& o : overrides)
    config.apply_override(o);
  return resolve_run_config(config);
}

std::vector<std::string> run_args(const std::string& config,
                                  const std::vector<std::string>& overrides) {
  std::vector<std::string> args{config};
  for (const auto& o : overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  return args;
}

PlannedRun plan_single(const SubmitOptions& o) {
  const RunConfig rc = resolve(o.config, o.overrides);
  PlannedRun run{o.name, "", absolute(rc.output), {}};
  // The job may start in another directory: the output is pinned to what it means here.
  std::vector<std::string> overrides;
  std::copy_if(o.overrides.begin(), o.overrides.end(), std::back_inserter(overrides),
               [](const std::string& s) { return s.rfind("run.output=", 0) != 0; });
  overrides.push_back("run.output=" + run.output);
  run.args = run_args(absolute(o.config), overrides);
  return run;
}

std::vector<PlannedRun> plan_grid(const SubmitOptions& o) {
  std::vector<PlannedRun> runs;
  for (const auto& cell : read_grid(o.grid)) {
    auto overrides = o.overrides;
    overrides.insert(overrides.end(), cell.overrides.begin(), cell.overrides.end());
    for (const auto& assignment : overrides)
      if (assignment.rfind("run.output=", 0) == 0)
        throw SubmitError("nubayes submit: grid run '" + cell.name +
                          "' sets run.output; grid runs write JOB_DIR/NAME.h5");
    const std::string output = (fs::path(o.job_dir) / (cell.name + ".h5")).string();
    overrides.push_back("run.output=" + output);
    const std::string config = cell.config.empty() ? o.config : cell.config;
    try {
      resolve(config, overrides);
    } catch (const ConfigError& e) {
      throw ConfigError("grid run '" + cell.name + "': " + e.what());
    }
    runs.push_back({cell.name, cell.data_name, output, run_args(absolute(config), overrides)});
  }
  return runs;
}

/// Runs sbatch; returns the job id it printed. Its error messages go straight to stderr.
std::string sbatch(const std::vector<std::string>& argv) {
  const std::string command = shell_join(argv);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run sbatch: " + command);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe))
    output += buffer;
  const int status = ::pclose(pipe);
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  static const std::regex job_id(R"(\s*(\d+)(;\S*)?\s*)");
  std::smatch m;
  if (status != 0 || !std::regex_match(output, m, job_id))
    throw std::runtime_error("sbatch failed (" + command + ")" +
                             (output.empty() ? "" : ": " + output));
  return m[1].str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(std::string("cannot write ") + path.string());
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

SubmitOptions parse_options(const po::variables_map& vm) {
  SubmitOptions o;
  const auto text = [&](const char* key) {
    return vm.count(key) ? vm[key].as<std::string>() : std::string();
  };
  o.grid = text("grid");
  o.config = text("config");
  if (o.config.empty())
    throw SubmitError("nubayes submit: no CONFIG.ini given (see 'nubayes submit --help')");
  if (!fs::is_regular_file(o.config))
    throw SubmitError("nubayes submit: config file '" + o.config + "' not found");
  if (!o.grid.empty() && !fs::is_regular_file(o.grid))
    throw SubmitError("nubayes submit: grid file '" + o.grid + "' not found");
  if (!vm.count("ranks")) throw SubmitError("nubayes submit: --ranks N is required");
  o.ranks = vm["ranks"].as<long>();
  if (o.ranks < 1)
    throw SubmitError(std::string("nubayes submit: --ranks ") + std::to_string(o.ranks) +
                      ": need at least 1");
  o.time = text("time");
  if (o.time.empty()) throw SubmitError("nubayes submit: --time HH:MM:SS is required");
  const auto seconds = parse_time_limit(o.time);
  if (!seconds)
    throw SubmitError("nubayes submit: --time '" + o.time +
                      "': expected HH:MM:SS or D-HH:MM:SS, above zero");
  o.time_seconds = *seconds;
  // Default warning: a tenth of the limit, 1 to 5 minutes, at most half of it. Slurm may send
  // it up to a minute early and the checkpoint must be written before the limit.
  o.signal_margin = vm.count("signal-margin")
                        ? vm["signal-margin"].as<long>()
                        : std::min(std::clamp(o.time_seconds / 10, 60L, 300L), o.time_seconds / 2);
  if (o.signal_margin < 1 || o.signal_margin >= o.time_seconds || o.signal_margin > 65535)
    throw SubmitError(std::string("nubayes submit: --signal-margin ") +
                      std::to_string(o.signal_margin) +
                      ": must be at least 1 s, below the time limit and at most 65535 s");
  o.max_restarts = vm["max-restarts"].as<long>();
  if (o.max_restarts < 0) throw SubmitError("nubayes submit: --max-restarts must not be negative");
  o.launcher = text("launcher");
  if (o.launcher != "srun" && o.launcher != "mpirun")
    throw SubmitError("nubayes submit: --launcher '" + o.launcher + "': expected srun or mpirun");
  o.partition = text("partition");
  o.account = text("account");
  static const std::regex plain("[A-Za-z0-9_.+-]+");
  for (const auto& [option, value] :
       {std::pair{"--partition", o.partition}, {"--account", o.account}})
    if (!value.empty() && !std::regex_match(value, plain))
      throw SubmitError(std::string("nubayes submit: ") + option + " '" + value +
                        "': unexpected characters");
  o.name = text("name");
  if (o.name.empty()) o.name = fs::path(o.grid.empty() ? o.config : o.grid).stem().string();
  if (!std::regex_match(o.name, plain))
    throw SubmitError("nubayes submit: job name '" + o.name +
                      "': use letters, digits and _ . + - (--name)");
  o.job_dir = absolute(text("job-dir"));
  // The directory goes into #SBATCH --output, which neither quotes nor escapes.
  if (o.job_dir.find_first_of(" \t\n%'\"\\") != std::string::npos)
    throw SubmitError("nubayes submit: job directory '" + o.job_dir +
                      "': no spaces, quotes or % please (--job-dir)");
  o.nubayes = self_executable();
  o.workdir = fs::current_path().string();
  if (vm.count("set")) o.overrides = vm["set"].as<std::vector<std::string>>();
  o.dry_run = vm["dry-run"].as<bool>();
  o.parsable = vm["parsable"].as<bool>();
  return o;
}

int submit(const SubmitOptions& o) {
  std::string sbatch_path = "sbatch";
  if (!o.dry_run) {
    sbatch_path = find_in_path("sbatch");
    if (sbatch_path.empty())
      throw SubmitError("nubayes submit: sbatch not found in PATH (is SLURM installed? --dry-run "
                        "shows the script)");
  }
  const bool grid = !o.grid.empty();
  const std::vector<PlannedRun> runs =
      grid ? plan_grid(o) : std::vector<PlannedRun>{plan_single(o)};
  const fs::path job_dir = o.job_dir;
  const fs::path run_path = job_dir / (o.name + ".sbatch"),
                 compare_path = job_dir / (o.name + "-compare.sbatch");
  const std::string script = run_script(o, runs, grid);
  const std::string compare = grid ? compare_script(o, runs) : "";
  const std::vector<std::string> run_command{sbatch_path, "--parsable", run_path.string()};
  const auto compare_command = [&](const std::string& after) {
    return std::vector<std::string>{sbatch_path, "--parsable", "--dependency=afterok:" + after,
                                    compare_path.string()};
  };

  if (o.dry_run) {
    std::cout << "# ---- " << run_path.string() << " ----\n" << script;
    if (grid) std::cout << "# ---- " << compare_path.string() << " ----\n" << compare;
    std::cout << "# ---- sbatch command" << (grid ? "s" : "")
              << " (dry run: nothing written or submitted) ----\n"
              << shell_join(run_command) << "\n";
    if (grid) std::cout << shell_join(compare_command("ARRAY_JOB_ID")) << "\n";
    return exit_code::ok;
  }

  fs::create_directories(job_dir);
  write_file(run_path, script);
  if (grid) write_file(compare_path, compare);
  const std::string run_id = sbatch(run_command);
  if (o.parsable)
    std::cout << run_id << "\n";
  else if (grid)
    std::cout << "nubayes submit: array job " << run_id << ": " << runs.size() << " runs on "
              << o.ranks << " rank(s) each, time limit " << o.time << "; outputs and logs in "
              << job_dir.string() << "\n";
  else
    std::cout << "nubayes submit: job " << run_id << ": " << runs.front().output << " on "
              << o.ranks << " rank(s), time limit " << o.time << "; log "
              << (job_dir / (o.name + "-" + run_id + ".out")).string() << "\n";
  if (!grid) return exit_code::ok;
  std::string compare_id;
  try {
    compare_id = sbatch(compare_command(run_id));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "; array job " + run_id +
                             " was submitted (scancel " + run_id + " to stop it)");
  }
  if (o.parsable)
    std::cout << compare_id << "\n";
  else
    std::cout << "nubayes submit: job " << compare_id << ": compare and plots once array job "
              << run_id << " has succeeded; results in " << job_dir.string() << "/compare.txt\n";
  return exit_code::ok;
}

} // namespace

int command_submit(const std::vector<std::string>& args) {
  po::options_description named("nubayes submit options");
  named.add_options()("help,h", "this help")("config", po::value<std::string>(), "config file")(
      "ranks", po::value<long>(), "MPI ranks per run (required)")(
      "time", po::value<std::string>(), "time limit per job, HH:MM:SS or D-HH:MM:SS (required)")(
      "partition", po::value<std::string>(),
      "SLURM partition")("account", po::value<std::string>(),
                         "SLURM account")("set", po::value<std::vector<std::string>>()->composing(),
                                          "override: section.key=value (every run)")(
      "grid", po::value<std::string>(),
      "grid file: a job array over models x data sets, then a compare job")(
      "name", po::value<std::string>(), "job name (default: the config's or grid's file name)")(
      "job-dir", po::value<std::string>()->default_value("nubayes-jobs"),
      "batch scripts, SLURM logs, grid outputs")(
      "launcher", po::value<std::string>()->default_value("srun"), "srun or mpirun")(
      "signal-margin", po::value<long>(),
      "seconds before the limit to checkpoint (default: limit/10 in [60, 300], at most limit/2)")(
      "max-restarts", po::value<long>()->default_value(100), "requeues before a job gives up")(
      "dry-run", po::bool_switch(), "print the script(s) and sbatch command(s); submit nothing")(
      "parsable", po::bool_switch(), "print only the job id(s), one per line");
  po::positional_options_description positional;
  positional.add("config", 1);
  if (wants_help(args)) {
    std::cout << "usage: nubayes submit CONFIG.ini --ranks N --time HH:MM:SS [--grid GRID.txt] "
                 "[options]\n"
                 "Writes a SLURM batch script (jobs/templates/) and submits it with sbatch. The "
                 "job checkpoints\n"
                 "before its time limit and requeues itself until the run is complete. See "
                 "jobs/README.md.\n"
              << named;
    return exit_code::ok;
  }
  try {
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw SubmitError(std::string("nubayes submit: ") + e.what() +
                        " (see 'nubayes submit --help')");
    }
    return submit(parse_options(vm));
  } catch (const SubmitError& e) {
    std::cerr << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const ConfigError& e) {
    std::cerr << "nubayes submit: " << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const std::exception& e) {
    std::cerr << "nubayes submit: error: " << e.what() << "\n";
    return exit_code::failure;
  }
}

} // namespace nubayes
