#include "posterior_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nubayes {

double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (order.empty() || total <= 0) return std::nan("");
  // Each point's CDF position is the middle of its weight step.
  double before = 0, prev_pos = 0, prev_val = values[order.front()];
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double w = weights[order[k]] / total;
    const double pos = before + 0.5 * w;
    const double val = values[order[k]];
    if (pos >= q) {
      if (k == 0 || pos == prev_pos) return val;
      return prev_val + (val - prev_val) * (q - prev_pos) / (pos - prev_pos);
    }
    before += w;
    prev_pos = pos;
    prev_val = val;
  }
  return values[order.back()];
}

MarginalSummary summarize_marginal(const std::vector<double>& values, const std::vector<double>& weights) {
  MarginalSummary s;
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (values.empty() || total <= 0) return s;
  double mean = 0;
  for (std::size_t i = 0; i < values.size(); ++i) mean += weights[i] * values[i];
  mean /= total;
  double var = 0;
  for (std::size_t i = 0; i < values.size(); ++i) var += weights[i] * (values[i] - mean) * (values[i] - mean);
  s.mean = mean;
  s.sd = std::sqrt(var / total);
  s.median = weighted_quantile(values, weights, 0.5);
  s.lo68 = weighted_quantile(values, weights, 0.15865525393145707);
  s.hi68 = weighted_quantile(values, weights, 0.8413447460685429);
  s.lo95 = weighted_quantile(values, weights, 0.025);
  s.hi95 = weighted_quantile(values, weights, 0.975);
  s.lower95 = weighted_quantile(values, weights, 0.05);
  s.upper95 = weighted_quantile(values, weights, 0.95);
  return s;
}

} // namespace nubayes
