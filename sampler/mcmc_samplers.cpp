#include "mcmc_samplers.h"

#include "mcmc_batch.h"

#include "nested_sampler.h" // PeerFailure
#include "rng.h"

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nubayes {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

/// Kinds of stream, so that no two tasks share one.
enum class McmcTask : std::uint64_t { am_start = 0, am_step = 1, ensemble_start = 2, ensemble_step = 3 };

/// Stream key of a task: the kind (2 bits), the step or start attempt (38 bits), the chain or
/// walker (24 bits).
std::uint64_t task_key(McmcTask kind, std::uint64_t id, std::uint64_t step) {
  return (static_cast<std::uint64_t>(kind) << 62) | ((step & ((std::uint64_t{1} << 38) - 1)) << 24) |
         (id & ((std::uint64_t{1} << 24) - 1));
}

Rng task_rng(std::uint64_t seed, McmcTask kind, std::uint64_t id, std::uint64_t step) {
  return Rng(seed, StreamPurpose::mcmc, task_key(kind, id, step));
}

/// Starting points drawn uniformly from the cube; those with ln L = -inf are redrawn (attempt a
/// of item i uses stream key (kind, i, a)).
void draw_start(const Problem& problem, const Communicator& comm, const McmcOptions& options,
                McmcTask kind, std::size_t count, std::vector<double>& u, std::vector<double>& logl,
                std::vector<double>& extras, std::uint64_t& nlike) {
  const std::size_t d = problem.ndim(), ne = extras_per_point(problem);
  u.assign(count * d, 0.0);
  logl.assign(count, neg_inf);
  extras.assign(count * ne, 0.0);
  if (!options.initial_u.empty()) {
    use_initial_points(problem, comm, options.initial_u, count, u, logl, extras, nlike);
    return;
  }
  std::vector<std::size_t> todo(count);
  for (std::size_t i = 0; i < count; ++i) todo[i] = i;
  for (std::size_t attempt = 0; !todo.empty(); ++attempt) {
    if (attempt >= options.max_init_rounds)
      throw std::runtime_error("MCMC start: no point with finite log-likelihood after " +
                               std::to_string(attempt) + " prior draws per chain");
    std::vector<double> batch(todo.size() * d);
    for (std::size_t j = 0; j < todo.size(); ++j) {
      Rng rng = task_rng(options.seed, kind, todo[j], attempt);
      for (std::size_t k = 0; k < d; ++k) batch[j * d + k] = rng.uniform();
    }
    const BatchResult b = evaluate_batch(problem, comm, batch, d, nlike);
    std::vector<std::size_t> left;
    for (std::size_t j = 0; j < todo.size(); ++j) {
      std::copy_n(batch.begin() + static_cast<std::ptrdiff_t>(j * d), d,
                  u.begin() + static_cast<std::ptrdiff_t>(todo[j] * d));
      std::copy_n(b.extras.begin() + static_cast<std::ptrdiff_t>(j * ne), ne,
                  extras.begin() + static_cast<std::ptrdiff_t>(todo[j] * ne));
      logl[todo[j]] = b.logl[j];
      if (b.logl[j] == neg_inf) left.push_back(todo[j]);
    }
    todo = std::move(left);
  }
}

void put_u8(StateFile& f, const std::string& name, const std::vector<std::uint8_t>& v) {
  std::vector<std::int64_t> w(v.begin(), v.end());
  f.put(name, std::span<const std::int64_t>(w));
}

std::vector<std::uint8_t> get_u8(const StateFile& f, const std::string& name) {
  const auto& w = f.int64s(name);
  return {w.begin(), w.end()};
}

void record(const Problem& problem, McmcResult& out, std::size_t chain, std::span<const double> u,
            double logl, bool accepted) {
  out.u[chain].emplace_back(u.begin(), u.end());
  std::vector<double> theta(problem.nparams());
  problem.prior().to_physical(u, theta);
  out.theta[chain].push_back(std::move(theta));
  out.logl[chain].push_back(logl);
  out.accepted[chain].push_back(accepted ? 1 : 0);
}

void size_result(McmcResult& out, std::size_t nchains) {
  out.theta.assign(nchains, {});
  out.u.assign(nchains, {});
  out.logl.assign(nchains, {});
  out.accepted.assign(nchains, {});
}

} // namespace

double McmcResult::acceptance_fraction() const {
  double a = 0, n = 0;
  for (const auto& c : accepted)
    for (auto x : c) {
      a += x;
      n += 1;
    }
  return n > 0 ? a / n : 0.0;
}

// ---------------------------------------------------------------------------------------------
// State files

