#pragma once
// The run file of an MCMC run. Same root attributes and final ArviZ groups as a nested-sampling
// run file (run_file.h), but the growing record is /mcmc instead of /nested_sampling:
//
//   /mcmc/chain, draw, parameter, term, rung     coordinates (draw is unlimited: the commit point)
//   /mcmc/samples             float64 [chain, draw, parameter]  parameters, then derived quantities
//   /mcmc/log_likelihood      float64 [chain, draw]
//   /mcmc/log_prior           float64 [chain, draw]  ln prior density at the draw
//   /mcmc/log_posterior       float64 [chain, draw]  log_likelihood + log_prior
//   /mcmc/accepted            int8    [chain, draw]  1 if the step that made the draw moved
//   /mcmc/loglike_terms       float64 [chain, draw, term]          (when there are terms)
//   /mcmc/rung_log_likelihood float64 [chain, draw, rung]          (parallel tempering: ln L of
//                             every rung of the ladder; chain = ladder)
//
// Every thin-th step of every chain is recorded (burn-in included: /mcmc attribute burn_draws says how
// many leading draws are burn-in). Parameter metadata is in attributes of /mcmc/samples:
// names, latex, units, prior (one entry per line) and is_derived ("0"/"1" per line). As for
// nested runs, the file is SWMR while running and finalize() writes /posterior (post-burn-in
// draws, chain x draw), /sample_stats, /log_likelihood and the final attributes on a copy that
// is renamed over the original.
#include "run_file.h"

#include <hdf5.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nubayes {

struct McmcFileLayout {
  std::vector<VariableMeta> variables; ///< parameters in [prior] order, then derived quantities
  std::vector<std::string> terms;
  std::size_t nchains = 0;
  std::size_t nrungs = 0;     ///< parallel tempering: temperatures per ladder (0 otherwise)
  std::size_t burn_draws = 0; ///< leading draws of each chain that are burn-in
  std::string algorithm;      ///< adaptive-metropolis | ensemble | tempered
};

/// n consecutive draws of every chain, draw-major: entry (draw i, chain c) at i * nchains + c.
struct McmcDraws {
  std::size_t n = 0;
  std::vector<double> values;        ///< n x nchains x variables
  std::vector<double> terms;         ///< n x nchains x terms
  std::vector<double> logl;          ///< n x nchains
  std::vector<double> logprior;      ///< n x nchains
  std::vector<std::int8_t> accepted; ///< n x nchains
  std::vector<double> rung_logl;     ///< n x nchains x rungs (tempered only)
  void clear() { *this = McmcDraws{}; }
};

/// Per-variable diagnostics written as attributes of the /posterior variables.
struct VariableDiagnostics {
  double rhat = 0, ess_bulk = 0, ess_tail = 0, tau = 0;
};

class McmcRunFile {
public:
  /// Creates (truncating) `path` with every object, then starts SWMR writing.
  static McmcRunFile create(const std::string& path, const McmcFileLayout& layout,
                            const RunAttributes& attributes);
  /// Reopens a file left by an interrupted run and cuts it back to `committed_draws` draws.
  static McmcRunFile reopen(const std::string& path, std::size_t committed_draws);

  McmcRunFile(McmcRunFile&&) noexcept;
  McmcRunFile& operator=(McmcRunFile&&) noexcept;
  ~McmcRunFile();

  void append(const McmcDraws& draws);
  /// Makes everything appended so far durable and visible to SWMR readers.
  void flush();
  std::size_t draws() const;
  const McmcFileLayout& layout() const;
  /// Draws [from, draws()) of the variables `vs` (one read of the block): result[k][chain][draw].
  std::vector<std::vector<std::vector<double>>> read_variables(const std::vector<std::size_t>& vs,
                                                               std::size_t from) const;
  /// Draws [from, draws()) of ln L of every rung: result[rung][chain][draw] (tempered runs).
  std::vector<std::vector<std::vector<double>>> read_rung_logl(std::size_t from) const;
  /// Writes /posterior (post-burn-in draws), /sample_stats, /log_likelihood, the diagnostics
  /// (attributes of the /posterior variables, by name), `betas` (tempered runs: /mcmc/betas)
  /// and the final root attributes; closes the file.
  void finalize(const FinalResults& results,
                const std::map<std::string, VariableDiagnostics>& diagnostics,
                const std::vector<double>& betas);

private:
  struct Impl;
  explicit McmcRunFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Fills `contents` from the /mcmc group of an open run file: variables and terms, and columns
/// holding the post-burn-in draws of every chain, chain after chain (logwt = 0: equal weights).
/// Used by read_run_file().
void read_mcmc_contents(hid_t file, const std::string& path, RunFileContents& contents);

} // namespace nubayes
