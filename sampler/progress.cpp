#include "progress.h"

#include <cmath>
#include <cstdio>

namespace nubayes {

ProgressReporter::ProgressReporter(const ProgressSettings& settings)
    : settings_(settings), start_(std::chrono::steady_clock::now()), last_(start_) {
  if (settings_.tsv_path.empty()) return;
  const bool fresh = !settings_.append;
  tsv_.open(settings_.tsv_path, fresh ? std::ios::trunc : std::ios::app);
  if (tsv_ && fresh)
    tsv_ << "time_s\titeration\tcalls\tlogz\tremaining_dlogz\tefficiency\tcalls_per_s\teta_s\tmethod\n";
}

double ProgressReporter::iterations_left(double remaining, double dlogz, std::size_t nlive) {
  if (!std::isfinite(remaining)) return std::nan("");
  const double now = std::log(std::expm1(std::max(remaining, 1e-300)));
  const double target = std::log(std::expm1(dlogz));
  return std::max(0.0, static_cast<double>(nlive) * (now - target));
}

void ProgressReporter::maybe_report(const NestedProgress& p) {
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  if (since >= settings_.interval_seconds) report(p);
}

void ProgressReporter::report(const NestedProgress& p) {
  if (!settings_.to_stderr && !tsv_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  const double rate = static_cast<double>(p.nlike - calls_at_last_) / std::max(since, 1e-9);
  const double it_rate = static_cast<double>(p.iteration - iteration_at_last_) / std::max(since, 1e-9);
  const double eta = it_rate > 0 ? iterations_left(p.remaining, settings_.dlogz, settings_.nlive) / it_rate : std::nan("");
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (settings_.to_stderr) {
    std::fprintf(stderr,
                 "nubayes: it %llu | calls %llu | eff %.1f%% | lnZ %.3f | remaining dlnZ %.3f | "
                 "%.0f calls/s | eta %.0f s | %s\n",
                 static_cast<unsigned long long>(p.iteration), static_cast<unsigned long long>(p.nlike),
                 100.0 * p.efficiency, p.logz, p.remaining, rate, eta, p.method.c_str());
    std::fflush(stderr);
  }
  if (tsv_) {
    tsv_ << elapsed << '\t' << p.iteration << '\t' << p.nlike << '\t' << p.logz << '\t' << p.remaining << '\t'
         << p.efficiency << '\t' << rate << '\t' << eta << '\t' << p.method << '\n';
    tsv_.flush();
  }
  last_ = now;
  calls_at_last_ = p.nlike;
  iteration_at_last_ = p.iteration;
}

} // namespace nubayes
