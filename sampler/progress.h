#pragma once
// One progress line on stderr every few seconds; plain text, so SLURM logs read well.
#include "nested_sampler.h"

#include <chrono>

namespace nubayes {

class ProgressReporter {
public:
  explicit ProgressReporter(bool enabled, double interval_seconds = 5.0);
  /// Prints a line if the interval has passed since the last one.
  void maybe_report(const NestedProgress& p);

private:
  bool enabled_;
  double interval_;
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t calls_at_last_ = 0;
};

} // namespace nubayes
