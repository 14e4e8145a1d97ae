// Times one evaluation of the MicroBooNE Wire-Cell inclusive joint χ² (137 bins, CNP, the
// covariance rebuilt at the LEE strength of each call and Cholesky-solved), at random strengths
// x uniform in [0, 2], single core; and the same through the experiment's loglike (x = 0).
// Usage: microboone_speed [CALLS=20000]
#include "experiment_table.h"
#include "microboone_inclusive.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

// Every heap allocation is counted, to show that an evaluation makes none.
namespace {
std::size_t allocations = 0;
}
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double median_us = 0, mean_us = 0, checksum = 0;
  std::size_t allocations = 0;
};

template <class Evaluate> Timing time_calls(const std::vector<double>& xs, Evaluate&& evaluate) {
  std::vector<double> us(xs.size());
  Timing t;
  const std::size_t allocations_before = allocations;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto start = Clock::now();
    t.checksum += evaluate(xs[i]);
    us[i] = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  }
  t.allocations = allocations - allocations_before;
  for (double u : us)
    t.mean_us += u / static_cast<double>(us.size());
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
  t.median_us = us[us.size() / 2];
  return t;
}

void report(const char* what, std::size_t calls, const Timing& t) {
  std::printf("%-40s %8.2f us/call median  %8.2f mean  (%zu calls, %zu allocations)\n", what,
              t.median_us, t.mean_us, calls, t.allocations);
}

} // namespace

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
  return 0;
}