void AmState::save(StateFile& f, const std::string& prefix) const {
  const std::size_t n = chains.size();
  const std::size_t d = n ? chains[0].u.size() : 0;
  std::vector<double> u, logl, extras, mean, cov, log_scale;
  std::vector<std::uint8_t> accepted;
  std::vector<std::uint64_t> naccepted;
  for (const auto& c : chains) {
    u.insert(u.end(), c.u.begin(), c.u.end());
    extras.insert(extras.end(), c.extras.begin(), c.extras.end());
    mean.insert(mean.end(), c.mean.begin(), c.mean.end());
    cov.insert(cov.end(), c.cov.begin(), c.cov.end());
    logl.push_back(c.logl);
    log_scale.push_back(c.log_scale);
    accepted.push_back(c.accepted);
    naccepted.push_back(c.naccepted);
  }
  const std::uint64_t header[5] = {1, step, nlike, initialized ? 1u : 0u, d};
  f.put(prefix + "am/header", std::span<const std::uint64_t>(header));
  f.put(prefix + "am/u", std::span<const double>(u));
  f.put(prefix + "am/logl", std::span<const double>(logl));
  f.put(prefix + "am/extras", std::span<const double>(extras));
  f.put(prefix + "am/mean", std::span<const double>(mean));
  f.put(prefix + "am/cov", std::span<const double>(cov));
  f.put(prefix + "am/log_scale", std::span<const double>(log_scale));
  put_u8(f, prefix + "am/accepted", accepted);
  f.put(prefix + "am/naccepted", std::span<const std::uint64_t>(naccepted));
}

