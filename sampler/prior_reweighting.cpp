#include "prior_reweighting.h"

#include "evidence.h"
#include "rng.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

bool bounded(PriorKind kind) { return kind == PriorKind::uniform || kind == PriorKind::log_uniform; }

std::string range_text(const PriorSpec& p) {
  std::ostringstream out;
  out << "[" << p.a << ", " << p.b << "]";
  return out.str();
}

/// First row of the final plateau the sampler writes when every live point shares one likelihood:
/// k >= 2 trailing rows with one ln L that all died with k live points (a normal end kills them
/// one by one, n falling to 1). Those rows share the volume left; none of them shrinks it.
std::size_t final_plateau_start(const std::vector<double>& logl, const std::vector<std::int64_t>& nlive) {
  const std::size_t n = logl.size();
  std::size_t start = n;
  while (start > 0 && logl[start - 1] == logl.back() && nlive[start - 1] == nlive.back()) --start;
  const std::size_t k = n - start;
  return k >= 2 && static_cast<std::int64_t>(k) == nlive.back() ? start : n;
}

double sample_sd(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

struct CompressionSpread {
  double logz_new = 0; ///< sd of ln Z'
  double delta = 0;    ///< sd of ln Z' - ln Z
};

/// Spread of ln Z' (and of ln Z' - ln Z) when the expected compressions exp(-1/n) that made the
/// run's weights are replaced by draws t ~ Beta(n, 1).
CompressionSpread simulate_compression(const std::vector<double>& logwt_old, const std::vector<double>& logwt_new,
                                       const std::vector<double>& logl, const std::vector<std::int64_t>& nlive,
                                       const ReweightOptions& options) {
  const std::size_t rows = logwt_old.size();
  const std::size_t plateau = final_plateau_start(logl, nlive);
  std::vector<double> old_k(rows), new_k(rows), logz_new, delta;
  for (std::size_t k = 0; k < options.realizations; ++k) {
    // Streams 1, 2, ...: stream 0 of this purpose draws the run's equal-weight posterior.
    Rng rng(options.seed, StreamPurpose::resample, k + 1);
    double log_x_sim = 0, log_x_expected = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      double shift = log_x_sim - log_x_expected; // plateau rows: the volume left, split evenly
      if (i < plateau) {
        const double n = static_cast<double>(std::max<std::int64_t>(nlive[i], 1));
        const double log_t_sim = std::log(rng.uniform_open()) / n, log_t_expected = -1.0 / n;
        shift += std::log(-std::expm1(log_t_sim)) - std::log(-std::expm1(log_t_expected));
        log_x_sim += log_t_sim;
        log_x_expected += log_t_expected;
      }
      old_k[i] = logwt_old[i] + shift;
      new_k[i] = logwt_new[i] + shift;
    }
    const double z_new = log_sum_exp(new_k);
    logz_new.push_back(z_new);
    delta.push_back(z_new - log_sum_exp(old_k));
  }
  return {sample_sd(logz_new), sample_sd(delta)};
}

} // namespace

bool in_support(const PriorSpec& prior, double x) {
  switch (prior.kind) {
  case PriorKind::uniform:
  case PriorKind::log_uniform: return x >= prior.a && x <= prior.b;
  case PriorKind::gaussian: return std::isfinite(x);
  case PriorKind::fixed: return x == prior.a;
  }
  return false;
}

std::optional<std::string> coverage_problem(const PriorSpec& old_prior, const PriorSpec& new_prior) {
  const std::string was = " (the run's prior is '" + old_prior.text() + "')";
  if (old_prior.kind == PriorKind::fixed) {
    if (new_prior.kind == PriorKind::fixed && new_prior.a == old_prior.a) return std::nullopt;
    return "the run holds it '" + old_prior.text() + "'; reweighting cannot free or move a fixed parameter";
  }
  if (new_prior.kind == PriorKind::fixed)
    return "the run samples it; fixing it changes the dimension of the problem, which reweighting cannot do" + was;
  if (new_prior.kind == PriorKind::gaussian) {
    if (old_prior.kind == PriorKind::gaussian) return std::nullopt;
    return "a gaussian has unbounded support, which the run's bounded prior cannot cover" + was;
  }
  // New prior bounded: inside a gaussian's support always, inside a bounded one if its range is.
  if (bounded(old_prior.kind) && (new_prior.a < old_prior.a || new_prior.b > old_prior.b))
    return "the new range " + range_text(new_prior) + " reaches outside the run's " + range_text(old_prior) +
           ", where the run has no samples" + was;
  return std::nullopt;
}

ReweightedEvidence reweight_evidence(const std::vector<double>& logwt, const std::vector<double>& logl,
                                     const std::vector<std::int64_t>& nlive, const std::vector<double>& log_ratio,
                                     const ReweightOptions& options) {
  const std::size_t rows = logwt.size();
  if (logl.size() != rows || nlive.size() != rows || log_ratio.size() != rows)
    throw std::invalid_argument("reweight_evidence: columns of different lengths");
  const EvidenceSummary before = summarize_evidence(logwt, logl, nlive);
  if (!std::isfinite(before.logz)) throw std::invalid_argument("the run's weights are all zero");

  ReweightedEvidence r;
  r.logwt.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) r.logwt[i] = log_ratio[i] == neg_inf ? neg_inf : logwt[i] + log_ratio[i];
  const EvidenceSummary after = summarize_evidence(r.logwt, logl, nlive);
  r.logz = after.logz;
  r.ess = after.ess;
  r.ess_original = before.ess;
  r.information = after.information;
  r.delta_logz = r.logz - before.logz;
  if (!std::isfinite(r.logz)) return r; // no row keeps weight: the caller refuses

  // Importance term: Var(ln rbar) = sum p_i^2 (r_i / rbar - 1)^2, with ln rbar = ln Z' - ln Z.
  double var_importance = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const double p = std::exp(logwt[i] - before.logz);
    if (p == 0) continue;
    const double deviation = (log_ratio[i] == neg_inf ? 0.0 : std::exp(log_ratio[i] - r.delta_logz)) - 1.0;
    var_importance += p * p * deviation * deviation;
  }
  const CompressionSpread spread = simulate_compression(logwt, r.logwt, logl, nlive, options);
  r.logz_err_importance = std::sqrt(var_importance);
  r.logz_err_compression = spread.logz_new;
  r.logz_err = std::hypot(r.logz_err_compression, r.logz_err_importance);
  r.delta_logz_err = std::hypot(spread.delta, r.logz_err_importance);
  return r;
}

} // namespace nubayes
