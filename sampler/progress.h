#pragma once
// Progress while a run goes: one plain-text line on stderr every few seconds (SLURM logs read
// well), and the same figures as a machine-readable OUTPUT.progress.tsv beside the run file.
#include "nested_sampler.h"

#include <chrono>
#include <fstream>
#include <string>

namespace nubayes {

struct ProgressSettings {
  bool to_stderr = true;
  std::string tsv_path;   ///< empty: no file
  bool append = false;    ///< a resumed run continues its file
  std::size_t nlive = 500;
  double dlogz = 0.5;
  double interval_seconds = 5.0;
};

class ProgressReporter {
public:
  explicit ProgressReporter(const ProgressSettings& settings);
  /// Reports if the interval has passed since the last report.
  void maybe_report(const NestedProgress& p);
  /// Reports now (the run's last line).
  void report(const NestedProgress& p);

  /// Iterations still needed, from the remaining evidence: the run stops once
  /// L_max X / Z < e^dlogz - 1, and ln X falls by 1/nlive per iteration (L_max still grows, so
  /// this is a lower bound that tightens as the run converges).
  static double iterations_left(double remaining, double dlogz, std::size_t nlive);

private:
  ProgressSettings settings_;
  std::ofstream tsv_;
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t calls_at_last_ = 0, iteration_at_last_ = 0;
};

} // namespace nubayes
