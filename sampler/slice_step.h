#pragma once
// Slice sampling inside the likelihood contour (Neal 2003; PolyChord's whitened variant, Handley
// et al. 2015): from a live point, `repeats` one-dimensional slices along random directions
// whitened by the local cluster covariance. Each slice is an exact MCMC step for the uniform
// distribution on {u in cube : L(u) > L*}, so no bound has to contain the contour.
#include "problem.h"
#include "rng.h"

#include <Eigen/Dense>
#include <cstdint>

namespace nubayes {

struct SliceStats {
  std::uint64_t calls = 0;
  std::uint64_t expansions = 0;
  std::uint64_t contractions = 0;
};

/// Runs `repeats` slice steps from `start` (which must satisfy L > logl_min) and returns the
/// final point in `result`. `whitening` is a Cholesky factor in cube coordinates; `width` is
/// the initial bracket in whitened units.
void slice_walk(const Problem& problem, const Point& start, double logl_min,
                const Eigen::MatrixXd& whitening, double width, std::size_t repeats, Rng& rng,
                Point& result, SliceStats& stats);

} // namespace nubayes
