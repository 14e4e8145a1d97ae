#include "mcmc_diagnostics.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nubayes {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_shape(const Chains& chains) {
  if (chains.empty()) throw std::invalid_argument("mcmc diagnostics: no chains");
  const std::size_t n = chains.front().size();
  if (n == 0) throw std::invalid_argument("mcmc diagnostics: empty chain");
  for (const auto& c : chains)
    if (c.size() != n)
      throw std::invalid_argument("mcmc diagnostics: chains differ in length (" + std::to_string(c.size()) +
                                  " and " + std::to_string(n) + " draws)");
}

// posterior's should_return_NA: a non-finite draw, or every draw the same value.
bool degenerate(const Chains& chains) {
  const double first = chains.front().front();
  bool all_equal = true;
  for (const auto& c : chains)
    for (double v : c) {
      if (!std::isfinite(v)) return true;
      if (v != first) all_equal = false;
    }
  return all_equal;
}

std::vector<double> flatten(const Chains& chains) {
  std::vector<double> all;
  all.reserve(chains.size() * chains.front().size());
  for (const auto& c : chains) all.insert(all.end(), c.begin(), c.end());
  return all;
}

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / x.size(); }

// Sample variance (n − 1 denominator).
double variance(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / (x.size() - 1.0);
}

