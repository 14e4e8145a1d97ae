#include "reweighted_run.h"

#include "evidence.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

/// The parameters of row `row`, in [prior] order.
std::vector<double> row_parameters(const RunFileContents& run, const std::vector<PriorSpec>& priors, std::size_t row) {
  std::vector<double> theta;
  theta.reserve(priors.size());
  for (const auto& p : priors) theta.push_back(run.columns.at(p.name).at(row));
  return theta;
}

bool inside(const std::vector<PriorSpec>& priors, const std::vector<double>& theta) {
  for (std::size_t k = 0; k < priors.size(); ++k)
    if (!in_support(priors[k], theta[k])) return false;
  return true;
}

/// The stored config with the new prior lines and (if not empty) the new output path, so that
/// `pg` and `predict`, which rebuild the problem from it, see the run as it now is, and running
/// the config again never overwrites the original run. The stored text is
/// the resolved config: one `key = value` per line under `[section]` headers.
std::string config_with_priors(const std::string& text, const std::vector<PriorSpec>& priors,
                               const std::string& output) {
  std::istringstream in(text);
  std::ostringstream out;
  std::string section;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[")) section = line;
    const auto eq = line.find(" = ");
    const std::string key = eq == std::string::npos ? "" : line.substr(0, eq);
    if (section == "[run]" && key == "output" && !output.empty()) line = "output = " + output;
    if (section == "[prior]")
      for (const auto& p : priors)
        if (key == p.name) line = p.name + " = " + p.text();
    out << line << "\n";
  }
  return out.str();
}

/// Root attributes that RunFile::create and RunFile::finalize write themselves.
const std::set<std::string> written_by_the_writer = {
    "schema", "schema_version", "creation_library", "creation_library_version", "sampler", "model", "datasets",
    "git_commit", "config", "status", "seed", "mpi_size", "logz", "logz_err", "information", "nlike", "logz_method"};

SampleRows sample_rows(const RunFileContents& run) {
  SampleRows rows;
  rows.n = run.rows;
  const auto col = [&](const std::string& name) -> const std::vector<double>& {
    const auto it = run.columns.find(name);
    if (it == run.columns.end()) throw std::runtime_error("run has no /nested_sampling/" + name);
    return it->second;
  };
  for (std::size_t i = 0; i < run.rows; ++i) {
    for (const auto& v : run.variables) rows.values.push_back(col(v.name)[i]);
    for (const auto& t : run.terms) rows.terms.push_back(col("loglike_" + t)[i]);
  }
  rows.logl = col("logl");
  rows.logl_birth = col("logl_birth");
  rows.logprior = col("logprior");
  rows.logwt = col("logwt");
  for (double v : col("nlive")) rows.nlive.push_back(static_cast<std::int64_t>(v));
  for (double v : col("insertion_rank")) rows.insertion_rank.push_back(static_cast<std::int64_t>(v));
  return rows;
}

} // namespace

std::vector<double> prior_log_ratio(const RunFileContents& run, const std::vector<PriorSpec>& old_priors,
                                    const std::vector<PriorSpec>& new_priors) {
  const PriorSpace old_space(old_priors), new_space(new_priors);
  std::vector<double> ratio(run.rows);
  for (std::size_t i = 0; i < run.rows; ++i) {
    const std::vector<double> theta = row_parameters(run, old_priors, i);
    ratio[i] = inside(new_priors, theta) ? new_space.log_density(theta) - old_space.log_density(theta)
                                         : -std::numeric_limits<double>::infinity();
  }
  return ratio;
}

RunFileContents reweighted_run(const RunFileContents& run, const std::string& run_path,
                               const std::vector<PriorSpec>& new_priors, const ReweightedEvidence& evidence,
                               const std::string& out_path) {
  RunFileContents out;
  out.string_attributes = run.string_attributes;
  out.number_attributes = run.number_attributes;
  out.terms = run.terms;
  out.variables = run.variables;
  std::string changed;
  for (auto& v : out.variables)
    for (const auto& p : new_priors)
      if (!v.is_derived && v.name == p.name && v.prior != p.text()) {
        v.prior = p.text();
        changed += p.name + " = " + p.text() + "\n";
      }

  // Only rows inside the new support: a run under the new prior has no samples elsewhere.
  const PriorSpace new_space(new_priors);
  std::vector<std::size_t> kept;
  std::vector<double> logprior;
  for (std::size_t i = 0; i < run.rows; ++i) {
    const std::vector<double> theta = row_parameters(run, new_priors, i);
    if (!inside(new_priors, theta)) continue;
    kept.push_back(i);
    logprior.push_back(new_space.log_density(theta));
  }
  for (const auto& [name, values] : run.columns) {
    std::vector<double>& column = out.columns[name];
    column.reserve(kept.size());
    for (std::size_t i : kept) column.push_back(name == "logwt" ? evidence.logwt.at(i) : values[i]);
  }
  out.columns["logprior"] = std::move(logprior);
  out.rows = kept.size();

  auto& text = out.string_attributes;
  text["config"] = config_with_priors(run.text("config"), new_priors, out_path);
  text["logz_method"] = "nested_sampling_reweighted";
  text["reweighted_from"] = std::filesystem::absolute(run_path).lexically_normal().string();
  text["reweighted_priors"] = changed;
  auto& number = out.number_attributes;
  number["logz_original"] = run.number("logz");
  number["logz_err_original"] = run.number("logz_err");
  number["ess_original"] = evidence.ess_original;
  number["logz"] = evidence.logz;
  number["logz_err"] = evidence.logz_err;
  number["information"] = evidence.information;
  number["ess"] = evidence.ess;
  number["delta_logz"] = evidence.delta_logz;
  number["delta_logz_err"] = evidence.delta_logz_err;
  number["reweight_logz_err_compression"] = evidence.logz_err_compression;
  number["reweight_logz_err_importance"] = evidence.logz_err_importance;
  return out;
}

void write_run_contents(const RunFileContents& run, const std::string& path) {
  if (run.is_mcmc() || !run.complete()) throw std::logic_error("write_run_contents: needs a complete nested-sampling run");
  RunAttributes attributes{run.text("sampler"), run.text("model"), run.text("datasets"), run.text("git_commit"),
                           run.text("config"), static_cast<std::int64_t>(run.number("seed")),
                           static_cast<std::int64_t>(run.number("mpi_size")),
                           // Not resumable (no fingerprint); traceable to the original's inputs.
                           "", run.text("input_sha256")};
  FinalResults final_results;
  final_results.logz = run.number("logz");
  final_results.logz_err = run.number("logz_err");
  final_results.information = run.number("information");
  final_results.nlike = static_cast<std::int64_t>(run.number("nlike"));
  final_results.logz_method = run.text("logz_method");
  const auto& logwt = run.columns.at("logwt");
  final_results.posterior_rows =
      resample_equal_weight(logwt, static_cast<std::size_t>(std::max(1.0, std::round(run.number("ess")))),
                            static_cast<std::uint64_t>(run.number("seed")));
  for (const auto& [name, value] : run.number_attributes)
    if (!written_by_the_writer.contains(name)) final_results.extra_numbers[name] = value;
  for (const auto& [name, value] : run.string_attributes)
    if (!written_by_the_writer.contains(name)) final_results.extra_strings[name] = value;
  try {
    RunFile file = RunFile::create(path, {run.variables, run.terms}, attributes);
    file.append(sample_rows(run));
    file.finalize(final_results);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw std::runtime_error(e.what());
  }
}

} // namespace nubayes
