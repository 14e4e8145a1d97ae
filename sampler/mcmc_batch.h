#pragma once
// Pieces every MCMC sampler shares: evaluating one batch of proposals over the MPI ranks, and the
// Metropolis test.
#include "communicator.h"
#include "problem.h"

#include <cstdint>
#include <span>
#include <vector>

namespace nubayes {

bool inside_cube(std::span<const double> u);

/// ln L of a batch of points, with what the run file records beside it.
struct BatchResult {
  std::vector<double> logl;   ///< per point
  std::vector<double> extras; ///< per point: the ln L terms, then the derived quantities (zero outside the cube)
};

/// ln L terms plus derived quantities: the values a chain carries along with its point.
inline std::size_t extras_per_point(const Problem& problem) { return problem.nterms() + problem.nderived(); }

/// Evaluates the points (n x d, row-major) split over ranks in contiguous blocks; one allgather.
/// Points outside the cube get -inf without a call. Returns ln L (and the extras) per point in
/// order; adds the calls made (on all ranks) to `nlike`. A likelihood error is rethrown on its
/// rank and becomes PeerFailure on the others.
BatchResult evaluate_batch(const Problem& problem, const Communicator& comm, const std::vector<double>& points,
                           std::size_t d, std::uint64_t& nlike);

/// Evaluates the given starting points (count x d): fills u, ln L and extras; throws
/// std::runtime_error if one has ln L = -inf.
void use_initial_points(const Problem& problem, const Communicator& comm, const std::vector<double>& initial_u,
                        std::size_t count, std::vector<double>& u, std::vector<double>& logl,
                        std::vector<double>& extras, std::uint64_t& nlike);

/// Metropolis acceptance of a move with log ratio `log_ratio`, given a uniform draw in (0, 1).
bool metropolis_accept(double log_ratio, double uniform_open);

} // namespace nubayes
