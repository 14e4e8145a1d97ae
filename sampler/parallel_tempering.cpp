#include "parallel_tempering.h"

#include "mcmc_batch.h"

#include "mcmc_diagnostics.h"
#include "nested_sampler.h" // PeerFailure
#include "rng.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace nubayes {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

enum class PtTask : std::uint64_t { start = 1, move = 2, swap = 3 };

/// Stream of one task: the key hashes a parallel-tempering tag, the kind, the id and the step.
Rng task_rng(std::uint64_t seed, PtTask kind, std::uint64_t id, std::uint64_t step) {
  std::uint64_t x = 0x5054'5054'0000'0000ULL ^ static_cast<std::uint64_t>(kind);
  std::uint64_t key = splitmix64(x);
  key ^= id;
  key = splitmix64(key);
  key ^= step;
  key = splitmix64(key);
  return Rng(seed, StreamPurpose::mcmc, key);
}

/// β Δ(ln L) products with -inf: a -inf ln L at β = 0 contributes nothing.
double tempered(double beta, double logl) { return beta == 0.0 ? 0.0 : beta * logl; }

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? nan_v : s / static_cast<double>(x.size());
}

double sd_of(const std::vector<double>& x) {
  if (x.size() < 2) return nan_v;
  const double m = mean_of(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

/// ESS of the chains (Stan's multi-chain estimator); when not estimable, the number of chains.
double safe_ess(const Chains& chains) {
  double e = nan_v;
  try {
    e = ess_basic(chains, true);
  } catch (const std::invalid_argument&) {
  }
  return std::isfinite(e) && e > 0 ? e : static_cast<double>(chains.size());
}

/// ∫ ⟨ln L⟩_β dβ over [b_lo, b_hi] from the end values m and slopes d⟨ln L⟩/dβ = Var(ln L) = v.
/// ⟨ln L⟩ is fitted on x = β/b_hi by f(x) = A + B x + C/x + D ln x (four conditions, four
/// unknowns) and f integrated exactly. The rule is exact in both regimes a ladder spans: near
/// the prior ⟨ln L⟩_β is linear in β (slope the prior variance of ln L), and for a Gaussian
/// posterior it is c − d/(2β). The trapezoid in β with the h²/12 variance correction (Friel,
/// Hurn & Wyse 2014) is exact only for the first: +0.18 per unit of ln β for d = 10, and
/// corr-gauss-10d came out +1.0 (7 sigma) high with it.
double segment_integral(double b_hi, double b_lo, double m_hi, double m_lo, double v_hi, double v_lo) {
  const double r = b_lo / b_hi, lr = std::log(r);
  Eigen::Matrix4d a;
  a << 1, 1, 1, 0,          // f(1)
      0, 1, -1, 1,          // f'(1)
      1, r, 1 / r, lr,      // f(r)
      0, 1, -1 / (r * r), 1 / r; // f'(r)
  const Eigen::Vector4d rhs(m_hi, v_hi * b_hi, m_lo, v_lo * b_hi); // slopes in x: dm/dx = v b_hi
  const Eigen::Vector4d c = a.fullPivLu().solve(rhs);
  const auto antiderivative = [&](double x) {
    return c[0] * x + 0.5 * c[1] * x * x + c[2] * std::log(x) + c[3] * (x * std::log(x) - x);
  };
  return b_hi * (antiderivative(1.0) - antiderivative(r));
}

} // namespace

std::size_t default_temperatures(std::size_t ndim, double beta_min) {
  const double span = std::log(1.0 / beta_min);
  const double k = std::ceil(std::sqrt(static_cast<double>(ndim)) * span / 3.0);
  return std::max(static_cast<std::size_t>(std::ceil(span)) + 1, static_cast<std::size_t>(k));
}

std::vector<double> PtState::swap_acceptance() const {
  std::vector<double> a(swap_tries.size(), nan_v);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (swap_tries[i] > 0) a[i] = static_cast<double>(swap_accepts[i]) / static_cast<double>(swap_tries[i]);
  return a;
}

// ---------------------------------------------------------------------------------------------
// State file

void PtState::save(StateFile& f, const std::string& prefix) const {
  const std::uint64_t header[7] = {1, step, nlike, initialized ? 1u : 0u, ndim, nladders, ntemps};
  f.put(prefix + "header", std::span<const std::uint64_t>(header));
  f.put(prefix + "betas", std::span<const double>(betas));
  f.put(prefix + "u", std::span<const double>(u));
  f.put(prefix + "logl", std::span<const double>(logl));
  f.put(prefix + "extras", std::span<const double>(extras));
  f.put(prefix + "mean", std::span<const double>(mean));
  f.put(prefix + "cov", std::span<const double>(cov));
  f.put(prefix + "log_scale", std::span<const double>(log_scale));
  f.put(prefix + "naccepted", std::span<const std::uint64_t>(naccepted));
  const std::vector<std::uint64_t> acc(accepted.begin(), accepted.end());
  f.put(prefix + "accepted", std::span<const std::uint64_t>(acc));
  f.put(prefix + "swap_alpha", std::span<const double>(swap_alpha));
  f.put(prefix + "swap_tries", std::span<const std::uint64_t>(swap_tries));
  f.put(prefix + "swap_accepts", std::span<const std::uint64_t>(swap_accepts));
}

PtState PtState::load(const StateFile& f, const std::string& prefix) {
  const auto& h = f.uint64s(prefix + "header");
  if (h.size() != 7 || h[0] != 1)
    throw std::runtime_error("state entry '" + prefix + "header' is not a parallel-tempering state (version 1)");
  PtState s;
  s.step = h[1];
  s.nlike = h[2];
  s.initialized = h[3] != 0;
  s.ndim = h[4];
  s.nladders = h[5];
  s.ntemps = h[6];
  s.betas = f.doubles(prefix + "betas");
  s.u = f.doubles(prefix + "u");
  s.logl = f.doubles(prefix + "logl");
  s.extras = f.doubles(prefix + "extras");
  s.mean = f.doubles(prefix + "mean");
  s.cov = f.doubles(prefix + "cov");
  s.log_scale = f.doubles(prefix + "log_scale");
  s.naccepted = f.uint64s(prefix + "naccepted");
  const auto& acc = f.uint64s(prefix + "accepted");
  s.accepted.assign(acc.begin(), acc.end());
  s.swap_alpha = f.doubles(prefix + "swap_alpha");
  s.swap_tries = f.uint64s(prefix + "swap_tries");
  s.swap_accepts = f.uint64s(prefix + "swap_accepts");
  const std::size_t n = s.nreplicas(), d = s.ndim, k = s.ntemps;
  const std::size_t pairs = k ? k - 1 : 0;
  if (s.betas.size() != k || s.u.size() != n * d || s.logl.size() != n || s.mean.size() != n * d ||
      s.cov.size() != n * d * d || s.log_scale.size() != n || s.naccepted.size() != n ||
      s.accepted.size() != n || s.swap_alpha.size() != pairs || s.swap_tries.size() != pairs ||
      s.swap_accepts.size() != pairs || (n > 0 && s.extras.size() % n != 0))
    throw std::runtime_error("parallel-tempering state under '" + prefix + "' has inconsistent sizes");
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sampler

ParallelTempering::ParallelTempering(const Problem& problem, const PtOptions& options,
                                     const Communicator& comm)
    : problem_(problem), options_(options), comm_(comm),
      ntemps_(options.ntemps ? options.ntemps : default_temperatures(problem.ndim(), options.beta_min)) {
  if (problem_.ndim() == 0) throw std::invalid_argument("parallel tempering: no sampled parameter");
  if (!(options_.beta_min > 0.0 && options_.beta_min < 1.0))
    throw std::invalid_argument("parallel tempering: beta_min must be in (0, 1)");
  if (ntemps_ < 2) throw std::invalid_argument("parallel tempering: at least 2 temperatures");
  if (options_.nladders == 0 || options_.nladders * ntemps_ >= (std::size_t{1} << 24))
    throw std::invalid_argument("parallel tempering: nladders must be >= 1 (and nladders x ntemps < 2^24)");
}

void ParallelTempering::initialize() {
  const std::size_t d = problem_.ndim(), k = ntemps_, n = options_.nladders * k;
  PtState s;
  s.ndim = d;
  s.nladders = options_.nladders;
  s.ntemps = k;
  s.betas.resize(k);
  for (std::size_t i = 0; i < k; ++i)
    s.betas[i] = std::exp(std::log(options_.beta_min) * static_cast<double>(i) / static_cast<double>(k - 1));
  s.betas[0] = 1.0;
  s.betas[k - 1] = options_.beta_min;
  s.u.assign(n * d, 0.0);
  s.logl.assign(n, neg_inf);
  const std::size_t ne = extras_per_point(problem_);
  s.extras.assign(n * ne, 0.0);
  std::vector<std::size_t> todo(n);
  std::iota(todo.begin(), todo.end(), std::size_t{0});
  if (!options_.initial_u.empty()) {
    use_initial_points(problem_, comm_, options_.initial_u, n, s.u, s.logl, s.extras, s.nlike);
    todo.clear();
  }
  for (std::size_t attempt = 0; !todo.empty(); ++attempt) {
    if (attempt >= options_.max_init_rounds)
      throw std::runtime_error("parallel tempering start: no point with finite log-likelihood after " +
                               std::to_string(attempt) + " prior draws per replica");
    std::vector<double> batch(todo.size() * d);
    for (std::size_t j = 0; j < todo.size(); ++j) {
      Rng rng = task_rng(options_.seed, PtTask::start, todo[j], attempt);
      for (std::size_t q = 0; q < d; ++q) batch[j * d + q] = rng.uniform();
    }
    const BatchResult b = evaluate_batch(problem_, comm_, batch, d, s.nlike);
    std::vector<std::size_t> left;
    for (std::size_t j = 0; j < todo.size(); ++j) {
      std::copy_n(batch.begin() + static_cast<std::ptrdiff_t>(j * d), d,
                  s.u.begin() + static_cast<std::ptrdiff_t>(todo[j] * d));
      std::copy_n(b.extras.begin() + static_cast<std::ptrdiff_t>(j * ne), ne,
                  s.extras.begin() + static_cast<std::ptrdiff_t>(todo[j] * ne));
      s.logl[todo[j]] = b.logl[j];
      if (b.logl[j] == neg_inf) left.push_back(todo[j]);
    }
    todo = std::move(left);
  }
  s.mean = s.u;
  s.cov.assign(n * d * d, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t q = 0; q < d; ++q) s.cov[r * d * d + q * d + q] = options_.initial_sd * options_.initial_sd;
  s.log_scale.assign(n, std::log(2.38 * 2.38 / static_cast<double>(d)));
  s.naccepted.assign(n, 0);
  s.accepted.assign(n, 0);
  s.swap_alpha.assign(k - 1, nan_v);
  s.swap_tries.assign(k - 1, 0);
  s.swap_accepts.assign(k - 1, 0);
  s.initialized = true;
  state_ = std::move(s);
}

void ParallelTempering::set_state(PtState state) {
  const std::size_t d = problem_.ndim();
  if (!state.initialized || state.ndim != d || state.nladders != options_.nladders || state.ntemps != ntemps_ ||
      state.betas.size() != ntemps_ || state.u.size() != state.nreplicas() * d ||
      state.logl.size() != state.nreplicas() || state.cov.size() != state.nreplicas() * d * d ||
      state.mean.size() != state.nreplicas() * d || state.log_scale.size() != state.nreplicas() ||
      state.naccepted.size() != state.nreplicas() || state.accepted.size() != state.nreplicas() ||
      state.swap_alpha.size() != ntemps_ - 1 || state.swap_tries.size() != ntemps_ - 1 ||
      state.swap_accepts.size() != ntemps_ - 1 ||
      state.extras.size() != state.nreplicas() * extras_per_point(problem_))
    throw std::invalid_argument("parallel-tempering state does not match the problem and options (" +
                                std::to_string(state.nladders) + " ladders of " + std::to_string(state.ntemps) +
                                " temperatures in " + std::to_string(state.ndim) + " dimensions)");
  state_ = std::move(state);
}

void ParallelTempering::step() {
  if (!state_.initialized) throw std::logic_error("ParallelTempering::step before initialize");
  PtState& s = state_;
  const std::size_t d = s.ndim, k = s.ntemps, nl = s.nladders, n = s.nreplicas();
  const auto di = static_cast<Eigen::Index>(d);
  const std::uint64_t t = s.step + 1;

  // 1. Moves: proposal Cholesky factor per rung from the covariance averaged over ladders.
  std::vector<double> proposals(n * d), acc_uniform(n);
  for (std::size_t i = 0; i < k; ++i) {
    Eigen::MatrixXd sigma = Eigen::MatrixXd::Zero(di, di);
    for (std::size_t l = 0; l < nl; ++l)
      sigma += Eigen::Map<const Eigen::MatrixXd>(s.cov.data() + (l * k + i) * d * d, di, di);
    sigma /= static_cast<double>(nl);
    sigma.diagonal().array() += 1e-12 * std::max(sigma.trace() / static_cast<double>(d), 1e-300);
    Eigen::LLT<Eigen::MatrixXd> llt(sigma);
    const bool ok = llt.info() == Eigen::Success;
    const Eigen::VectorXd sd_diag = sigma.diagonal().cwiseMax(0.0).cwiseSqrt();
    for (std::size_t l = 0; l < nl; ++l) {
      const std::size_t r = l * k + i;
      Rng rng = task_rng(options_.seed, PtTask::move, r, t);
      Eigen::VectorXd z(di);
      for (Eigen::Index q = 0; q < di; ++q) z[q] = rng.normal();
      const Eigen::VectorXd step_vec =
          std::exp(0.5 * s.log_scale[r]) * (ok ? Eigen::VectorXd(llt.matrixL() * z) : Eigen::VectorXd(sd_diag.cwiseProduct(z)));
      for (std::size_t q = 0; q < d; ++q) proposals[r * d + q] = s.u[r * d + q] + step_vec[static_cast<Eigen::Index>(q)];
      acc_uniform[r] = rng.uniform_open();
    }
  }
  const BatchResult batch = evaluate_batch(problem_, comm_, proposals, d, s.nlike);
  const std::vector<double>& logl = batch.logl;
  const std::size_t ne = extras_per_point(problem_);
  const bool post_burn = t > options_.burn;
  const bool adapt_moves = !post_burn || options_.adapt_after_burn;
  const double gamma = std::pow(static_cast<double>(t) + 1.0, -options_.adapt_exponent);
  std::vector<double> dx(d);
  for (std::size_t l = 0; l < nl; ++l)
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t r = l * k + i;
      const double beta = s.betas[i];
      const double log_ratio = logl[r] == neg_inf ? neg_inf : tempered(beta, logl[r]) - tempered(beta, s.logl[r]);
      const bool accept = metropolis_accept(log_ratio, acc_uniform[r]);
      if (accept) {
        std::copy_n(proposals.begin() + static_cast<std::ptrdiff_t>(r * d), d,
                    s.u.begin() + static_cast<std::ptrdiff_t>(r * d));
        std::copy_n(batch.extras.begin() + static_cast<std::ptrdiff_t>(r * ne), ne,
                    s.extras.begin() + static_cast<std::ptrdiff_t>(r * ne));
        s.logl[r] = logl[r];
        ++s.naccepted[r];
      }
      s.accepted[r] = accept ? 1 : 0;
      if (!adapt_moves) continue;
      const double alpha = (std::isnan(log_ratio) || log_ratio == neg_inf) ? 0.0 : std::exp(std::min(0.0, log_ratio));
      s.log_scale[r] += gamma * (alpha - options_.target_acceptance);
      double* mean = s.mean.data() + r * d;
      double* cov = s.cov.data() + r * d * d;
      for (std::size_t q = 0; q < d; ++q) dx[q] = s.u[r * d + q] - mean[q];
      for (std::size_t a = 0; a < d; ++a)
        for (std::size_t b = 0; b < d; ++b) cov[a * d + b] += gamma * (dx[a] * dx[b] - cov[a * d + b]);
      for (std::size_t q = 0; q < d; ++q) mean[q] += gamma * dx[q];
    }

  // 2. Swaps of neighbouring pairs (i, i+1), i of the parity of t + 1 (even pairs on odd steps).
  const std::size_t parity = (t + 1) % 2;
  for (std::size_t i = parity; i + 1 < k; i += 2) s.swap_alpha[i] = 0.0;
  for (std::size_t l = 0; l < nl; ++l) {
    Rng rng = task_rng(options_.seed, PtTask::swap, l, t);
    for (std::size_t i = parity; i + 1 < k; i += 2) {
      const std::size_t a = l * k + i, b = a + 1;
      const double db = s.betas[i] - s.betas[i + 1];
      const double log_ratio = db * (s.logl[b] - s.logl[a]);
      const double alpha = std::isnan(log_ratio) ? 0.0 : std::exp(std::min(0.0, log_ratio));
      s.swap_alpha[i] += alpha / static_cast<double>(nl);
      const bool accept = rng.uniform_open() < alpha;
      if (post_burn) {
        ++s.swap_tries[i];
        if (accept) ++s.swap_accepts[i];
      }
      if (accept) {
        std::swap_ranges(s.u.begin() + static_cast<std::ptrdiff_t>(a * d),
                         s.u.begin() + static_cast<std::ptrdiff_t>((a + 1) * d),
                         s.u.begin() + static_cast<std::ptrdiff_t>(b * d));
        std::swap_ranges(s.extras.begin() + static_cast<std::ptrdiff_t>(a * ne),
                         s.extras.begin() + static_cast<std::ptrdiff_t>((a + 1) * ne),
                         s.extras.begin() + static_cast<std::ptrdiff_t>(b * ne));
        std::swap(s.logl[a], s.logl[b]);
      }
    }
  }

  // 3. Ladder adaptation during burn-in (once every pair has been tried).
  if (options_.adapt_ladder && !post_burn && k > 2 && t >= 2) {
    const double kappa = (1.0 / options_.ladder_nu) * options_.ladder_t0 / (static_cast<double>(t) + options_.ladder_t0);
    const std::size_t m = k - 1;
    double abar = 0;
    for (double a : s.swap_alpha) abar += a;
    abar /= static_cast<double>(m);
    std::vector<double> g(m);
    double total = 0;
    for (std::size_t i = 0; i < m; ++i) {
      g[i] = std::log(std::log(s.betas[i]) - std::log(s.betas[i + 1])) + kappa * (s.swap_alpha[i] - abar);
      g[i] = std::exp(g[i]);
      total += g[i];
    }
    const double span = -std::log(options_.beta_min);
    double x = 0;
    for (std::size_t i = 1; i + 1 < k; ++i) {
      x -= g[i - 1] * span / total;
      s.betas[i] = std::exp(x);
    }
  }
  s.step = t;
}

// ---------------------------------------------------------------------------------------------
// Evidence

PtEvidence thermodynamic_evidence(const std::vector<double>& betas,
                                  const std::vector<std::vector<std::vector<double>>>& logl) {
  const std::size_t k = betas.size();
  if (k < 2 || logl.size() != k || logl[0].empty() || logl[0][0].empty())
    throw std::invalid_argument("thermodynamic_evidence: need >= 2 rungs with draws");
  const std::size_t nl = logl[0].size(), nd = logl[0][0].size();
  for (const auto& rung : logl) {
    if (rung.size() != nl) throw std::invalid_argument("thermodynamic_evidence: ragged ladders");
    for (const auto& c : rung)
      if (c.size() != nd) throw std::invalid_argument("thermodynamic_evidence: ragged draws");
  }
  PtEvidence ev;
  ev.mean_logl.resize(k);
  ev.var_logl.resize(k);
  ev.ess_logl.resize(k);
  // Per-ladder and pooled moments.
  std::vector<std::vector<double>> lm(nl, std::vector<double>(k)), lv(nl, std::vector<double>(k));
  for (std::size_t i = 0; i < k; ++i) {
    double s = 0, s2 = 0;
    for (std::size_t l = 0; l < nl; ++l) {
      double a = 0;
      for (double v : logl[i][l]) a += v;
      lm[l][i] = a / static_cast<double>(nd);
      double b = 0;
      for (double v : logl[i][l]) b += (v - lm[l][i]) * (v - lm[l][i]);
      lv[l][i] = nd > 1 ? b / static_cast<double>(nd - 1) : 0.0;
      s += a;
    }
    const double m = s / static_cast<double>(nl * nd);
    for (std::size_t l = 0; l < nl; ++l)
      for (double v : logl[i][l]) s2 += (v - m) * (v - m);
    ev.mean_logl[i] = m;
    ev.var_logl[i] = nl * nd > 1 ? s2 / static_cast<double>(nl * nd - 1) : 0.0;
    ev.ess_logl[i] = safe_ess(logl[i]);
  }
  auto ti = [&](const std::vector<double>& m, const std::vector<double>& v, bool corrected) {
    double z = betas[k - 1] * m[k - 1];
    for (std::size_t i = 0; i + 1 < k; ++i) {
      const double h = betas[i] - betas[i + 1];
      z += corrected ? segment_integral(betas[i], betas[i + 1], m[i], m[i + 1], v[i], v[i + 1])
                     : 0.5 * h * (m[i] + m[i + 1]);
    }
    return z;
  };
  // ln ⟨exp(db ln L)⟩ over draws x (log-sum-exp).
  auto log_mean_exp = [](double db, const std::vector<const std::vector<double>*>& x) {
    double mx = neg_inf;
    std::size_t cnt = 0;
    for (const auto* c : x)
      for (double v : *c) {
        mx = std::max(mx, db * v);
        ++cnt;
      }
    double s = 0;
    for (const auto* c : x)
      for (double v : *c) s += std::exp(db * v - mx);
    return mx + std::log(s / static_cast<double>(cnt));
  };
  auto ss = [&](std::size_t ladder) { // ladder == nl: all ladders pooled
    double z = betas[k - 1] * (ladder == nl ? ev.mean_logl[k - 1] : lm[ladder][k - 1]);
    for (std::size_t i = 0; i + 1 < k; ++i) {
      std::vector<const std::vector<double>*> x;
      if (ladder == nl)
        for (const auto& c : logl[i + 1]) x.push_back(&c);
      else
        x.push_back(&logl[i + 1][ladder]);
      z += log_mean_exp(betas[i] - betas[i + 1], x);
    }
    return z;
  };
  ev.lnz_ti = ti(ev.mean_logl, ev.var_logl, true);
  ev.lnz_ti_trapezoid = ti(ev.mean_logl, ev.var_logl, false);
  ev.lnz_ss = ss(nl);
  // Within errors.
  double w2 = 0, s2 = 0;
  for (std::size_t i = 0; i < k; ++i) {
    double w = 0;
    if (i > 0) w += 0.5 * (betas[i - 1] - betas[i]);
    if (i + 1 < k) w += 0.5 * (betas[i] - betas[i + 1]);
    else w += betas[i];
    w2 += w * w * ev.var_logl[i] / ev.ess_logl[i];
  }
  for (std::size_t i = 0; i + 1 < k; ++i) {
    const double db = betas[i] - betas[i + 1];
    double mx = neg_inf;
    for (const auto& c : logl[i + 1])
      for (double v : c) mx = std::max(mx, db * v);
    Chains wts = logl[i + 1];
    for (auto& c : wts)
      for (double& v : c) v = std::exp(db * v - mx);
    std::vector<double> flat;
    for (const auto& c : wts) flat.insert(flat.end(), c.begin(), c.end());
    const double mw = mean_of(flat), sw = sd_of(flat);
    if (mw > 0 && std::isfinite(sw)) s2 += sw * sw / (mw * mw) / safe_ess(wts);
  }
  ev.err_ti_within = std::sqrt(w2);
  ev.err_ss_within = std::sqrt(s2);
  // Between ladders.
  for (std::size_t l = 0; l < nl; ++l) {
    ev.lnz_ti_ladder.push_back(ti(lm[l], lv[l], true));
    ev.lnz_ss_ladder.push_back(ss(l));
  }
  // Blocks: each ladder's draws cut into nbatch consecutive batches; the TI and SS estimates of
  // each (ladder, batch) block scatter with the run's own correlations (between rungs through
  // swaps, and in time), over nladders x nbatch - 1 degrees of freedom.
  const std::size_t nbatch = nd >= 4 * 20 ? 4 : 1;
  auto block = [&](std::size_t l, std::size_t a, std::size_t b, double& zti, double& zss) {
    std::vector<double> m(k), v(k);
    const double cnt = static_cast<double>(b - a);
    for (std::size_t i = 0; i < k; ++i) {
      double sum = 0, sq = 0;
      for (std::size_t j = a; j < b; ++j) sum += logl[i][l][j];
      m[i] = sum / cnt;
      for (std::size_t j = a; j < b; ++j) sq += (logl[i][l][j] - m[i]) * (logl[i][l][j] - m[i]);
      v[i] = cnt > 1 ? sq / (cnt - 1) : 0.0;
    }
    zti = ti(m, v, true);
    zss = betas[k - 1] * m[k - 1];
    for (std::size_t i = 0; i + 1 < k; ++i) {
      const double db = betas[i] - betas[i + 1];
      double mx = neg_inf;
      for (std::size_t j = a; j < b; ++j) mx = std::max(mx, db * logl[i + 1][l][j]);
      double sum = 0;
      for (std::size_t j = a; j < b; ++j) sum += std::exp(db * logl[i + 1][l][j] - mx);
      zss += mx + std::log(sum / cnt);
    }
  };
  std::vector<double> bti, bss;
  for (std::size_t l = 0; l < nl; ++l)
    for (std::size_t q = 0; q < nbatch; ++q) {
      double zti = 0, zss = 0;
      block(l, q * nd / nbatch, (q + 1) * nd / nbatch, zti, zss);
      bti.push_back(zti);
      bss.push_back(zss);
    }
  const double nblocks = static_cast<double>(bti.size());
  ev.err_ti_between = bti.size() > 1 ? sd_of(bti) / std::sqrt(nblocks) : nan_v;
  ev.err_ss_between = bss.size() > 1 ? sd_of(bss) / std::sqrt(nblocks) : nan_v;
  ev.err_ti_ladders = nl > 1 ? sd_of(ev.lnz_ti_ladder) / std::sqrt(static_cast<double>(nl)) : nan_v;
  ev.err_ss_ladders = nl > 1 ? sd_of(ev.lnz_ss_ladder) / std::sqrt(static_cast<double>(nl)) : nan_v;
  ev.err_ti = std::isnan(ev.err_ti_between) ? ev.err_ti_within : std::max(ev.err_ti_within, ev.err_ti_between);
  ev.err_ss = std::isnan(ev.err_ss_between) ? ev.err_ss_within : std::max(ev.err_ss_within, ev.err_ss_between);
  return ev;
}

// ---------------------------------------------------------------------------------------------
// In-memory run

PtResult run_parallel_tempering(const Problem& problem, const PtOptions& options, const Communicator& comm) {
  ParallelTempering pt(problem, options, comm);
  pt.initialize();
  const std::size_t k = pt.ntemps(), nl = options.nladders, d = problem.ndim();
  const std::size_t thin = std::max<std::size_t>(1, options.thin);
  PtResult out;
  auto& post = out.posterior;
  post.theta.assign(nl, {});
  post.u.assign(nl, {});
  post.logl.assign(nl, {});
  post.accepted.assign(nl, {});
  out.logl.assign(k, std::vector<std::vector<double>>(nl));
  std::vector<double> theta(problem.nparams());
  for (std::size_t step = 0; step < options.burn + options.nsteps; ++step) {
    pt.step();
    if (step < options.burn || (step - options.burn) % thin != 0) continue;
    const PtState& s = pt.state();
    for (std::size_t l = 0; l < nl; ++l) {
      for (std::size_t i = 0; i < k; ++i) out.logl[i][l].push_back(s.logl[l * k + i]);
      const std::size_t r = l * k;
      const std::span<const double> u(s.u.data() + r * d, d);
      post.u[l].emplace_back(u.begin(), u.end());
      problem.prior().to_physical(u, theta);
      post.theta[l].push_back(theta);
      post.logl[l].push_back(s.logl[r]);
      post.accepted[l].push_back(s.accepted[r]);
    }
  }
  const PtState& s = pt.state();
  out.betas = s.betas;
  out.swap_acceptance = s.swap_acceptance();
  out.nlike = s.nlike;
  out.steps = s.step;
  post.nlike = s.nlike;
  post.steps = s.step;
  if (options.nsteps > 0) out.evidence = thermodynamic_evidence(out.betas, out.logl);
  return out;
}

} // namespace nubayes