// R's default (type 7) quantile of a sorted vector.
double quantile_sorted(const std::vector<double>& sorted, double p) {
  const double h = (sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

double median(const Chains& chains) {
  std::vector<double> all = flatten(chains);
  std::sort(all.begin(), all.end());
  return quantile_sorted(all, 0.5);
}

Chains fold(const Chains& chains) {
  const double med = median(chains);
  Chains out = chains;
  for (auto& c : out)
    for (double& v : c) v = std::abs(v - med);
  return out;
}

Chains indicator_below(const Chains& chains, double q) {
  Chains out = chains;
  for (auto& c : out)
    for (double& v : c) v = v <= q ? 1.0 : 0.0;
  return out;
}

// Stan's ESS (stan::analyze::compute_effective_sample_size; posterior:::.ess) of chains already
// split as wanted, together with the τ̂ it divides by.
struct EssResult {
  double ess, tau;
};

EssResult ess_of(const Chains& chains) {
  check_shape(chains);
  const std::size_t m = chains.size();
  const std::size_t n = chains.front().size();
  if (n < 3 || degenerate(chains)) return {kNaN, kNaN};

  std::vector<std::vector<double>> acov(m);
  std::vector<double> chain_mean(m);
  for (std::size_t c = 0; c < m; ++c) {
    acov[c] = autocovariance(chains[c]);
    chain_mean[c] = mean(chains[c]);
  }
  const auto acov_mean = [&](std::size_t t) {
    double s = 0;
    for (std::size_t c = 0; c < m; ++c) s += acov[c][t];
    return s / m;
  };
  const double nd = static_cast<double>(n);
  const double mean_var = acov_mean(0) * nd / (nd - 1); // W
  double var_plus = mean_var * (nd - 1) / nd;
  if (m > 1) var_plus += variance(chain_mean); // + B / n
  const auto rho = [&](std::size_t t) { return 1 - (mean_var - acov_mean(t)) / var_plus; };

  // Geyer's initial positive sequence: pairs (even, odd) while their sum stays positive; the
  // last pair is left out (its even term kept) to reduce variance for antithetic chains.
  std::vector<double> rho_hat(n, 0.0);
  const long nl = static_cast<long>(n);
  long t = 0;
  double rho_even = 1, rho_odd = rho(1);
  rho_hat[0] = rho_even;
  rho_hat[1] = rho_odd;
  while (t < nl - 5 && !std::isnan(rho_even + rho_odd) && rho_even + rho_odd > 0) {
    t += 2;
    rho_even = rho(t);
    rho_odd = rho(t + 1);
    if (rho_even + rho_odd >= 0) {
      rho_hat[t] = rho_even;
      rho_hat[t + 1] = rho_odd;
    }
  }
  const long max_t = t;
  if (rho_even > 0) rho_hat[max_t] = rho_even;

  // Geyer's initial monotone sequence.
  for (t = 2; t <= max_t - 2; t += 2) {
    if (rho_hat[t] + rho_hat[t + 1] > rho_hat[t - 2] + rho_hat[t - 1]) {
      rho_hat[t] = (rho_hat[t - 2] + rho_hat[t - 1]) / 2;
      rho_hat[t + 1] = rho_hat[t];
    }
  }

  const double total = static_cast<double>(m * n);
  double tau = -1 + rho_hat[max_t];
  for (long k = 0; k < max_t; ++k) tau += 2 * rho_hat[k];
  // Safety for negative values, and ESS at most S log10 S.
  tau = std::max(tau, 1 / std::log10(total));
  return {total / tau, tau};
}

// Split-R̂ (BDA3) of chains already split and transformed as wanted.
double rhat_of(const Chains& chains) {
  const std::size_t m = chains.size();
  const std::size_t n = chains.front().size();
  if (n < 2 || m < 2 || degenerate(chains)) return kNaN;
  std::vector<double> chain_mean(m), chain_var(m);
  for (std::size_t c = 0; c < m; ++c) {
    chain_mean[c] = mean(chains[c]);
    chain_var[c] = variance(chains[c]);
  }
  const double nd = static_cast<double>(n);
  const double between = nd * variance(chain_mean);
  const double within = mean(chain_var);
  return std::sqrt((between / within + nd - 1) / nd);
}

Chains to_chains(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  Chains out(static_cast<std::size_t>(m.rows()), std::vector<double>(static_cast<std::size_t>(m.cols())));
  for (Eigen::Index c = 0; c < m.rows(); ++c)
    for (Eigen::Index d = 0; d < m.cols(); ++d) out[c][d] = m(c, d);
  return out;
}

} // namespace

Chains split_chains(const Chains& chains) {
  check_shape(chains);
  const std::size_t n = chains.front().size();
  if (n == 1) return chains;
  const std::size_t half = n / 2;
  Chains out;
  out.reserve(2 * chains.size());
  for (const auto& c : chains) {
    out.emplace_back(c.begin(), c.begin() + half);
    out.emplace_back(c.end() - half, c.end());
  }
  return out;
}

Chains rank_normalize(const Chains& chains) {
  check_shape(chains);
  const std::size_t n = chains.front().size();
  for (const auto& c : chains)
    for (double v : c)
      if (std::isnan(v)) return Chains(chains.size(), std::vector<double>(n, kNaN)); // no ranks
  const std::vector<double> all = flatten(chains);
  const std::size_t s = all.size();
  std::vector<std::size_t> order(s);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return all[a] < all[b]; });
  std::vector<double> z(s);
  for (std::size_t i = 0; i < s;) {
    std::size_t j = i + 1;
    while (j < s && all[order[j]] == all[order[i]]) ++j;
    const double rank = 0.5 * (static_cast<double>(i + 1) + static_cast<double>(j)); // average of ranks i+1..j
    const double zr = gsl_cdf_ugaussian_Pinv((rank - 0.375) / (static_cast<double>(s) + 0.25));
    for (std::size_t k = i; k < j; ++k) z[order[k]] = zr;
    i = j;
  }
  Chains out(chains.size(), std::vector<double>(n));
  for (std::size_t c = 0; c < chains.size(); ++c)
    std::copy(z.begin() + c * n, z.begin() + (c + 1) * n, out[c].begin());
  return out;
}

std::vector<double> autocovariance(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n == 0) return {};
  std::size_t len = 1;
  while (len < 2 * n) len <<= 1; // zero padding to ≥ 2N makes the circular correlation linear
  const double mu = mean(x);
  std::vector<double> buf(len, 0.0);
  for (std::size_t i = 0; i < n; ++i) buf[i] = x[i] - mu;
  gsl_fft_real_radix2_transform(buf.data(), 1, len);
  // Halfcomplex layout: Re z_k = buf[k] (k ≤ len/2), Im z_k = buf[len − k]. Replace by |z_k|².
  buf[0] *= buf[0];
  buf[len / 2] *= buf[len / 2];
  for (std::size_t k = 1; k < len / 2; ++k) {
    buf[k] = buf[k] * buf[k] + buf[len - k] * buf[len - k];
    buf[len - k] = 0;
  }
  gsl_fft_halfcomplex_radix2_inverse(buf.data(), 1, len); // includes the 1/len
  std::vector<double> ac(buf.begin(), buf.begin() + n);
  for (double& v : ac) v /= static_cast<double>(n);
  return ac;
}

