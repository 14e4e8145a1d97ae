#pragma once
// MCMC samplers over the unit cube of the prior, with replicated state over MPI ranks.
//
// * Adaptive Metropolis (Haario, Saksman & Tamminen 2001) with diminishing adaptation
//   (Andrieu & Thoms 2008, algorithm 4): each chain tracks the mean and covariance of its own
//   history with weight gamma_t = (t + 1)^-0.6, and its own global scale (starting at 2.38^2/d)
//   driven towards 23.4 % acceptance by Robbins-Monro. Several chains with their own streams,
//   started uniformly from the prior; each step evaluates one proposal per chain. By default the
//   proposal shape is the average of the chains' covariances (each about its own mean; inter-chain
//   adaptation, Craiu, Rosenthal & Yang 2009): a chain stranded in a steep, narrow tail cannot
//   learn the shape from its own crawl (its covariance collapses), but borrows it from the
//   chains that reached the bulk. The chains are then exchangeable rather than independent.
// * The affine-invariant ensemble sampler (Goodman & Weare 2010) with the stretch move (a = 2)
//   and the split-ensemble update (Foreman-Mackey et al. 2013): the walkers form two halves;
//   all walkers of one half are proposed against the other half and evaluated at once.
//
// As in the nested sampler, every rank holds the same state and makes the same decisions; only
// likelihood calls are split. A batch of proposals (one per chain, or one per walker of a half)
// is shared out in contiguous blocks over the ranks, evaluated, and gathered in proposal order
// with one allgather. Every random number comes from the stream
// (seed, StreamPurpose::mcmc, key(chain or walker, step)), never from the rank, so the same
// seed and rank count give bit-identical chains. The samplers work in u: the prior is uniform
// there, so the target is proportional to L(u) on [0,1]^d and points outside the cube get
// ln L = -inf without a call.
#include "communicator.h"
#include "problem.h"
#include "state_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nubayes {

struct McmcOptions {
  std::uint64_t seed = 1;
  std::size_t nchains = 4;        ///< adaptive Metropolis: independent chains
  std::size_t nwalkers = 0;       ///< ensemble: walkers (even, >= 2d + 2); 0 = max(32, 4d) rounded up to even
  std::size_t burn = 1000;        ///< steps discarded by run_*()
  std::size_t nsteps = 5000;      ///< steps recorded by run_*() (after burn)
  std::size_t thin = 1;           ///< record every thin-th step
  double stretch = 2.0;           ///< ensemble: stretch-move scale a
  double target_acceptance = 0.234; ///< adaptive Metropolis: Robbins-Monro target
  double adapt_exponent = 0.6;    ///< adaptive Metropolis: adaptation weight gamma_t = (t + 1)^-adapt_exponent
  bool pool_covariance = true;    ///< adaptive Metropolis: propose with the average of the chains' covariances (INCA)
  double initial_sd = 0.1;        ///< adaptive Metropolis: initial proposal covariance initial_sd^2 I (in u)
  std::size_t max_init_rounds = 1000; ///< redraws of starting points with ln L = -inf before giving up
  /// Starting points (chains or walkers x d, cube coordinates) instead of prior draws, e.g. from
  /// a nested-sampling posterior; each must have a finite ln L.
  std::vector<double> initial_u;
};

/// Draws of a run: [chain][draw][param] (walkers count as chains for the ensemble).
struct McmcResult {
  std::vector<std::vector<std::vector<double>>> theta; ///< all physical parameters, [prior] order
  std::vector<std::vector<std::vector<double>>> u;     ///< cube coordinates (sampled parameters)
  std::vector<std::vector<double>> logl;
  std::vector<std::vector<std::uint8_t>> accepted;     ///< the step that produced the draw moved
  std::uint64_t nlike = 0;                             ///< likelihood calls, burn-in and start included
  std::uint64_t steps = 0;                             ///< steps taken, burn-in included
  /// Accepted fraction of the recorded steps.
  double acceptance_fraction() const;
};

