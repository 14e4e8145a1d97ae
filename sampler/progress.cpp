#include "progress.h"

#include <cstdio>

namespace nubayes {

ProgressReporter::ProgressReporter(bool enabled, double interval_seconds)
    : enabled_(enabled), interval_(interval_seconds), start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressReporter::maybe_report(const NestedProgress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < interval_) return;
  const double rate = static_cast<double>(p.nlike - calls_at_last_) / since;
  std::fprintf(stderr,
               "nubayes: it %llu | calls %llu | eff %.1f%% | lnZ %.3f | remaining dlnZ %.3f | "
               "%.0f calls/s | %s\n",
               static_cast<unsigned long long>(p.iteration), static_cast<unsigned long long>(p.nlike),
               100.0 * p.efficiency, p.logz, p.remaining, rate, p.method.c_str());
  std::fflush(stderr);
  last_ = now;
  calls_at_last_ = p.nlike;
}

} // namespace nubayes