double rhat_basic(const Chains& chains, bool split) {
  check_shape(chains);
  return rhat_of(split ? split_chains(chains) : chains);
}

double rhat_bulk(const Chains& chains) {
  check_shape(chains);
  if (degenerate(chains)) return kNaN;
  return rhat_of(rank_normalize(split_chains(chains)));
}

double rhat_tail(const Chains& chains) {
  check_shape(chains);
  if (degenerate(chains)) return kNaN;
  return rhat_of(rank_normalize(fold(split_chains(chains))));
}

double rhat(const Chains& chains) {
  const double b = rhat_bulk(chains), t = rhat_tail(chains);
  if (std::isnan(b) || std::isnan(t)) return kNaN;
  return std::max(b, t);
}

double ess_basic(const Chains& chains, bool split) {
  check_shape(chains);
  return ess_of(split ? split_chains(chains) : chains).ess;
}

double ess_bulk(const Chains& chains) {
  check_shape(chains);
  if (degenerate(chains)) return kNaN;
  return ess_of(rank_normalize(split_chains(chains))).ess;
}

double ess_tail(const Chains& chains) {
  check_shape(chains);
  if (degenerate(chains)) return kNaN;
  std::vector<double> sorted = flatten(chains);
  std::sort(sorted.begin(), sorted.end());
  const Chains split = split_chains(chains);
  const double e05 = ess_of(indicator_below(split, quantile_sorted(sorted, 0.05))).ess;
  const double e95 = ess_of(indicator_below(split, quantile_sorted(sorted, 0.95))).ess;
  if (std::isnan(e05) || std::isnan(e95)) return kNaN;
  return std::min(e05, e95);
}

double integrated_time(const Chains& chains) {
  check_shape(chains);
  return ess_of(split_chains(chains)).tau;
}

double integrated_time_emcee(const Chains& chains, double c) {
  check_shape(chains);
  if (degenerate(chains)) return kNaN;
  const std::size_t n = chains.front().size();
  std::vector<double> f(n, 0.0);
  for (const auto& chain : chains) {
    const std::vector<double> ac = autocovariance(chain);
    if (!(ac[0] > 0)) return kNaN; // a constant chain has no autocorrelation function
    for (std::size_t t = 0; t < n; ++t) f[t] += ac[t] / ac[0];
  }
  for (double& v : f) v /= static_cast<double>(chains.size());
  // taus[M] = 2 Σ_{t≤M} f_t − 1; window = first M with M ≥ c taus[M] (numpy argmin of M < c taus).
  double cum = 0;
  for (std::size_t m = 0; m < n; ++m) {
    cum += f[m];
    const double tau = 2 * cum - 1;
    if (!(static_cast<double>(m) < c * tau)) return tau;
  }
  return 2 * cum - 1;
}

ChainDiagnostics diagnose(const Chains& chains) {
  check_shape(chains);
  return {rhat(chains), ess_bulk(chains), ess_tail(chains), integrated_time(chains)};
}

ChainDiagnostics diagnose(const Eigen::Ref<const Eigen::MatrixXd>& chains) { return diagnose(to_chains(chains)); }

std::vector<ChainDiagnostics> diagnose_parameters(const std::vector<Eigen::MatrixXd>& chains) {
  if (chains.empty()) throw std::invalid_argument("mcmc diagnostics: no chains");
  const Eigen::Index draws = chains.front().rows(), params = chains.front().cols();
  for (const auto& c : chains)
    if (c.rows() != draws || c.cols() != params)
      throw std::invalid_argument("mcmc diagnostics: chains differ in shape");
  std::vector<ChainDiagnostics> out;
  out.reserve(static_cast<std::size_t>(params));
  for (Eigen::Index p = 0; p < params; ++p) {
    Chains one(chains.size(), std::vector<double>(static_cast<std::size_t>(draws)));
    for (std::size_t c = 0; c < chains.size(); ++c)
      for (Eigen::Index d = 0; d < draws; ++d) one[c][d] = chains[c](d, p);
    out.push_back(diagnose(one));
  }
  return out;
}

bool converged(const std::vector<ChainDiagnostics>& diagnostics, double rhat_max, double ess_min) {
  if (diagnostics.empty()) return false;
  for (const auto& d : diagnostics)
    if (!(d.rhat < rhat_max) || !(d.ess_bulk >= ess_min) || !(d.ess_tail >= ess_min)) return false;
  return true;
}

} // namespace nubayes
