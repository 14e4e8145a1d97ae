#pragma once
// Per-call timing for the likelihood benchmarks (miniboone_speed, microboone_speed): median and
// mean µs over calls, and every heap allocation counted, to show that an evaluation makes none.
// Include in exactly one translation unit per benchmark executable: it replaces operator new.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

namespace nubayes::bench {
inline std::size_t allocations = 0;
} // namespace nubayes::bench

void* operator new(std::size_t size) {
  ++nubayes::bench::allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace nubayes::bench {

struct Timing {
  double median_us = 0, mean_us = 0, checksum = 0;
  std::size_t allocations = 0;
};

/// Times evaluate(point) once per point; the median is over calls.
template <class Point, class Evaluate>
Timing time_calls(const std::vector<Point>& points, Evaluate&& evaluate) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> us(points.size());
  Timing t;
  const std::size_t allocations_before = allocations;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto start = Clock::now();
    t.checksum += evaluate(points[i]);
    us[i] = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  }
  t.allocations = allocations - allocations_before;
  for (double x : us)
    t.mean_us += x / static_cast<double>(us.size());
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
  t.median_us = us[us.size() / 2];
  return t;
}

inline void report(const char* what, std::size_t calls, const Timing& t) {
  std::printf("%-40s %8.2f us/call median  %8.2f mean  (%zu calls, %zu allocations)\n", what,
              t.median_us, t.mean_us, calls, t.allocations);
}

} // namespace nubayes::bench
