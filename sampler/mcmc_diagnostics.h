#pragma once
// MCMC convergence diagnostics: rank-normalised split-R̂, bulk and tail ESS (Vehtari, Gelman,
// Simpson, Carpenter & Bürkner 2021, "Rank-normalization, folding, and localization: an improved
// R-hat for assessing convergence of MCMC", Bayesian Analysis 16, 667), Stan's multi-chain ESS
// estimator (Geyer's initial positive and monotone sequences), the integrated autocorrelation
// time, and emcee's single-chain estimator with Sokal's automatic window.
//
// Layout: the draws of ONE scalar parameter are passed as chains[chain][draw]
// (std::vector<std::vector<double>>), every chain the same length; the Eigen overloads take a
// matrix with one row per chain and one column per draw. Ragged or empty input throws
// std::invalid_argument. A quantity that cannot be estimated (a non-finite draw, all draws equal,
// split chains shorter than 3 draws) is NaN; converged() treats NaN as not converged.
#include <Eigen/Core>
#include <vector>

namespace nubayes {

/// Per-parameter diagnostics.
struct ChainDiagnostics {
  double rhat;     ///< max(bulk R̂, tail R̂): rank-normalised split-R̂ of the draws and of |θ − median|
  double ess_bulk; ///< Stan's ESS of the rank-normalised split chains
  double ess_tail; ///< min of the ESS of I(θ ≤ q05) and I(θ ≤ q95) on split chains
  double tau;      ///< integrated autocorrelation time S / ESS of the raw (not rank-normalised) split chains
};

using Chains = std::vector<std::vector<double>>;

/// All diagnostics of one parameter.
ChainDiagnostics diagnose(const Chains& chains);
/// Same, rows = chains, columns = draws.
ChainDiagnostics diagnose(const Eigen::Ref<const Eigen::MatrixXd>& chains);
/// Every parameter at once: chains[c] is chain c with one row per draw and one column per
/// parameter (all chains the same shape); returns one entry per column.
std::vector<ChainDiagnostics> diagnose_parameters(const std::vector<Eigen::MatrixXd>& chains);

/// R̂ = max(rhat_bulk, rhat_tail), as recommended by Vehtari et al. (2021).
double rhat(const Chains& chains);
/// Split-R̂ on rank-normalised draws (detects differences in location).
double rhat_bulk(const Chains& chains);
/// Split-R̂ on rank-normalised folded draws |θ − median(θ)| (detects differences in scale).
double rhat_tail(const Chains& chains);
/// Classic (Gelman et al. BDA3) split-R̂ of the draws as given, no rank normalisation.
double rhat_basic(const Chains& chains, bool split = true);

/// Stan's ESS of the rank-normalised split chains.
double ess_bulk(const Chains& chains);
/// min(ESS of I(θ ≤ q05), ESS of I(θ ≤ q95)) on split chains (quantiles: R's type 7).
double ess_tail(const Chains& chains);
/// Stan's multi-chain ESS of the draws as given (split into halves first when split).
/// Capped at S·log10(S) for S draws in all, as in Stan and posterior.
double ess_basic(const Chains& chains, bool split = true);

/// Multi-chain integrated autocorrelation time τ = S / ess_basic(chains, true), i.e. Stan's τ̂
/// (S counts the draws kept in the split chains: the middle draw of odd-length chains is dropped).
/// Like Stan's it is ≥ 1/log10(S), and below 1 for antithetic chains.
double integrated_time(const Chains& chains);

/// emcee's estimator (emcee.autocorr.integrated_time): the FFT autocorrelation function of each
/// chain (normalised to 1 at lag 0) is averaged over chains, τ(M) = 2 Σ_{t≤M} ρ_t − 1, and M is
/// Sokal's automatic window, the smallest M with M ≥ c τ(M) (the last lag when none is).
/// emcee refuses when 50 τ > draws per chain; here the estimate is returned regardless, and the
/// caller should treat it as unreliable in that case.
double integrated_time_emcee(const Chains& chains, double c = 5);

/// Verdict of Vehtari et al. (2021): every parameter has R̂ < rhat_max and bulk and tail ESS
/// ≥ ess_min (400 = 100 per chain for 4 chains, the paper's recommendation). NaN fails, and an
/// empty list is not converged.
bool converged(const std::vector<ChainDiagnostics>& diagnostics, double rhat_max = 1.01,
               double ess_min = 400);

// Building blocks, exposed for tests and other samplers.

/// Each chain of N draws becomes two chains of floor(N/2) draws (the middle draw dropped when N is odd).
Chains split_chains(const Chains& chains);
/// Φ⁻¹((r − 3/8)/(S + 1/4)) with r the fractional (average-tie) rank of each draw among all S draws
/// (±inf draws are ranked; a NaN draw makes every output NaN).
Chains rank_normalize(const Chains& chains);
/// Biased (divide-by-N) autocovariance of one chain at lags 0..N−1, by zero-padded FFT (GSL).
std::vector<double> autocovariance(const std::vector<double>& x);

} // namespace nubayes
