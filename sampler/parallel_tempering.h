#pragma once
// Parallel tempering (replica exchange) over the unit cube of the prior, with the evidence by
// thermodynamic integration and by stepping stones.
//
// Target of rung i: p_i(u) ∝ L(u)^β_i on [0,1]^d (the prior is uniform in u), with the ladder
// β_0 = 1 > β_1 > … > β_{K−1} = β_min. Both ends are fixed; the interior starts geometric.
//
// * Moves: every replica makes one adaptive random-walk Metropolis move per step (as
//   AdaptiveMetropolis: Andrieu & Thoms 2008 algorithm 4, weight γ_t = (t + 1)^−adapt_exponent,
//   Robbins–Monro scale towards 23.4 %). Adaptation is per TEMPERATURE: the mean/covariance/scale
//   belong to the rung (the slot (ladder, rung)), not to the point that swaps through it, and the
//   proposal shape of a rung is the average over ladders of that rung's covariances. Proposal
//   adaptation is diminishing and, by default, stops at the end of burn-in (adapt_after_burn).
// * Swaps: after the moves, neighbouring pairs (i, i+1) with i even (odd steps) or i odd (even
//   steps) propose to exchange states, accepted with min(1, exp((β_i − β_{i+1})(ln L_{i+1} −
//   ln L_i))). No likelihood call.
// * Ladder adaptation (Vousden, Farr & Mandel 2016, MNRAS 455, 1919), during burn-in only, frozen
//   afterwards: with the gaps g_i = ln β_i − ln β_{i+1} (i = 0..K−2) and S_i = ln g_i,
//   S_i += κ_t (A_i − Ā), κ_t = (1/ladder_nu) t0/(t + t0), A_i the Rao–Blackwellised swap
//   acceptance probability of pair i at its latest attempt averaged over ladders, Ā their mean;
//   the gaps are then rescaled so that Σ g_i = ln(1/β_min) (both ends stay put). This is
//   Vousden et al.'s log-spacing update (their S_i = ln(T_{i+1} − T_i), dS_i = κ(A_i − A_{i+1}))
//   written for a ladder with a fixed finite hottest rung: a pair that accepts more than average
//   widens, one that accepts less narrows, until the rates are equal. ν defaults to 10 (Vousden
//   et al. use 100 over far longer runs; with 100 and 3000 burn-in steps the rates were still
//   0.5 … 1.0 at the end of burn-in, with 10 they are within ±3 %). All ladders share one
//   β ladder (their acceptances are pooled), so per-temperature averages pool over ladders.
// * Several independent ladders (nladders): separate starting points and streams; the evidence
//   error also comes from their scatter. The proposals of all replicas of all ladders at one step
//   are one batch, split over the ranks in contiguous blocks: one allgather per step.
//
// Streams: every random number comes from Rng(seed, StreamPurpose::mcmc, key) with the key a
// hash of (parallel-tempering tag, task kind, replica or ladder, step/attempt); never the rank.
// Same seed → bit-identical runs for any rank count.
//
// Evidence (thermodynamic_evidence):
//   TI:  ln Z = ∫_0^1 ⟨ln L⟩_β dβ. Over [β_{i+1}, β_i] the rung means m and variances v (v =
//        d⟨ln L⟩_β/dβ, Friel, Hurn & Wyse 2014) fix f(x) = A + B x + C/x + D ln x on
//        x = β/β_i, integrated exactly (lnz_ti, the reported value): exact where ⟨ln L⟩_β is
//        linear in β (near the prior) and where it is c − d/(2β) (a Gaussian posterior). The
//        plain trapezoid h (m_i + m_{i+1})/2 is kept as lnz_ti_trapezoid. (The trapezoid with
//        the h²/12 (v_i − v_{i+1}) correction, used before, was 7 sigma high on corr-gauss-10d.)
//        The end [0, β_min]: ⟨ln L⟩_0 (the prior mean) is estimated by the hottest rung's mean (a rectangle β_min m_{K−1}); with
//        β_min = 1e−6 the piece is negligible unless the prior mean of ln L is below ~ −1e4.
//        Errors: within = sqrt(Σ w_i² s_i²) with trapezoid weights w_i and s_i = sd_i/sqrt(ESS_i)
//        (ESS from ess_basic over the ladders' chains of rung i; correlations between rungs
//        ignored, so this underestimates: swaps correlate neighbouring rungs); between = sd of
//        the estimates from blocks (each ladder's recorded draws cut into 4 consecutive batches
//        when it has >= 80 draws) / sqrt(blocks): it sees the scatter between ladders AND the
//        correlations between rungs, with nladders x 4 − 1 degrees of freedom rather than
//        nladders − 1 (the per-ladder scatter alone, err_ti_ladders, is reported too; used as
//        the error it gave rms z 1.51 with 4 ladders and 1.35 with 8 over 30 seeds on gauss
//        d = 10, too noisy); err = max(within, between).
//   SS:  ln Z = Σ_i ln ⟨exp((β_i − β_{i+1}) ln L)⟩_{β_{i+1}} (Xie et al. 2011), log-sum-exp, plus
//        the end ln ⟨exp(β_min ln L)⟩_0 approximated by β_min m_{K−1}. Within error by the delta
//        method with the ESS of the weights; between as for TI; err = max.
// Calibration through `nubayes run` (burn 3000, 6000 steps, default ladder of 15 rungs, 8
// ladders): gauss d = 10, 30 seeds: TI bias −0.0001, scatter 0.030 vs mean reported error 0.034,
// rms z 0.87; shells, 30 seeds: bias +0.005, scatter 0.013 vs 0.013, rms z 1.05; corr-gauss
// d = 10, 20 seeds: bias +0.034, scatter 0.141 vs 0.156, rms z 0.89. Stepping stones: rms z
// 0.86, 1.00, 0.96.
#include "communicator.h"
#include "mcmc_samplers.h"
#include "problem.h"
#include "state_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nubayes {