/// State of one adaptive Metropolis chain.
struct AmChain {
  std::vector<double> u;      ///< current point (cube)
  double logl = 0;
  std::vector<double> extras; ///< ln L terms and derived quantities at u (see extras_per_point)
  std::vector<double> mean;   ///< adapted mean (d)
  std::vector<double> cov;    ///< adapted covariance (d x d, row-major)
  double log_scale = 0;       ///< ln of the global scale lambda (proposal covariance lambda * cov)
  std::uint8_t accepted = 0;  ///< the last step moved
  std::uint64_t naccepted = 0;
  bool operator==(const AmChain&) const = default;
};

/// Everything an adaptive Metropolis run needs to continue: a plain value.
struct AmState {
  std::uint64_t step = 0;     ///< steps taken (0 = only the starting points)
  std::uint64_t nlike = 0;
  bool initialized = false;
  std::vector<AmChain> chains;

  /// Writes the state under `prefix` (e.g. "mcmc/").
  void save(StateFile& file, const std::string& prefix = "mcmc/") const;
  /// Reads a state written by save(); throws std::runtime_error if entries are missing or inconsistent.
  static AmState load(const StateFile& file, const std::string& prefix = "mcmc/");
  bool operator==(const AmState&) const = default;
};

/// Everything an ensemble run needs to continue.
struct EnsembleState {
  std::uint64_t step = 0;
  std::uint64_t nlike = 0;
  bool initialized = false;
  std::size_t ndim = 0;
  std::vector<double> u;                 ///< walker positions (nwalkers x d, row-major)
  std::vector<double> logl;              ///< per walker
  std::vector<double> extras;            ///< per walker: ln L terms and derived quantities (nwalkers x nextra)
  std::vector<std::uint8_t> accepted;    ///< per walker: the last step moved it
  std::uint64_t naccepted = 0;           ///< over all walkers and steps

  std::size_t nwalkers() const { return logl.size(); }
  void save(StateFile& file, const std::string& prefix = "mcmc/") const;
  static EnsembleState load(const StateFile& file, const std::string& prefix = "mcmc/");
  bool operator==(const EnsembleState&) const = default;
};

class AdaptiveMetropolis {
public:
  AdaptiveMetropolis(const Problem& problem, const McmcOptions& options, const Communicator& comm);
  /// Draws the starting points uniformly from the prior and evaluates them (collective).
  void initialize();
  /// One proposal per chain, evaluated across ranks, accepted or rejected, then adaptation (collective).
  void step();
  const AmState& state() const { return state_; }
  /// Replaces the state (e.g. one loaded from a checkpoint); throws std::invalid_argument if it
  /// does not fit the problem and options.
  void set_state(AmState state);

private:
  const Problem& problem_;
  McmcOptions options_;
  const Communicator& comm_;
  AmState state_;
};

class EnsembleSampler {
public:
  EnsembleSampler(const Problem& problem, const McmcOptions& options, const Communicator& comm);
  void initialize();
  /// Updates the first half against the second, then the second against the first (two batches).
  void step();
  const EnsembleState& state() const { return state_; }
  void set_state(EnsembleState state);
  std::size_t nwalkers() const { return nwalkers_; }

private:
  void update_half(const std::vector<std::size_t>& order, std::size_t half);

  const Problem& problem_;
  McmcOptions options_;
  const Communicator& comm_;
  std::size_t nwalkers_;
  EnsembleState state_;
};

/// The walker count used for `options` on a d-dimensional problem.
std::size_t ensemble_walkers(const McmcOptions& options, std::size_t ndim);

/// Runs burn + nsteps steps (collective) and returns the recorded draws.
McmcResult run_adaptive_metropolis(const Problem& problem, const McmcOptions& options,
                                   const Communicator& comm);
McmcResult run_ensemble(const Problem& problem, const McmcOptions& options, const Communicator& comm);


} // namespace nubayes
