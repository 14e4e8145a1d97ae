#include "mcmc_summary.h"

#include "mcmc_diagnostics.h"
#include "text_format.h"

#include <cmath>
#include <iomanip>
#include <string>
#include <vector>

namespace nubayes {

namespace {

struct Row {
  std::string name;
  ChainDiagnostics d{};
};

/// Diagnostics of every sampled parameter (not derived, not fixed) from the post-burn-in draws.
std::vector<Row> diagnostics(const RunFileContents& r) {
  std::vector<Row> rows;
  const std::size_t nc = r.mcmc_chains, n = nc ? r.rows / nc : 0;
  if (n < 4) return rows;
  for (const auto& v : r.variables) {
    if (v.is_derived || v.prior.rfind("fixed", 0) == 0) continue;
    const auto& col = r.columns.at(v.name);
    Chains chains(nc);
    for (std::size_t c = 0; c < nc; ++c)
      chains[c].assign(col.begin() + static_cast<std::ptrdiff_t>(c * n),
                       col.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
    rows.push_back({v.name, diagnose(chains)});
  }
  return rows;
}

} // namespace

void print_mcmc_status(const RunFileContents& r, std::ostream& out,
                       std::optional<double> analytic_logz) {
  const std::size_t post = r.mcmc_draws > r.mcmc_burn ? r.mcmc_draws - r.mcmc_burn : 0;
  out << "mcmc:         " << r.mcmc_algorithm << ", " << r.mcmc_chains << " chains, "
      << r.mcmc_draws << " draws each (" << r.mcmc_burn << " burn-in, " << post << " kept)\n";
  if (r.text("status") != "complete") {
    out << "              (incomplete; resume with 'nubayes run CONFIG --resume')\n";
    return;
  }
  out << std::setprecision(0) << "likelihood:   " << r.number("nlike") << " calls, "
      << r.number("steps") << " steps, acceptance " << std::setprecision(1)
      << 100 * r.number("acceptance") << "%, stopped: " << r.text("stop_reason") << "\n";
  if (r.text("logz_method") == "thermodynamic_integration") {
    out << std::setprecision(4) << "ln Z:         " << r.number("logz") << " +- "
        << r.number("logz_err") << " (thermodynamic integration); stepping stones "
        << r.number("logz_ss") << " +- " << r.number("logz_ss_err");
    if (analytic_logz) out << "   (analytic " << *analytic_logz << ")";
    out << "\n";
  }
}

void print_mcmc_diagnostics(const RunFileContents& r, std::ostream& out) {
  const std::vector<Row> rows = diagnostics(r);
  const double rhat_target = std::isnan(r.number("rhat_target")) ? 1.01 : r.number("rhat_target");
  const double ess_target = std::isnan(r.number("ess_target")) ? 400 : r.number("ess_target");
  std::vector<ChainDiagnostics> all;
  if (!rows.empty()) {
    out << "\n"
        << std::left << std::setw(16) << "diagnostics" << std::right << std::setw(10) << "R-hat"
        << std::setw(12) << "ESS bulk" << std::setw(12) << "ESS tail" << std::setw(10) << "tau"
        << "\n";
    for (const Row& row : rows) {
      out << std::left << std::setw(16) << row.name << std::right << std::fixed
          << std::setprecision(4) << std::setw(10) << row.d.rhat << std::setprecision(0)
          << std::setw(12) << row.d.ess_bulk << std::setw(12) << row.d.ess_tail
          << std::setprecision(1) << std::setw(10) << row.d.tau
          << (converged({row.d}, rhat_target, ess_target) ? "" : "   <- not converged") << "\n";
      all.push_back(row.d);
    }
  }
  const bool complete = r.text("status") == "complete";
  const bool ok = converged(all, rhat_target, ess_target);
  if (complete && ok) return;
  out << std::fixed << "\n!!! WARNING: "
      << (complete ? "this MCMC run stopped at max_steps WITHOUT CONVERGING"
                   : "this MCMC run is unfinished and not (yet) converged")
      << " (targets: R-hat < " << std::setprecision(3) << rhat_target
      << ", bulk and tail ESS >= " << std::setprecision(0) << ess_target << ").\n"
      << "!!! Its posterior and any evidence from it are not reliable: "
      << (complete ? "raise [sampler] max_steps (or burn) and run again, or start from a "
                     "nested-sampling run (init = RUN.h5)."
                   : "resume it with 'nubayes run CONFIG --resume'.")
      << "\n";
}

void print_mcmc_diagnostics_json(const RunFileContents& r, std::ostream& out) {
  out << ", \"diagnostics\": {";
  bool first = true;
  for (const Row& row : diagnostics(r)) {
    out << (first ? "" : ", ") << json_string(row.name)
        << ": {\"rhat\": " << json_number(row.d.rhat)
        << ", \"ess_bulk\": " << json_number(row.d.ess_bulk)
        << ", \"ess_tail\": " << json_number(row.d.ess_tail)
        << ", \"tau\": " << json_number(row.d.tau) << "}";
    first = false;
  }
  out << "}";
}

} // namespace nubayes
