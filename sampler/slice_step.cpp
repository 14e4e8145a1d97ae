#include "slice_step.h"

#include <cmath>

namespace nubayes {

namespace {

bool in_cube(const Eigen::VectorXd& u) {
  return (u.array() >= 0.0).all() && (u.array() <= 1.0).all();
}

} // namespace

void slice_walk(const Problem& problem, const Point& start, double logl_min,
                const Eigen::MatrixXd& whitening, double width, std::size_t repeats, Rng& rng,
                Point& result, SliceStats& stats) {
  const auto d = static_cast<Eigen::Index>(problem.ndim());
  result = start;
  Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(start.u.data(), d);
  Point trial;
  Eigen::VectorXd candidate(d), direction(d);
  // A position is inside the slice if it is in the cube and above the contour; points outside
  // the cube cost no likelihood call.
  auto inside = [&](double t) {
    candidate = x + t * direction;
    if (!in_cube(candidate)) return false;
    problem.evaluate(std::span<const double>(candidate.data(), static_cast<std::size_t>(d)), trial);
    ++stats.calls;
    return trial.logl > logl_min;
  };
  constexpr int max_steps_out = 100;
  for (std::size_t step = 0; step < repeats; ++step) {
    for (Eigen::Index k = 0; k < d; ++k) direction[k] = rng.normal();
    direction = whitening * (direction / direction.norm());
    // Stepping out with a randomly placed bracket keeps the step reversible.
    double left = -rng.uniform() * width;
    double right = left + width;
    for (int i = 0; i < max_steps_out && inside(left); ++i, ++stats.expansions) left -= width;
    for (int i = 0; i < max_steps_out && inside(right); ++i, ++stats.expansions) right += width;
    // Shrinkage: sample in the bracket, pulling the end on the rejected side towards x.
    while (true) {
      const double t = left + rng.uniform() * (right - left);
      if (inside(t)) {
        x = candidate;
        result = trial;
        break;
      }
      ++stats.contractions;
      (t < 0 ? left : right) = t;
      if (right - left < 1e-14 * width) break; // numerical dead end: stay at x
    }
  }
}

} // namespace nubayes
