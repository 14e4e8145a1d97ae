#pragma once
// Weighted one-dimensional posterior summaries (mean, sd, median, central credible intervals,
// one-sided limits).
#include <vector>

namespace nubayes {

struct MarginalSummary {
  double mean = 0, sd = 0, median = 0;
  double lo68 = 0, hi68 = 0, lo95 = 0, hi95 = 0;
  /// One-sided 95 % limits: 95 % of the posterior lies above `lower95`, 95 % below `upper95`.
  double lower95 = 0, upper95 = 0;
};

/// values and non-negative weights (need not be normalised).
MarginalSummary summarize_marginal(const std::vector<double>& values, const std::vector<double>& weights);

/// Weighted quantile q in [0,1] (linear interpolation of the weighted CDF at point centres).
double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q);

} // namespace nubayes