AmState AmState::load(const StateFile& f, const std::string& prefix) {
  const auto& h = f.uint64s(prefix + "am/header");
  if (h.size() != 5 || h[0] != 1) throw std::runtime_error("state entry '" + prefix + "am/header' is not an adaptive Metropolis state (version 1)");
  AmState s;
  s.step = h[1];
  s.nlike = h[2];
  s.initialized = h[3] != 0;
  const std::size_t d = h[4];
  const auto& logl = f.doubles(prefix + "am/logl");
  const std::size_t n = logl.size();
  const auto& u = f.doubles(prefix + "am/u");
  const auto& mean = f.doubles(prefix + "am/mean");
  const auto& cov = f.doubles(prefix + "am/cov");
  const auto& log_scale = f.doubles(prefix + "am/log_scale");
  const auto accepted = get_u8(f, prefix + "am/accepted");
  const auto& naccepted = f.uint64s(prefix + "am/naccepted");
  const auto& extras = f.doubles(prefix + "am/extras");
  const std::size_t ne = n ? extras.size() / n : 0;
  if (u.size() != n * d || mean.size() != n * d || cov.size() != n * d * d || log_scale.size() != n ||
      accepted.size() != n || naccepted.size() != n || extras.size() != n * ne)
    throw std::runtime_error("adaptive Metropolis state under '" + prefix + "' has inconsistent sizes");
  s.chains.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    auto& ch = s.chains[c];
    ch.u.assign(u.begin() + static_cast<std::ptrdiff_t>(c * d), u.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
    ch.mean.assign(mean.begin() + static_cast<std::ptrdiff_t>(c * d), mean.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
    ch.cov.assign(cov.begin() + static_cast<std::ptrdiff_t>(c * d * d), cov.begin() + static_cast<std::ptrdiff_t>((c + 1) * d * d));
    ch.extras.assign(extras.begin() + static_cast<std::ptrdiff_t>(c * ne), extras.begin() + static_cast<std::ptrdiff_t>((c + 1) * ne));
    ch.logl = logl[c];
    ch.log_scale = log_scale[c];
    ch.accepted = accepted[c];
    ch.naccepted = naccepted[c];
  }
  return s;
}

void EnsembleState::save(StateFile& f, const std::string& prefix) const {
  const std::uint64_t header[6] = {1, step, nlike, initialized ? 1u : 0u, ndim, naccepted};
  f.put(prefix + "ensemble/header", std::span<const std::uint64_t>(header));
  f.put(prefix + "ensemble/u", std::span<const double>(u));
  f.put(prefix + "ensemble/logl", std::span<const double>(logl));
  f.put(prefix + "ensemble/extras", std::span<const double>(extras));
  put_u8(f, prefix + "ensemble/accepted", accepted);
}

EnsembleState EnsembleState::load(const StateFile& f, const std::string& prefix) {
  const auto& h = f.uint64s(prefix + "ensemble/header");
  if (h.size() != 6 || h[0] != 1) throw std::runtime_error("state entry '" + prefix + "ensemble/header' is not an ensemble state (version 1)");
  EnsembleState s;
  s.step = h[1];
  s.nlike = h[2];
  s.initialized = h[3] != 0;
  s.ndim = h[4];
  s.naccepted = h[5];
  s.u = f.doubles(prefix + "ensemble/u");
  s.logl = f.doubles(prefix + "ensemble/logl");
  s.extras = f.doubles(prefix + "ensemble/extras");
  s.accepted = get_u8(f, prefix + "ensemble/accepted");
  if (s.u.size() != s.logl.size() * s.ndim || s.accepted.size() != s.logl.size() ||
      (!s.logl.empty() && s.extras.size() % s.logl.size() != 0))
    throw std::runtime_error("ensemble state under '" + prefix + "' has inconsistent sizes");
  return s;
}

// ---------------------------------------------------------------------------------------------
// Adaptive Metropolis

AdaptiveMetropolis::AdaptiveMetropolis(const Problem& problem, const McmcOptions& options,
                                       const Communicator& comm)
    : problem_(problem), options_(options), comm_(comm) {
  if (options_.nchains == 0 || options_.nchains >= (std::size_t{1} << 24))
    throw std::invalid_argument("adaptive Metropolis: nchains must be in [1, 2^24)");
  if (problem_.ndim() == 0) throw std::invalid_argument("adaptive Metropolis: no sampled parameter");
}

void AdaptiveMetropolis::initialize() {
  const std::size_t d = problem_.ndim(), n = options_.nchains;
  const std::size_t ne = extras_per_point(problem_);
  std::vector<double> u, logl, extras;
  state_ = AmState{};
  draw_start(problem_, comm_, options_, McmcTask::am_start, n, u, logl, extras, state_.nlike);
  state_.chains.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    auto& ch = state_.chains[c];
    ch.u.assign(u.begin() + static_cast<std::ptrdiff_t>(c * d), u.begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
    ch.extras.assign(extras.begin() + static_cast<std::ptrdiff_t>(c * ne), extras.begin() + static_cast<std::ptrdiff_t>((c + 1) * ne));
    ch.logl = logl[c];
    ch.mean = ch.u;
    ch.cov.assign(d * d, 0.0);
    for (std::size_t k = 0; k < d; ++k) ch.cov[k * d + k] = options_.initial_sd * options_.initial_sd;
    ch.log_scale = std::log(2.38 * 2.38 / static_cast<double>(d));
  }
  state_.initialized = true;
}

void AdaptiveMetropolis::set_state(AmState state) {
  const std::size_t d = problem_.ndim();
  if (state.chains.size() != options_.nchains)
    throw std::invalid_argument("adaptive Metropolis state has " + std::to_string(state.chains.size()) +
                                " chains, the options ask for " + std::to_string(options_.nchains));
  for (const auto& c : state.chains)
    if (c.u.size() != d || c.mean.size() != d || c.cov.size() != d * d || c.extras.size() != extras_per_point(problem_))
      throw std::invalid_argument("adaptive Metropolis state does not match the problem's dimension");
  state_ = std::move(state);
}

void AdaptiveMetropolis::step() {
  if (!state_.initialized) throw std::logic_error("AdaptiveMetropolis::step before initialize");
  const std::size_t d = problem_.ndim(), n = state_.chains.size();
  const auto di = static_cast<Eigen::Index>(d);
  const std::uint64_t t = state_.step + 1;
  std::vector<double> proposals(n * d);
  std::vector<double> acc_uniform(n);
  // Proposal covariance of each chain: its own adapted covariance, or (pool_covariance) the
  // average over chains of the chains' covariances, each about its own mean (inter-chain
  // adaptation, Craiu, Rosenthal & Yang 2009), times the chain's own scale.
  Eigen::MatrixXd pooled;
  if (options_.pool_covariance) {
    pooled = Eigen::MatrixXd::Zero(di, di);
    for (const AmChain& ch : state_.chains) pooled += Eigen::Map<const Eigen::MatrixXd>(ch.cov.data(), di, di);
    pooled /= static_cast<double>(n);
  }
  for (std::size_t c = 0; c < n; ++c) {
    const AmChain& ch = state_.chains[c];
    Rng rng = task_rng(options_.seed, McmcTask::am_step, c, t);
    // Covariances are symmetric, so the row-major storage maps as is.
    Eigen::MatrixXd sigma = options_.pool_covariance ? pooled : Eigen::MatrixXd(Eigen::Map<const Eigen::MatrixXd>(ch.cov.data(), di, di));
    sigma *= std::exp(ch.log_scale);
    const double jitter = 1e-12 * std::max(sigma.trace() / static_cast<double>(d), 1e-300);
    sigma.diagonal().array() += jitter;
    Eigen::LLT<Eigen::MatrixXd> llt(sigma);
    Eigen::VectorXd z(di);
    for (Eigen::Index k = 0; k < di; ++k) z[k] = rng.normal();
    Eigen::VectorXd step_vec;
    if (llt.info() == Eigen::Success) {
      step_vec = llt.matrixL() * z;
    } else {
      step_vec = sigma.diagonal().cwiseMax(0.0).cwiseSqrt().cwiseProduct(z);
    }
    for (std::size_t k = 0; k < d; ++k) proposals[c * d + k] = ch.u[k] + step_vec[static_cast<Eigen::Index>(k)];
    acc_uniform[c] = rng.uniform_open();
  }
  const BatchResult batch = evaluate_batch(problem_, comm_, proposals, d, state_.nlike);
  const std::vector<double>& logl = batch.logl;
  const std::size_t ne = extras_per_point(problem_);
  const double gamma = std::pow(static_cast<double>(t) + 1.0, -options_.adapt_exponent);
  for (std::size_t c = 0; c < n; ++c) {
    AmChain& ch = state_.chains[c];
    const double log_ratio = logl[c] - ch.logl;
    const bool accept = metropolis_accept(log_ratio, acc_uniform[c]);
    if (accept) {
      std::copy_n(proposals.begin() + static_cast<std::ptrdiff_t>(c * d), d, ch.u.begin());
      std::copy_n(batch.extras.begin() + static_cast<std::ptrdiff_t>(c * ne), ne, ch.extras.begin());
      ch.logl = logl[c];
      ++ch.naccepted;
    }
    ch.accepted = accept ? 1 : 0;
    // Andrieu & Thoms (2008), algorithm 4: scale by Robbins-Monro, then mean and covariance.
    const double alpha = (std::isnan(log_ratio) || log_ratio == neg_inf) ? 0.0 : std::exp(std::min(0.0, log_ratio));
    ch.log_scale += gamma * (alpha - options_.target_acceptance);
    std::vector<double> dx(d);
    for (std::size_t k = 0; k < d; ++k) dx[k] = ch.u[k] - ch.mean[k];
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j)
        ch.cov[i * d + j] += gamma * (dx[i] * dx[j] - ch.cov[i * d + j]);
    for (std::size_t k = 0; k < d; ++k) ch.mean[k] += gamma * dx[k];
  }
  state_.step = t;
}

