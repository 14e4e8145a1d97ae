#pragma once
// Evidence, its error and the information from the dead-point record of a nested-sampling run.
#include <cstdint>
#include <vector>

namespace nubayes {

struct EvidenceSummary {
  double logz = 0;
  double logz_err = 0;    ///< standard deviation of ln Z from the volume-compression noise
  double information = 0; ///< H = KL(posterior || prior), in nats
  double ess = 0;         ///< Kish effective sample size of the weights
};

/// ln sum_i exp(x_i), without overflow; -inf for an empty x or all -inf.
double log_sum_exp(const std::vector<double>& x);

/// logwt: unnormalised log weights; logl: log-likelihoods; nlive: live points at each death.
/// The error uses Var(ln Z) = sum_j (1 - F_{j-1})^2 / n_j^2, where F is the posterior mass
/// accumulated before death j: the compression t_j ~ Exp(n_j) moves every later weight.
/// For constant n it reduces to Skilling's H/n. Trailing rows with one shared likelihood (a
/// final plateau, whose mass is split evenly) add no variance of their own.
EvidenceSummary summarize_evidence(const std::vector<double>& logwt, const std::vector<double>& logl,
                                   const std::vector<std::int64_t>& nlive);

/// Rows for an equal-weight posterior of `count` draws (systematic resampling, seeded).
std::vector<std::size_t> resample_equal_weight(const std::vector<double>& logwt, std::size_t count,
                                               std::uint64_t seed);

/// Kolmogorov-Smirnov p-value of samples against U(0,1).
double ks_uniform_pvalue(std::vector<double> samples);

/// Insertion-rank test (Fowlie, Handley & Su 2020): the KS p-value over all insertions and the
/// smallest p-value over consecutive chunks of `chunk` insertions, Bonferroni-corrected.
struct InsertionTest {
  double pvalue = 1;
  double chunk_pvalue = 1;
  std::size_t insertions = 0;
};
InsertionTest insertion_rank_test(const std::vector<double>& quantiles, std::size_t chunk);

} // namespace nubayes