struct PtOptions {
  std::uint64_t seed = 1;
  std::size_t nladders = 8;         ///< independent ladders; 8 keeps the TI error calibrated (4 gave rms pulls of 1.36 over 30 seeds)
  std::size_t ntemps = 0;           ///< rungs K per ladder; 0 = default_temperatures(d, beta_min)
  double beta_min = 1e-6;           ///< hottest rung's β (fixed)
  std::size_t burn = 2000;          ///< steps discarded by run_parallel_tempering(); the ladder adapts only then
  std::size_t nsteps = 5000;        ///< steps recorded after burn
  std::size_t thin = 1;             ///< record every thin-th step
  double target_acceptance = 0.234; ///< random-walk Robbins–Monro target
  double adapt_exponent = 0.6;      ///< proposal adaptation weight (t + 1)^-adapt_exponent
  double initial_sd = 0.1;          ///< initial proposal covariance initial_sd^2 I
  /// Keep adapting the proposals (diminishingly) after burn-in. Off by default: adaptation whose
  /// steps depend on the current point (Robbins-Monro scale shrinking near the cube's faces)
  /// biases the tempered averages by O(0.1) in ln L at the hot rungs (gauss d = 10: ln Z +0.18,
  /// 3-7 sigma), so by default every adaptation stops at the end of burn-in and the recorded
  /// chains are exact Metropolis chains.
  bool adapt_after_burn = false;
  double ladder_nu = 10;            ///< ladder adaptation: κ_t = (1/ν) t0/(t + t0)
  double ladder_t0 = 1000;
  bool adapt_ladder = true;
  std::size_t max_init_rounds = 1000;
  std::vector<double> initial_u; ///< starting points (replicas x d) instead of prior draws; finite ln L each
};

/// Default rungs: max(ceil(ln(1/β_min)) + 1, ceil(sqrt(d) ln(1/β_min) / 3)). The second term is the
/// ~sqrt(d) scaling of the number of temperatures needed for a fixed swap acceptance; the first
/// keeps the gaps in ln β at or below 1, which the thermodynamic integral needs even where swaps
/// would accept with fewer rungs (shells, d = 2: 8 rungs gave ln Z +0.09 = 6 sigma off, 12 gave
/// +0.017). β_min = 1e-6: 15 rungs for d <= 10.
std::size_t default_temperatures(std::size_t ndim, double beta_min);

