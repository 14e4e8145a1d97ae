#include "mcmc_batch.h"

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

std::vector<double> evaluate_batch(const Problem& problem, const Communicator& comm,
                                   const std::vector<double>& points, std::size_t d,
                                   std::uint64_t& nlike) {
  const std::size_t n = d ? points.size() / d : 0;
  const auto nranks = static_cast<std::size_t>(comm.size());
  const std::size_t per_rank = (n + nranks - 1) / nranks;
  // Header: error flag; then per task: calls, ln L.
  std::vector<double> mine(1 + 2 * per_rank, 0.0);
  std::string error;
  Point p;
  const std::size_t first = static_cast<std::size_t>(comm.rank()) * per_rank;
  for (std::size_t j = 0; j < per_rank; ++j) {
    const std::size_t task = first + j;
    if (task >= n) break;
    const std::span<const double> u(points.data() + task * d, d);
    double* r = mine.data() + 1 + 2 * j;
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
  }
  mine[0] = error.empty() ? 0.0 : 1.0;
  const std::vector<double> all = comm.allgather(mine);
  bool any_error = false;
  for (std::size_t r = 0; r < nranks; ++r) any_error = any_error || all[r * mine.size()] != 0.0;
  if (!error.empty()) throw LikelihoodError(error);
  if (any_error) throw PeerFailure("a likelihood evaluation failed on another rank");
  std::vector<double> logl(n);
  for (std::size_t task = 0; task < n; ++task) {
    const double* rec = all.data() + (task / per_rank) * mine.size() + 1 + 2 * (task % per_rank);
    nlike += static_cast<std::uint64_t>(rec[0]);
    logl[task] = rec[1];
  }
  return logl;
}

/// ln of the Metropolis ratio; -inf proposals are always rejected.
bool metropolis_accept(double log_ratio, double uniform_open) {
  if (std::isnan(log_ratio) || log_ratio == neg_inf) return false;
  return log_ratio >= 0.0 || std::log(uniform_open) < log_ratio;
}

} // namespace nubayes
