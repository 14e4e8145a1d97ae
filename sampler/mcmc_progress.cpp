#include "mcmc_progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nubayes {

McmcProgressReporter::McmcProgressReporter(const McmcProgressSettings& settings)
    : settings_(settings), start_(std::chrono::steady_clock::now()), last_(start_) {
  if (settings_.tsv_path.empty()) return;
  const bool fresh = !settings_.append;
  tsv_.open(settings_.tsv_path, fresh ? std::ios::trunc : std::ios::app);
  if (tsv_ && fresh)
    tsv_ << "time_s\tstep\tcalls\tacceptance\trhat_max\tess_min\tcalls_per_s\teta_s\n";
}

void McmcProgressReporter::maybe_report(const McmcProgress& p) {
  const double since =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  if (since >= settings_.interval_seconds) report(p);
}

void McmcProgressReporter::report(const McmcProgress& p) {
  if (!settings_.to_stderr && !tsv_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::max(std::chrono::duration<double>(now - last_).count(), 1e-9);
  const double rate = static_cast<double>(p.nlike - calls_at_last_) / since;
  const double step_rate = static_cast<double>(p.step - steps_at_last_) / since;
  // Time to max_steps; ESS grows about linearly with the draws, so the ESS target is reached
  // after post_burn * target / ess steps when that is sooner.
  double steps_left =
      static_cast<double>(p.max_post_burn_steps) - static_cast<double>(p.post_burn_steps);
  if (std::isfinite(p.ess_min) && p.ess_min > 0 && p.post_burn_steps > 0)
    steps_left = std::min(steps_left, static_cast<double>(p.post_burn_steps) *
                                          std::max(0.0, p.ess_target / p.ess_min - 1));
  const double eta = step_rate > 0 ? std::max(0.0, steps_left) / step_rate : std::nan("");
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (settings_.to_stderr)
    std::fprintf(
        stderr,
        "nubayes: step %llu | calls %llu | acc %.1f%% | Rhat max %.4f | ESS min %.0f / %.0f | "
        "%.0f calls/s | eta %.0f s\n",
        static_cast<unsigned long long>(p.step), static_cast<unsigned long long>(p.nlike),
        100 * p.acceptance, p.rhat_max, p.ess_min, p.ess_target, rate, eta);
  if (tsv_) {
    tsv_ << elapsed << "\t" << p.step << "\t" << p.nlike << "\t" << p.acceptance << "\t"
         << p.rhat_max << "\t" << p.ess_min << "\t" << rate << "\t" << eta << "\n";
    tsv_.flush();
  }
  last_ = now;
  calls_at_last_ = p.nlike;
  steps_at_last_ = p.step;
}

} // namespace nubayes
