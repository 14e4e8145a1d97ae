#include "stored_run.h"

#include <stdexcept>

namespace nubayes {

void require_complete(const RunFileContents& run, const std::string& path) {
  if (!run.complete())
    throw std::runtime_error(path + ": run is not complete (status '" + run.text("status") +
                             "'); resume it first");
}

RunConfig stored_run_config(const RunFileContents& run, const std::string& path) {
  require_complete(run, path);
  RunConfig rc =
      resolve_run_config(Config::parse_text(run.text("config"), path + " (config attribute)"));
  std::vector<std::string> params;
  for (const auto& v : run.variables)
    if (!v.is_derived) params.push_back(v.name);
  std::vector<std::string> rebuilt;
  for (const auto& p : rc.problem.priors)
    rebuilt.push_back(p.name);
  if (rebuilt != params)
    throw std::runtime_error(path + ": the stored config's parameters differ from the run file's");
  return rc;
}

std::vector<double> parameters_at(const RunFileContents& run, const RunConfig& config,
                                  std::size_t row) {
  std::vector<double> theta;
  for (const auto& p : config.problem.priors)
    theta.push_back(run.columns.at(p.name).at(row));
  return theta;
}

} // namespace nubayes
