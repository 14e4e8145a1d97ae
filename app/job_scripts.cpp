#include "job_scripts.h"

#include "batch_script.h"
#include "job_templates.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace nubayes {

namespace {

/// The `case` arms of the run template: array task number -> name and arguments.
std::string run_table(const std::vector<PlannedRun>& runs) {
  std::string out;
  for (std::size_t i = 0; i < runs.size(); ++i)
    out += std::string("  ") + std::to_string(i) + ") name=" + shell_quote(runs[i].name) +
           "\n     args=(" + shell_join(runs[i].args) + ") ;;\n";
  out.pop_back(); // the template's line ends it
  return out;
}

std::string extra_sbatch(const JobSettings& o, std::size_t array_size) {
  std::string out;
  if (!o.partition.empty()) out += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.account.empty()) out += "#SBATCH --account=" + o.account + "\n";
  if (array_size > 0)
    out += std::string("#SBATCH --array=0-") + std::to_string(array_size - 1) + "\n";
  return out;
}

std::string format_time(long seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%02ld:%02ld:%02ld", seconds / 3600, seconds / 60 % 60,
                seconds % 60);
  return text;
}

} // namespace

std::string run_script(const JobSettings& o, const std::vector<PlannedRun>& runs, bool array) {
  const std::string launcher =
      o.launcher == "srun" ? "srun" : std::string("mpirun -n ") + std::to_string(o.ranks);
  const fs::path log = fs::path(o.job_dir) / (o.name + (array ? "-%A_%a.out" : "-%j.out"));
  return fill_template(run_job_template(),
                       {{"JOB_NAME", o.name},
                        {"RANKS", std::to_string(o.ranks)},
                        {"TIME", o.time},
                        {"SIGNAL_MARGIN", std::to_string(o.signal_margin)},
                        {"LOG_FILE", log.string()},
                        {"EXTRA_SBATCH", extra_sbatch(o, array ? runs.size() : 0)},
                        {"NUBAYES", shell_quote(o.nubayes)},
                        {"MAX_RESTARTS", std::to_string(o.max_restarts)},
                        {"WORKDIR", shell_quote(o.workdir)},
                        {"RUN_TABLE", run_table(runs)},
                        {"LAUNCHER", launcher}});
}

std::string compare_script(const JobSettings& o, const std::vector<PlannedRun>& runs) {
  // Evidences compare only on the same data: group by the grid's data line.
  struct Group {
    std::string label, names;
    std::vector<std::string> outputs;
  };
  std::vector<Group> groups;
  for (const auto& run : runs) {
    const std::string label = run.data_name.empty() ? "all" : run.data_name;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& g) { return g.label == label; });
    if (group == groups.end()) group = groups.insert(groups.end(), {label, "", {}});
    group->names += (group->names.empty() ? "" : ",") + run.name;
    group->outputs.push_back(run.output);
  }
  std::string steps;
  for (const auto& g : groups)
    steps += std::string("compare_group ") + shell_quote(g.label) + " " + shell_quote(g.names) +
             " " + shell_join(g.outputs) + "\n";
  for (const auto& run : runs)
    steps +=
        std::string("corner_plot ") + shell_quote(run.name) + " " + shell_quote(run.output) + "\n";
  const std::string& job_dir = o.job_dir;
  return fill_template(compare_job_template(),
                       {{"JOB_NAME", o.name},
                        {"JOB_DIR", shell_quote(job_dir)},
                        {"TIME", format_time(std::min(o.time_seconds, 1800L))},
                        {"LOG_FILE", (fs::path(job_dir) / (o.name + "-compare-%j.out")).string()},
                        {"EXTRA_SBATCH", extra_sbatch(o, 0)},
                        {"NUBAYES", shell_quote(o.nubayes)},
                        {"PYTHON", "/usr/bin/python3"},
                        {"POSTPROCESS_DIR", shell_quote(postprocess_dir())},
                        {"STEPS", steps}});
}

} // namespace nubayes
