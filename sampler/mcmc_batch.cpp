#include "mcmc_batch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace nubayes {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();
} // namespace

bool inside_cube(std::span<const double> u) {
  for (double x : u)
    if (!(x >= 0.0 && x <= 1.0)) return false;
  return true;
}

BatchResult evaluate_batch(const Problem& problem, const Communicator& comm, const std::vector<double>& points,
                           std::size_t d, std::uint64_t& nlike) {
  const std::size_t n = d ? points.size() / d : 0;
  const auto nranks = static_cast<std::size_t>(comm.size());
  const std::size_t per_rank = (n + nranks - 1) / nranks;
  const std::size_t nt = problem.nterms(), ne = extras_per_point(problem);
  // Header: error flag; then per task: calls, ln L, the extras.
  const std::size_t record = 2 + ne;
  std::vector<double> mine(1 + record * per_rank, 0.0);
  std::string error;
  Point p;
  const std::size_t first = static_cast<std::size_t>(comm.rank()) * per_rank;
  for (std::size_t j = 0; j < per_rank; ++j) {
    const std::size_t task = first + j;
    if (task >= n) break;
    const std::span<const double> u(points.data() + task * d, d);
    double* r = mine.data() + 1 + record * j;
    if (!inside_cube(u)) {
      r[0] = 0;
      r[1] = neg_inf;
      continue;
    }
    try {
      problem.evaluate(u, p);
    } catch (const LikelihoodError& e) {
      error = e.what();
      break;
    }
    r[0] = 1;
    r[1] = p.logl;
    std::copy(p.terms.begin(), p.terms.end(), r + 2);
    std::copy(p.derived.begin(), p.derived.end(), r + 2 + nt);
  }
  mine[0] = error.empty() ? 0.0 : 1.0;
  const std::vector<double> all = comm.allgather(mine);
  bool any_error = false;
  for (std::size_t r = 0; r < nranks; ++r) any_error = any_error || all[r * mine.size()] != 0.0;
  if (!error.empty()) throw LikelihoodError(error);
  if (any_error) throw PeerFailure("a likelihood evaluation failed on another rank");
  BatchResult out;
  out.logl.resize(n);
  out.extras.resize(n * ne);
  for (std::size_t task = 0; task < n; ++task) {
    const double* rec = all.data() + (task / per_rank) * mine.size() + 1 + record * (task % per_rank);
    nlike += static_cast<std::uint64_t>(rec[0]);
    out.logl[task] = rec[1];
    std::copy_n(rec + 2, ne, out.extras.begin() + static_cast<std::ptrdiff_t>(task * ne));
  }
  return out;
}

void use_initial_points(const Problem& problem, const Communicator& comm, const std::vector<double>& initial_u,
                        std::size_t count, std::vector<double>& u, std::vector<double>& logl,
                        std::vector<double>& extras, std::uint64_t& nlike) {
  const std::size_t d = problem.ndim();
  if (initial_u.size() != count * d)
    throw std::invalid_argument("MCMC start: " + std::to_string(initial_u.size() / std::max<std::size_t>(d, 1)) +
                                " starting points given for " + std::to_string(count) + " chains");
  BatchResult b = evaluate_batch(problem, comm, initial_u, d, nlike);
  for (std::size_t i = 0; i < count; ++i)
    if (b.logl[i] == neg_inf)
      throw std::runtime_error("MCMC start: starting point " + std::to_string(i) +
                               " has ln L = -inf (or lies outside the prior)");
  u = initial_u;
  logl = std::move(b.logl);
  extras = std::move(b.extras);
}

/// ln of the Metropolis ratio; -inf proposals are always rejected.
bool metropolis_accept(double log_ratio, double uniform_open) {
  if (std::isnan(log_ratio) || log_ratio == neg_inf) return false;
  return log_ratio >= 0.0 || std::log(uniform_open) < log_ratio;
}

} // namespace nubayes