// ---------------------------------------------------------------------------------------------
// Ensemble

std::size_t ensemble_walkers(const McmcOptions& options, std::size_t ndim) {
  std::size_t n = options.nwalkers ? options.nwalkers : std::max<std::size_t>(32, 4 * ndim);
  return n + (n % 2);
}

EnsembleSampler::EnsembleSampler(const Problem& problem, const McmcOptions& options,
                                 const Communicator& comm)
    : problem_(problem), options_(options), comm_(comm),
      nwalkers_(ensemble_walkers(options, problem.ndim())) {
  const std::size_t d = problem_.ndim();
  if (d == 0) throw std::invalid_argument("ensemble sampler: no sampled parameter");
  if (options_.nwalkers % 2 != 0)
    throw std::invalid_argument("ensemble sampler: nwalkers must be even");
  if (nwalkers_ < 2 * d + 2 || nwalkers_ >= (std::size_t{1} << 24))
    throw std::invalid_argument("ensemble sampler: nwalkers must be at least 2 d + 2 = " +
                                std::to_string(2 * d + 2) + " (each half must span the space)");
  if (!(options_.stretch > 1.0)) throw std::invalid_argument("ensemble sampler: stretch must exceed 1");
}

void EnsembleSampler::initialize() {
  state_ = EnsembleState{};
  state_.ndim = problem_.ndim();
  draw_start(problem_, comm_, options_, McmcTask::ensemble_start, nwalkers_, state_.u, state_.logl,
             state_.extras, state_.nlike);
  state_.accepted.assign(nwalkers_, 0);
  state_.initialized = true;
}

void EnsembleSampler::set_state(EnsembleState state) {
  if (state.ndim != problem_.ndim() || state.nwalkers() != nwalkers_ ||
      state.u.size() != nwalkers_ * state.ndim || state.accepted.size() != nwalkers_ ||
      state.extras.size() != nwalkers_ * extras_per_point(problem_))
    throw std::invalid_argument("ensemble state does not match the problem and options (" +
                                std::to_string(state.nwalkers()) + " walkers in " +
                                std::to_string(state.ndim) + " dimensions)");
  state_ = std::move(state);
}

