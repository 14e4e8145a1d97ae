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

/// Evaluates the points (n x d, row-major) split over ranks in contiguous blocks; one allgather.
/// Points outside the cube get -inf without a call. Returns ln L per point in order; adds the
/// calls made (on all ranks) to `nlike`. A likelihood error is rethrown on its rank and becomes
/// PeerFailure on the others.
std::vector<double> evaluate_batch(const Problem& problem, const Communicator& comm,
                                   const std::vector<double>& points, std::size_t d, std::uint64_t& nlike);

/// Metropolis acceptance of a move with log ratio `log_ratio`, given a uniform draw in (0, 1).
bool metropolis_accept(double log_ratio, double uniform_open);

} // namespace nubayes
