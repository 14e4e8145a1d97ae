#pragma once
// The run file: one HDF5 file per run, written by rank 0 only. Layout and crash-safety rules are
// documented in README.md ("Run file layout"). While the run goes the file is in SWMR mode and
// only /nested_sampling grows; /posterior, /sample_stats, /log_likelihood and the final root
// attributes are written by finalize(), on a copy that is renamed over the original, so a file
// never looks complete unless it is.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes {

/// One variable of /posterior and /nested_sampling.
struct VariableMeta {
  std::string name;
  std::string latex;
  std::string units;
  std::string prior; ///< prior line text ("uniform 0 1"), empty for derived quantities
  bool is_derived = false;
};

/// What the file holds, fixed at creation.
struct RunFileLayout {
  std::vector<VariableMeta> variables; ///< parameters in [prior] order, then derived quantities
  std::vector<std::string> terms;      ///< log-likelihood terms (one per experiment)
};

/// Root attributes fixed at creation.
struct RunAttributes {
  std::string sampler; ///< "nested"
  std::string model;
  std::string datasets; ///< comma-separated experiment names (or the model name for test problems)
  std::string git_commit;
  std::string config; ///< full resolved config text
  std::int64_t seed = 0;
  std::int64_t mpi_size = 1;
  std::string fingerprint; ///< what a resume must match (compared as a checkpoint's is)
  /// sha256 of every input file the likelihood read, "PATH SHA256" lines (empty for test problems)
  std::string input_sha256;
};

/// A block of rows for /nested_sampling (dead points in order of death, then final live points).
struct SampleRows {
  std::size_t n = 0;
  std::vector<double> values;       ///< n x layout.variables.size(), row-major
  std::vector<double> terms;        ///< n x layout.terms.size(), row-major
  std::vector<double> logl;         ///< n
  std::vector<double> logl_birth;   ///< n
  std::vector<double> logprior;     ///< n, log prior density at the point
  std::vector<double> logwt;        ///< n, log of unnormalised posterior weight L_i * dX_i
  std::vector<std::int64_t> nlive;  ///< n, live points when this point died
  std::vector<std::int64_t> insertion_rank; ///< n, rank among live points at insertion, -1 if none
  void clear() { *this = SampleRows{}; }
};

/// What finalize() writes.
struct FinalResults {
  double logz = 0, logz_err = 0, information = 0;
  std::int64_t nlike = 0;
  std::string logz_method = "nested_sampling";
  /// Rows of /nested_sampling forming the equal-weight posterior draw (repeats allowed), in order.
  std::vector<std::size_t> posterior_rows;
  std::map<std::string, double> extra_numbers;      ///< further root attributes
  std::map<std::string, std::string> extra_strings; ///< further root attributes
};

class RunFile {
public:
  /// Creates (truncating) `path`, creates every object, then starts SWMR writing.
  /// Root attribute status = "running". Throws std::runtime_error naming the path on failure.
  static RunFile create(const std::string& path, const RunFileLayout& layout,
                        const RunAttributes& attributes);
  /// Reopens a file left by an interrupted run: clears the SWMR status flags if a crash left
  /// them set, truncates /nested_sampling to `committed_rows`, and resumes SWMR writing.
  static RunFile reopen(const std::string& path, std::size_t committed_rows);

  RunFile(RunFile&&) noexcept;
  RunFile& operator=(RunFile&&) noexcept;
  ~RunFile();

  /// Appends rows to /nested_sampling (not yet durable: see flush()).
  void append(const SampleRows& rows);
  /// Makes everything appended so far durable and visible to SWMR readers.
  void flush();
  /// Rows in /nested_sampling.
  std::size_t rows() const;
  /// One column of /nested_sampling ("logl", "logwt", a variable name, "loglike_<term>"...).
  std::vector<double> read_column(const std::string& name) const;
  /// Writes /posterior, /sample_stats, /log_likelihood and the final root attributes
  /// (status = "complete") and closes the file. The object is unusable afterwards.
  void finalize(const FinalResults& results);

  const std::string& path() const;

private:
  struct Impl;
  explicit RunFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Read-only view of a run file (works on a file being written, through SWMR).
struct RunFileContents {
  std::map<std::string, std::string> string_attributes;
  std::map<std::string, double> number_attributes; ///< numeric root attributes (int ones as double)
  std::vector<VariableMeta> variables;
  std::vector<std::string> terms;
  std::map<std::string, std::vector<double>> columns; ///< every /nested_sampling column
  std::size_t rows = 0;
  /// MCMC runs (/mcmc instead of /nested_sampling): columns hold the post-burn-in draws of every
  /// chain, chain after chain, so rows = mcmc_chains x (mcmc_draws - mcmc_burn), and logwt = 0.
  std::size_t mcmc_chains = 0, mcmc_draws = 0, mcmc_burn = 0;
  std::string mcmc_algorithm;
  bool is_mcmc() const { return mcmc_chains > 0; }
  /// A string root attribute, or "" if the file has none of that name.
  std::string text(const std::string& key) const {
    const auto it = string_attributes.find(key);
    return it == string_attributes.end() ? std::string() : it->second;
  }
  /// A numeric root attribute, or NaN if the file has none of that name.
  double number(const std::string& key) const {
    const auto it = number_attributes.find(key);
    return it == number_attributes.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  }
  bool complete() const { return text("status") == "complete"; }
};
/// A path that is not a readable run file of a known schema version (exit code 2).
class BadRunFile : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A run file whose writer did not close it (still running, or crashed): readable only after
/// `--resume` or `h5clear -s -i`.
class UnclosedRunFile : public BadRunFile {
public:
  using BadRunFile::BadRunFile;
};

/// Throws std::runtime_error with the path and the reason if the file is missing or not a run
/// file, or is of a schema version this nubayes does not know (the version named).
RunFileContents read_run_file(const std::string& path);

} // namespace nubayes
