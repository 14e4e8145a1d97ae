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
  const std::size_t ne = extras_per_point(problem), nt = problem.nterms();
  BatchResult out;
  out.logl.assign(n, neg_inf);
  out.extras.assign(n * ne, 0.0);
  // Only points inside the cube cost a call: share those out evenly, in contiguous blocks (hot
  // tempered rungs and wide proposals put many outside, which would otherwise unbalance ranks).
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < n; ++i)
    if (inside_cube(std::span<const double>(points.data() + i * d, d))) todo.push_back(i);
  const auto nranks = static_cast<std::size_t>(comm.size());
  const std::size_t per_rank = (todo.size() + nranks - 1) / nranks;
  // Header: error flag; then per task: ln L, the extras.
  const std::size_t record = 1 + ne;
  std::vector<double> mine(1 + record * per_rank, 0.0);
  std::string error;
  Point p;
  const std::size_t first = static_cast<std::size_t>(comm.rank()) * per_rank;
  for (std::size_t j = 0; j < per_rank && first + j < todo.size(); ++j) {
    try {
      problem.evaluate(std::span<const double>(points.data() + todo[first + j] * d, d), p);
    } catch (const LikelihoodError& e) {
      error = e.what();
      break;
    }
    double* r = mine.data() + 1 + record * j;
    r[0] = p.logl;
    std::copy(p.terms.begin(), p.terms.end(), r + 1);
    std::copy(p.derived.begin(), p.derived.end(), r + 1 + nt);
  }
  mine[0] = error.empty() ? 0.0 : 1.0;
  const std::vector<double> all = comm.size() > 1 ? comm.allgather(mine) : mine;
  bool any_error = false;
  for (std::size_t r = 0; r < nranks; ++r) any_error = any_error || all[r * mine.size()] != 0.0;
  if (!error.empty()) throw LikelihoodError(error);
  if (any_error) throw PeerFailure("a likelihood evaluation failed on another rank");
  for (std::size_t k = 0; k < todo.size(); ++k) {
    const double* rec = all.data() + (k / per_rank) * mine.size() + 1 + record * (k % per_rank);
    out.logl[todo[k]] = rec[0];
    std::copy_n(rec + 1, ne, out.extras.begin() + static_cast<std::ptrdiff_t>(todo[k] * ne));
  }
  nlike += todo.size();
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
