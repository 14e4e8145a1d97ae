#include "run_summary.h"
#include "mcmc_summary.h"
#include "text_format.h"

#include "posterior_summary.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace nubayes {

namespace {

/// Posterior weights of the /nested_sampling rows, normalised to sum 1.
std::vector<double> posterior_weights(const RunFileContents& r) {
  const auto it = r.columns.find("logwt");
  if (it == r.columns.end()) return {};
  const auto& logwt = it->second;
  double m = -INFINITY;
  for (double v : logwt) m = std::max(m, v);
  std::vector<double> w(logwt.size());
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) sum += (w[i] = std::isfinite(m) ? std::exp(logwt[i] - m) : 0.0);
  for (double& v : w) v = sum > 0 ? v / sum : 0.0;
  return w;
}

std::string interval(double lo, double hi) {
  std::ostringstream out;
  out << std::setprecision(5) << "[" << lo << ", " << hi << "]";
  return out.str();
}

/// Row of the highest log-likelihood among the recorded points, or -1.
long best_row(const RunFileContents& r) {
  const auto it = r.columns.find("logl");
  if (it == r.columns.end() || it->second.empty()) return -1;
  const auto& l = it->second;
  return static_cast<long>(std::max_element(l.begin(), l.end()) - l.begin());
}

void print_best_fit(const RunFileContents& r, std::ostream& out) {
  const long row = best_row(r);
  if (row < 0) return;
  const auto at = [&](const std::string& column) { return r.columns.at(column)[static_cast<std::size_t>(row)]; };
  out << std::setprecision(6) << std::defaultfloat << "best fit:     ln L = " << at("logl") << " (-2 ln L = "
      << -2 * at("logl") << ") at";
  for (const auto& v : r.variables)
    if (r.columns.count(v.name)) out << " " << v.name << "=" << at(v.name);
  out << "\n";
  if (r.terms.size() > 1)
    for (const auto& t : r.terms)
      if (r.columns.count("loglike_" + t)) out << "              " << t << ": ln L = " << at("loglike_" + t) << "\n";
}

void print_marginals(const RunFileContents& r, const std::vector<double>& w, std::ostream& out) {
  out << "\n" << std::left << std::setw(16) << "parameter" << std::right << std::setw(13) << "mean"
      << std::setw(12) << "sd" << std::setw(13) << "median" << std::setw(27) << "68% interval"
      << std::setw(27) << "95% interval" << "\n";
  out << std::setprecision(5) << std::defaultfloat;
  for (const auto& v : r.variables) {
    const auto col = r.columns.find(v.name);
    if (col == r.columns.end()) continue;
    const MarginalSummary s = summarize_marginal(col->second, w);
    auto g = [](double x) {
      std::ostringstream o;
      o << std::setprecision(5) << x;
      return o.str();
    };
    out << std::left << std::setw(16) << v.name << std::right << std::setw(13) << g(s.mean) << std::setw(12)
        << g(s.sd) << std::setw(13) << g(s.median) << std::setw(27) << interval(s.lo68, s.hi68)
        << std::setw(27) << interval(s.lo95, s.hi95) << "\n";
  }
}


/// Each line of `text` behind the summary's 14-column indent.
std::string indented(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) out += "              " + line + "\n";
  return out;
}

} // namespace

void print_run_summary(const RunFileContents& r, std::ostream& out, std::optional<double> analytic_logz) {
  const std::string status = r.text("status");
  out << std::fixed;
  out << "run:          model " << r.text("model") << ", sampler " << r.text("sampler")
      << ", status " << status << ", seed " << static_cast<long long>(r.number("seed")) << ", "
      << static_cast<long long>(r.number("mpi_size")) << " rank(s)\n";
  if (r.is_mcmc()) {
    print_mcmc_status(r, out, analytic_logz);
  } else if (status != "complete") {
    out << "              (incomplete: " << r.rows << " rows so far; resume with 'nubayes run CONFIG --resume')\n";
  } else {
    out << std::setprecision(4) << "ln Z:         " << r.number("logz") << " +- " << r.number("logz_err");
    if (analytic_logz) out << "   (analytic " << *analytic_logz << ")";
    out << "\ninformation:  H = " << r.number("information") << " nats\n";
    if (const std::string source = r.text("reweighted_from"); !source.empty())
      out << "reweighted:   from " << source << " (ln Z " << r.number("logz_original") << " +- "
          << r.number("logz_err_original") << "), ESS " << std::setprecision(0) << r.number("ess") << " of "
          << r.number("ess_original") << ", to the priors\n" << indented(r.text("reweighted_priors"));
    out << std::setprecision(0) << "likelihood:   " << r.number("nlike") << " calls, "
        << r.number("iterations") << " iterations, ESS " << r.number("ess") << "\n";
    const double p = r.number("insertion_ks_pvalue"), pc = r.number("insertion_ks_pvalue_chunks");
    out << std::setprecision(3) << "insertion:    KS p-value " << p << " (all), " << pc << " (worst chunk, Bonferroni)";
    if (p < 0.01 || pc < 0.01) out << "  WARNING: constrained sampling looks biased";
    out << "\n";
  }
  print_posterior(r, out);
  if (r.is_mcmc()) print_mcmc_diagnostics(r, out);
}

void print_posterior(const RunFileContents& r, std::ostream& out) {
  print_best_fit(r, out);
  const auto w = posterior_weights(r);
  if (!w.empty() && r.rows > 0) print_marginals(r, w, out);
}

void print_run_summary_json(const RunFileContents& r, std::ostream& out) {
  out << "{";
  bool first = true;
  for (const auto& [k, v] : r.string_attributes) {
    if (k == "config" || k == "fingerprint") continue; // long multi-line texts, for the tools
    out << (first ? "" : ", ") << json_string(k) << ": " << json_string(v);
    first = false;
  }
  for (const auto& [k, v] : r.number_attributes) out << ", " << json_string(k) << ": " << json_number(v);
  out << ", \"rows\": " << r.rows;
  if (const long row = best_row(r); row >= 0) {
    const auto at = [&](const std::string& c) { return json_number(r.columns.at(c)[static_cast<std::size_t>(row)]); };
    out << ", \"best_fit\": {\"loglike\": " << at("logl");
    for (const auto& v : r.variables)
      if (r.columns.count(v.name)) out << ", " << json_string(v.name) << ": " << at(v.name);
    for (const auto& t : r.terms)
      if (r.columns.count("loglike_" + t)) out << ", " << json_string("loglike_" + t) << ": " << at("loglike_" + t);
    out << "}";
  }
  out << ", \"parameters\": {";
  const auto w = posterior_weights(r);
  first = true;
  for (const auto& v : r.variables) {
    const auto col = r.columns.find(v.name);
    if (col == r.columns.end() || w.empty()) continue;
    const MarginalSummary s = summarize_marginal(col->second, w);
    out << (first ? "" : ", ") << json_string(v.name) << ": {\"mean\": " << json_number(s.mean)
        << ", \"sd\": " << json_number(s.sd) << ", \"median\": " << json_number(s.median)
        << ", \"ci68\": [" << json_number(s.lo68) << ", " << json_number(s.hi68) << "], \"ci95\": ["
        << json_number(s.lo95) << ", " << json_number(s.hi95) << "]}";
    first = false;
  }
  out << "}";
  if (r.is_mcmc()) print_mcmc_diagnostics_json(r, out);
  out << "}\n";
}

} // namespace nubayes
