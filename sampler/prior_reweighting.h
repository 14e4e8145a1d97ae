#pragma once
// Prior sensitivity without re-running: the dead points of a finished nested-sampling run,
// reweighted by r = pi'(theta) / pi(theta), give the evidence and the posterior under a new prior
// pi' whose support lies inside the old one's:
//   Z' = sum_i L_i dX_i r_i,   so   ln Z' = ln Z + ln sum_i p_i r_i   (p_i = L_i dX_i / Z).
// Pure arithmetic on the run's columns; reading and writing run files is the caller's job.
#include "prior.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nubayes {

/// Whether x lies in the support of `prior` (bounds included; a fixed prior holds its value only).
bool in_support(const PriorSpec& prior, double x);

/// Why points drawn under `old_prior` cannot stand for `new_prior`, or nullopt if they can. The
/// new support must lie inside the old one (a bounded old prior cannot cover a gaussian), and a
/// fixed parameter stays fixed at its value (fixing a sampled one would change the dimension).
std::optional<std::string> coverage_problem(const PriorSpec& old_prior, const PriorSpec& new_prior);

struct ReweightOptions {
  std::size_t realizations = 200; ///< simulated prior-volume sequences for the compression error
  std::uint64_t seed = 1;         ///< of those simulations, so a reweighting is reproducible
};

struct ReweightedEvidence {
  std::vector<double> logwt;       ///< new unnormalised log weights ln(L dX r); -inf where r = 0
  double logz = 0;                 ///< ln Z' (-inf if no row keeps weight)
  double logz_err = 0;             ///< hypot(compression, importance)
  double logz_err_compression = 0; ///< sd of ln Z' over simulated shrinkages t ~ Beta(n, 1)
  double logz_err_importance = 0;  ///< delta-method sd of ln sum p r over the sample positions
  double delta_logz = 0;           ///< ln Z' - ln Z: the Bayes factor of the new prior against the old
  double delta_logz_err = 0;       ///< its error; the compression noise shared with ln Z mostly cancels
  double ess = 0;                  ///< Kish ESS of the new weights, (sum p r)^2 / sum (p r)^2
  double ess_original = 0;         ///< Kish ESS of the run's weights
  double information = 0;          ///< H' = KL(new posterior || new prior), nats
};

/// Reweights a nested-sampling record. logwt, logl, nlive: the run's /nested_sampling columns
/// (dead points in order of death, then the final live points); log_ratio: ln r per row, -inf
/// outside the new support. Throws std::invalid_argument if the columns differ in length or the
/// run's own weights are all zero.
///
/// Errors. Compression: each realization draws ln t_j = ln(U)/n_j for every death, rescales each
/// row's weight by its simulated volume width over the expected one (exp(-1/n_j) per death, as the
/// sampler used), and recomputes ln Z'; a final plateau shares the remaining volume. Importance:
/// the positions theta_i are random too; the linearised variance of the self-normalised mean
/// rbar = sum p_i r_i is sum p_i^2 (r_i - rbar)^2, so Var(ln rbar) = sum p_i^2 (r_i/rbar - 1)^2
/// (1/ESS' - 1/ESS for equal weights). The two are independent and add in quadrature.
ReweightedEvidence reweight_evidence(const std::vector<double>& logwt, const std::vector<double>& logl,
                                     const std::vector<std::int64_t>& nlive,
                                     const std::vector<double>& log_ratio, const ReweightOptions& options = {});

} // namespace nubayes
