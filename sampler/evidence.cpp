#include "evidence.h"

#include "rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nubayes {

double log_sum_exp(const std::vector<double>& x) {
  const double m = x.empty() ? -std::numeric_limits<double>::infinity() : *std::max_element(x.begin(), x.end());
  if (!std::isfinite(m)) return m;
  double s = 0;
  for (double v : x) s += std::exp(v - m);
  return m + std::log(s);
}

namespace {

/// Q_KS(lambda) = 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2), the Kolmogorov survival function.
double kolmogorov_survival(double lambda) {
  if (lambda < 1e-3) return 1.0;
  double sum = 0, sign = 1;
  for (int k = 1; k <= 200; ++k) {
    const double term = sign * std::exp(-2.0 * k * k * lambda * lambda);
    sum += term;
    if (std::abs(term) < 1e-16) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

} // namespace

EvidenceSummary summarize_evidence(const std::vector<double>& logwt, const std::vector<double>& logl,
                                   const std::vector<std::int64_t>& nlive) {
  EvidenceSummary s;
  s.logz = log_sum_exp(logwt);
  if (!std::isfinite(s.logz)) return s;
  // The last rows sharing one likelihood (a final plateau) split a known mass among themselves:
  // their own compressions move nothing.
  std::size_t plateau_start = logwt.size();
  while (plateau_start > 0 && logl[plateau_start - 1] == logl.back()) --plateau_start;
  if (logwt.size() - plateau_start < 2) plateau_start = logwt.size();
  double h = 0, cumulative = 0, var = 0, sumw2 = 0;
  for (std::size_t i = 0; i < logwt.size(); ++i) {
    const double n = static_cast<double>(std::max<std::int64_t>(nlive[i], 1));
    const double remaining = std::max(0.0, 1.0 - cumulative);
    if (i < plateau_start) var += remaining * remaining / (n * n);
    const double p = std::exp(logwt[i] - s.logz);
    if (p > 0) h += p * logl[i];
    cumulative += p;
    sumw2 += p * p;
  }
  s.information = std::max(0.0, h - s.logz);
  s.logz_err = std::sqrt(var);
  s.ess = sumw2 > 0 ? 1.0 / sumw2 : 0;
  return s;
}

std::vector<std::size_t> resample_equal_weight(const std::vector<double>& logwt, std::size_t count,
                                               std::uint64_t seed) {
  std::vector<std::size_t> rows;
  const double logz = log_sum_exp(logwt);
  if (count == 0 || !std::isfinite(logz)) return rows;
  Rng rng(seed, StreamPurpose::resample, 0);
  const double step = 1.0 / static_cast<double>(count);
  double target = rng.uniform() * step, cumulative = 0;
  for (std::size_t i = 0; i < logwt.size() && rows.size() < count; ++i) {
    cumulative += std::exp(logwt[i] - logz);
    while (target < cumulative && rows.size() < count) {
      rows.push_back(i);
      target += step;
    }
  }
  while (rows.size() < count) rows.push_back(logwt.size() - 1); // round-off at the very end
  // Shuffle so that consecutive draws are not ordered by likelihood.
  for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
  return rows;
}

double ks_uniform_pvalue(std::vector<double> x) {
  if (x.empty()) return 1.0;
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    d = std::max(d, static_cast<double>(i + 1) / n - x[i]);
    d = std::max(d, x[i] - static_cast<double>(i) / n);
  }
  const double sn = std::sqrt(n);
  return kolmogorov_survival((sn + 0.12 + 0.11 / sn) * d); // Stephens' small-n correction
}

InsertionTest insertion_rank_test(const std::vector<double>& q, std::size_t chunk) {
  InsertionTest t;
  t.insertions = q.size();
  t.pvalue = ks_uniform_pvalue(q);
  chunk = std::max<std::size_t>(chunk, 1);
  const std::size_t chunks = q.size() / chunk;
  double smallest = 1.0;
  for (std::size_t c = 0; c < chunks; ++c)
    smallest = std::min(smallest, ks_uniform_pvalue(std::vector<double>(
                                      q.begin() + static_cast<long>(c * chunk),
                                      q.begin() + static_cast<long>((c + 1) * chunk))));
  t.chunk_pvalue = chunks ? std::min(1.0, smallest * static_cast<double>(chunks)) : t.pvalue;
  return t;
}

} // namespace nubayes
