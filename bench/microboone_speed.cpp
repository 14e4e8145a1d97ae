// Times one evaluation of the MicroBooNE Wire-Cell inclusive joint χ² (137 bins, CNP, the
// covariance rebuilt at the LEE strength of each call and Cholesky-solved), at random strengths
// x uniform in [0, 2], single core; and the same through the experiment's loglike (x = 0, and
// 3+1 points whose oscillated spectra are folded each call).
// Usage: microboone_speed [CALLS=20000]
#include "call_timing.h"
#include "experiment_table.h"
#include "microboone_inclusive.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using nubayes::bench::report;
using nubayes::bench::time_calls;

int main(int argc, char** argv) {
  const std::size_t calls = std::max<std::size_t>(argc > 1 ? std::stoul(argv[1]) : 20000, 1);
  const nubayes::microboone::Inclusive inclusive;
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u(0, nubayes::microboone::kMaxStrength);
  std::vector<double> xs(calls);
  for (double& x : xs)
    x = u(rng);
  std::printf("MicroBooNE inclusive (2110.13978): %zu bins, covariance quadratic in x\n",
              nubayes::microboone::kBins);

  const auto at_strength = [&](double x) { return inclusive.chi2_at_lee_strength(x); };
  time_calls(std::vector<double>(xs.begin(), xs.begin() + std::min<std::ptrdiff_t>(1000, calls)),
             at_strength); // warm-up
  report("chi2_at_lee_strength(x), x in [0, 2]", calls, time_calls(xs, at_strength));

  const nubayes::ModelOptions data({{"experiments", "microboone-inclusive"}}, "data");
  const auto choice = nubayes::make_experiments(data);
  const nubayes::Experiment& experiment = *choice.experiments.front();
  const nubayes::ModelPoint point;
  const auto loglike = [&](double) {
    double chi2 = 0;
    return experiment.loglike(point, chi2);
  };
  report("experiment loglike (no-signal prediction)", calls, time_calls(xs, loglike));

  // 3+1: Δm² log-uniform in [0.01, 100] eV² (x maps onto it), |U_e4|² = |U_μ4|² = 0.01.
  const auto sterile = [&](double x) {
    const nubayes::ModelPoint p(nubayes::NeutrinoSector{std::pow(10.0, 2 * x - 2), 0.01, 0.01, 0, true});
    double chi2 = 0;
    return experiment.loglike(p, chi2);
  };
  report("experiment loglike (3+1: oscillated spectra)", calls, time_calls(xs, sterile));
  return 0;
}