void EnsembleSampler::update_half(const std::vector<std::size_t>& order, std::size_t half) {
  const std::size_t d = problem_.ndim(), m = nwalkers_ / 2;
  const std::size_t first = half * m, other = (1 - half) * m;
  const double a = options_.stretch;
  const std::uint64_t t = state_.step + 1;
  std::vector<double> proposals(m * d), log_factor(m), acc_uniform(m);
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t k = order[first + i];
    Rng rng = task_rng(options_.seed, McmcTask::ensemble_step, k, t);
    // z ~ g(z) ∝ 1/sqrt(z) on [1/a, a] (Goodman & Weare 2010, eq. 9).
    const double r = rng.uniform();
    const double z = ((a - 1.0) * r + 1.0) * ((a - 1.0) * r + 1.0) / a;
    const std::size_t j = order[other + static_cast<std::size_t>(rng.below(m))];
    for (std::size_t q = 0; q < d; ++q) {
      const double xj = state_.u[j * d + q];
      proposals[i * d + q] = xj + z * (state_.u[k * d + q] - xj);
    }
    log_factor[i] = static_cast<double>(d - 1) * std::log(z);
    acc_uniform[i] = rng.uniform_open();
  }
  const BatchResult batch = evaluate_batch(problem_, comm_, proposals, d, state_.nlike);
  const std::vector<double>& logl = batch.logl;
  const std::size_t ne = extras_per_point(problem_);
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t k = order[first + i];
    const bool accept = metropolis_accept(log_factor[i] + logl[i] - state_.logl[k], acc_uniform[i]);
    if (accept) {
      std::copy_n(proposals.begin() + static_cast<std::ptrdiff_t>(i * d), d,
                  state_.u.begin() + static_cast<std::ptrdiff_t>(k * d));
      std::copy_n(batch.extras.begin() + static_cast<std::ptrdiff_t>(i * ne), ne,
                  state_.extras.begin() + static_cast<std::ptrdiff_t>(k * ne));
      state_.logl[k] = logl[i];
      ++state_.naccepted;
    }
    state_.accepted[k] = accept ? 1 : 0;
  }
}

void EnsembleSampler::step() {
  if (!state_.initialized) throw std::logic_error("EnsembleSampler::step before initialize");
  // The two halves are re-drawn at random every step (as emcee's red-blue move does): fixed
  // halves mix more slowly. The permutation's stream is keyed by the step, so no state is added.
  std::vector<std::size_t> order(nwalkers_);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng shuffle = task_rng(options_.seed, McmcTask::ensemble_step, nwalkers_, state_.step + 1);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle.below(i)]);
  update_half(order, 0);
  update_half(order, 1);
  ++state_.step;
}

// ---------------------------------------------------------------------------------------------
// In-memory runs

McmcResult run_adaptive_metropolis(const Problem& problem, const McmcOptions& options,
                                   const Communicator& comm) {
  AdaptiveMetropolis am(problem, options, comm);
  am.initialize();
  const std::size_t n = options.nchains, thin = std::max<std::size_t>(1, options.thin);
  McmcResult out;
  size_result(out, n);
  for (std::size_t s = 0; s < options.burn + options.nsteps; ++s) {
    am.step();
    if (s < options.burn || (s - options.burn) % thin != 0) continue;
    for (std::size_t c = 0; c < n; ++c) {
      const AmChain& ch = am.state().chains[c];
      record(problem, out, c, ch.u, ch.logl, ch.accepted != 0);
    }
  }
  out.nlike = am.state().nlike;
  out.steps = am.state().step;
  return out;
}

McmcResult run_ensemble(const Problem& problem, const McmcOptions& options, const Communicator& comm) {
  EnsembleSampler es(problem, options, comm);
  es.initialize();
  const std::size_t n = es.nwalkers(), d = problem.ndim(), thin = std::max<std::size_t>(1, options.thin);
  McmcResult out;
  size_result(out, n);
  for (std::size_t s = 0; s < options.burn + options.nsteps; ++s) {
    es.step();
    if (s < options.burn || (s - options.burn) % thin != 0) continue;
    const EnsembleState& st = es.state();
    for (std::size_t k = 0; k < n; ++k)
      record(problem, out, k, std::span<const double>(st.u.data() + k * d, d), st.logl[k],
             st.accepted[k] != 0);
  }
  out.nlike = es.state().nlike;
  out.steps = es.state().step;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Autocorrelation


} // namespace nubayes