/// Everything a run needs to continue: a plain value. Replica r = ladder * K + rung.
struct PtState {
  std::uint64_t step = 0;
  std::uint64_t nlike = 0;
  bool initialized = false;
  std::size_t ndim = 0, nladders = 0, ntemps = 0;
  std::vector<double> betas;            ///< K
  std::vector<double> u;                ///< replicas x d
  std::vector<double> logl;             ///< replicas
  std::vector<double> extras;           ///< replicas x nextra: ln L terms and derived quantities
  std::vector<double> mean;             ///< replicas x d (slot adaptation)
  std::vector<double> cov;              ///< replicas x d x d
  std::vector<double> log_scale;        ///< replicas
  std::vector<std::uint64_t> naccepted; ///< replicas: accepted moves
  std::vector<std::uint8_t> accepted;   ///< replicas: the last move was accepted
  std::vector<double> swap_alpha;       ///< K-1: latest acceptance probability, mean over ladders
  std::vector<std::uint64_t> swap_tries;   ///< K-1: attempts after burn-in (all ladders)
  std::vector<std::uint64_t> swap_accepts; ///< K-1: accepted after burn-in

  std::size_t nreplicas() const { return nladders * ntemps; }
  /// Post-burn-in swap acceptance fraction of each pair (NaN before any attempt).
  std::vector<double> swap_acceptance() const;
  void save(StateFile& file, const std::string& prefix = "pt/") const;
  static PtState load(const StateFile& file, const std::string& prefix = "pt/");
  bool operator==(const PtState&) const = default;
};

class ParallelTempering {
public:
  ParallelTempering(const Problem& problem, const PtOptions& options, const Communicator& comm);
  /// Starting points uniform in the cube, geometric ladder (collective).
  void initialize();
  /// One move per replica (one batch, one allgather), swaps, adaptation (collective).
  void step();
  const PtState& state() const { return state_; }
  /// Replaces the state; throws std::invalid_argument if it does not fit.
  void set_state(PtState state);
  std::size_t ntemps() const { return ntemps_; }

private:
  const Problem& problem_;
  PtOptions options_;
  const Communicator& comm_;
  std::size_t ntemps_;
  PtState state_;
};

struct PtEvidence {
  double lnz_ti = 0;           ///< corrected trapezoid (the TI estimate)
  double err_ti = 0;           ///< max(err_ti_within, err_ti_between)
  double err_ti_within = 0;    ///< from per-rung ESS, rungs taken as independent
  double err_ti_between = 0;   ///< scatter of the (ladder, batch) block estimates / sqrt(blocks)
  double err_ti_ladders = 0;   ///< scatter of the per-ladder estimates / sqrt(nladders) (information)
  double lnz_ti_trapezoid = 0; ///< plain trapezoid (no variance correction)
  double lnz_ss = 0, err_ss = 0, err_ss_within = 0, err_ss_between = 0, err_ss_ladders = 0;
  std::vector<double> mean_logl, var_logl, ess_logl; ///< per rung
  std::vector<double> lnz_ti_ladder, lnz_ss_ladder;  ///< per ladder
};

/// Evidence from post-burn-in ln L draws logl[rung][ladder][draw] at the ladder `betas`
/// (decreasing, betas[0] = 1). Throws std::invalid_argument on ragged input.
PtEvidence thermodynamic_evidence(const std::vector<double>& betas,
                                  const std::vector<std::vector<std::vector<double>>>& logl);

struct PtResult {
  McmcResult posterior;   ///< the β = 1 rung of each ladder (one chain per ladder)
  std::vector<double> betas;
  std::vector<std::vector<std::vector<double>>> logl; ///< [rung][ladder][draw], recorded steps
  std::vector<double> swap_acceptance;                ///< per pair, after burn-in
  PtEvidence evidence;
  std::uint64_t nlike = 0, steps = 0;
};

/// Runs burn + nsteps steps (collective) and computes the evidence.
PtResult run_parallel_tempering(const Problem& problem, const PtOptions& options, const Communicator& comm);

} // namespace nubayes
