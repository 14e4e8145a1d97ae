// Times one evaluation of the MiniBooNE 2018 ν+ν̄ appearance χ² including the 3+1 oscillation
// signal, at random points (Δm² log-uniform in [0.01, 100] eV², sin²2θμe log-uniform in
// [1e-4, 1]), single core: the fast signal (grid expansion) and the direct per-event sum.
// Usage: miniboone_speed [CALLS=20000] [EXACT_CALLS=300] [FINE_BINS=1000]
#include "call_timing.h"
#include "miniboone.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using nubayes::bench::report;
using nubayes::bench::time_calls;

using namespace nubayes::miniboone;

struct Point {
  double dm2, sin2;
};

std::vector<Point> random_points(std::size_t n) {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Point> points(n);
  for (auto& p : points)
    p = {std::pow(10.0, -2 + 4 * u(rng)), std::pow(10.0, -4 + 4 * u(rng))};
  return points;
}


} // namespace

int main(int argc, char** argv) {
  const std::size_t calls = std::max<std::size_t>(argc > 1 ? std::stoul(argv[1]) : 20000, 1);
  const std::size_t exact_calls = argc > 2 ? std::stoul(argv[2]) : 300;
  const std::size_t fine_bins = argc > 3 ? std::stoul(argv[3]) : Options{}.fine_bins;
  const Appearance mb(Options{.sample = Sample::combined2018, .fine_bins = fine_bins});
  std::printf(
      "MiniBooNE %s: %zu chi2 bins; MC events %zu + %zu in %zu + %zu cells (L/E grid %g m/MeV)\n",
      std::string(sample_name(mb.sample())).c_str(), mb.chi2_bins(), mb.monte_carlo(0).events(),
      mb.monte_carlo(1).events(), mb.monte_carlo(0).cells(), mb.monte_carlo(1).cells(),
      mb.monte_carlo(0).grid_width());

  std::vector<double> signal(mb.signal_size());
  const auto fast = [&](const Point& p) {
    mb.oscillation_signal(p.dm2, p.sin2, signal);
    return mb.chi2(signal);
  };
  const auto exact = [&](const Point& p) {
    mb.oscillation_signal_exact(p.dm2, p.sin2, signal);
    return mb.chi2(signal);
  };
  const auto signal_only = [&](const Point& p) {
    mb.oscillation_signal(p.dm2, p.sin2, signal);
    return signal[0];
  };
  const auto chi2_only = [&](const Point&) { return mb.chi2(signal); };

  const auto points = random_points(calls);
  time_calls(random_points(1000), fast); // warm-up
  report("fast signal + chi2", calls, time_calls(points, fast));
  report("  fast signal alone", calls, time_calls(points, signal_only));
  report("  chi2 alone", calls, time_calls(points, chi2_only));
  const std::vector<Point> few(
      points.begin(), points.begin() + static_cast<std::ptrdiff_t>(std::min(exact_calls, calls)));
  if (!few.empty()) report("per-event signal + chi2", few.size(), time_calls(few, exact));
  return 0;
}
