#pragma once
// Progress of an MCMC run: a stderr line every few seconds and OUTPUT.progress.tsv beside the
// run file, with the latest convergence figures and an estimated time to completion (the time
// to max_steps, or, once the ESS grows, to the ESS target if that comes sooner).
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

namespace nubayes {

struct McmcProgress {
  std::uint64_t step = 0, nlike = 0;
  std::uint64_t post_burn_steps = 0, max_post_burn_steps = 0;
  double acceptance = 0;                            ///< accepted fraction of the moves so far
  double rhat_max = 0, ess_min = 0, ess_target = 0; ///< latest check (NaN before the first)
};

struct McmcProgressSettings {
  bool to_stderr = true;
  std::string tsv_path; ///< empty: no file
  bool append = false;  ///< a resumed run continues its file
  double interval_seconds = 5.0;
};

class McmcProgressReporter {
public:
  explicit McmcProgressReporter(const McmcProgressSettings& settings);
  void maybe_report(const McmcProgress& p);
  void report(const McmcProgress& p);

private:
  McmcProgressSettings settings_;
  std::ofstream tsv_;
  std::chrono::steady_clock::time_point start_, last_;
  std::uint64_t calls_at_last_ = 0, steps_at_last_ = 0;
};

} // namespace nubayes
