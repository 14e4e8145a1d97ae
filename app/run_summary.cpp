#include "run_summary.h"
#include "log_scale.h"
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

std::string short_number(double x) {
  std::ostringstream o;
  o << std::setprecision(5) << x;
  return o.str();
}

/// One row of the marginals table; `moments` false leaves out the mean and sd.
void print_marginal_row(std::ostream& out, const std::string& name, const MarginalSummary& s,
                        bool moments) {
  out << std::left << std::setw(16) << name << std::right << std::setw(13)
      << (moments ? short_number(s.mean) : "-") << std::setw(12)
      << (moments ? short_number(s.sd) : "-") << std::setw(13) << short_number(s.median)
      << std::setw(27) << interval(s.lo68, s.hi68) << std::setw(27) << interval(s.lo95, s.hi95)
      << std::setw(12) << short_number(s.lower95) << std::setw(12) << short_number(s.upper95)
      << "\n";
}

/// Per variable: mean, sd, median, central intervals and one-sided 95 % limits. A parameter with
/// a log-uniform prior gets a log10 row below it, and no linear mean and sd.
void print_marginals(const RunFileContents& r, const std::vector<double>& w, std::ostream& out) {
  out << "\n" << std::left << std::setw(16) << "parameter" << std::right << std::setw(13) << "mean"
      << std::setw(12) << "sd" << std::setw(13) << "median" << std::setw(27) << "68% interval"
      << std::setw(27) << "95% interval" << std::setw(12) << "95% lower" << std::setw(12)
      << "95% upper" << "\n";
  for (const auto& v : r.variables) {
    const auto col = r.columns.find(v.name);
    if (col == r.columns.end()) continue;
    const bool log_scale = has_log_uniform_prior(v);
    print_marginal_row(out, v.name, summarize_marginal(col->second, w), !log_scale);
    if (log_scale)
      print_marginal_row(out, "log10(" + v.name + ")",
                         summarize_marginal(log10_values(col->second), w), true);
  }
}

/// A marginal summary as JSON members (no braces).
std::string json_marginal(const MarginalSummary& s) {
  return "\"mean\": " + json_number(s.mean) + ", \"sd\": " + json_number(s.sd) +
         ", \"median\": " + json_number(s.median) + ", \"ci68\": [" + json_number(s.lo68) + ", " +
         json_number(s.hi68) + "], \"ci95\": [" + json_number(s.lo95) + ", " +
         json_number(s.hi95) + "], \"lower95\": " + json_number(s.lower95) +
         ", \"upper95\": " + json_number(s.upper95);
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
    out << (first ? "" : ", ") << json_string(v.name) << ": {"
        << json_marginal(summarize_marginal(col->second, w));
    if (has_log_uniform_prior(v))
      out << ", \"scale\": \"log\", \"log10\": {"
          << json_marginal(summarize_marginal(log10_values(col->second), w)) << "}";
    out << "}";
    first = false;
  }
  out << "}";
  if (r.is_mcmc()) print_mcmc_diagnostics_json(r, out);
  out << "}\n";
}

} // namespace nubayes
