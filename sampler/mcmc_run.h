#pragma once
// Drives an MCMC run end to end (`[sampler] kind = mcmc`): the run file's /mcmc record, the
// stop rule, checkpoints, signals, resume, progress, and the final posterior, diagnostics and
// (parallel tempering) evidence.
//
// Stop rule: after burn-in, the diagnostics of the sampled parameters (rank-normalised split R̂,
// bulk and tail ESS over all chains' post-burn-in draws; Vehtari et al. 2021) are computed at
// post-burn-in draw counts 50, then every time the count has grown by 10 % (a schedule fixed by
// the step count alone, so a resumed run stops at the same step). The run stops as soon as
// every parameter has R̂ < rhat_target and bulk and tail ESS >= ess_target, or after
// max_steps post-burn-in steps, whichever comes first; the file says which (stop_reason,
// converged).
#include "communicator.h"
#include "mcmc_samplers.h"
#include "parallel_tempering.h"
#include "run_start.h"

#include <cstdint>
#include <string>

namespace nubayes {

enum class McmcAlgorithm { adaptive_metropolis, ensemble, tempered };

/// "adaptive-metropolis", "ensemble" or "tempered" (the config's names).
const char* algorithm_name(McmcAlgorithm algorithm);

struct McmcRunOptions {
  McmcAlgorithm algorithm = McmcAlgorithm::adaptive_metropolis;
  McmcOptions chains;  ///< adaptive Metropolis and ensemble settings (their burn/nsteps are unused)
  PtOptions tempering; ///< parallel-tempering settings (burn is set from `burn`)
  std::uint64_t seed = 1;
  std::size_t burn =
      1000; ///< steps discarded as burn-in (recorded in /mcmc, flagged by burn_draws)
  std::size_t max_steps = 100000; ///< post-burn-in steps at most
  std::size_t thin = 1;           ///< record every thin-th step
  double rhat_target = 1.01;
  double ess_target = 400;
  std::string init; ///< a finished run file whose posterior gives the starting points
};

struct McmcOutcome {
  int exit_code = 0;
  bool was_complete = false; ///< --resume found a finished run: nothing was computed
  bool converged = false;
  std::uint64_t nlike = 0, steps = 0;
};

McmcOutcome run_mcmc(const Problem& problem, const McmcRunOptions& options,
                     const RunSettings& settings, const Communicator& comm);

/// Starting points (count x d, cube coordinates) drawn from the equal-weight posterior of the run
/// file `path`, matching parameters by name; deterministic in `seed`. Throws std::runtime_error
/// naming the file if it is unfinished, lacks a parameter, or holds too few points inside this
/// run's prior.
std::vector<double> starting_points_from_run(const std::string& path, const Problem& problem,
                                             std::size_t count, std::uint64_t seed);

} // namespace nubayes
