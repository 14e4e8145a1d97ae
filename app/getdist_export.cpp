#include "getdist_export.h"

#include "derived_ranges.h"
#include "export_text.h"
#include "log_scale.h"
#include "prior.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes {

namespace {

/// Rows whose weight is below this fraction of the largest add nothing a plot could show.
constexpr double negligible_weight = 1e-30;

/// A bound, or `N` (GetDist's mark of an unbounded side).
std::string bound(const std::optional<double>& x) {
  return x ? number(*x) : "N";
}

/// `name  lo  hi` from each parameter's prior, and for derived quantities with physical bounds
/// (derived_ranges.h); `N` marks an unbounded side (gaussian priors).
void write_ranges(const RunFileContents& c, const std::string& path) {
  auto out = open_output(path);
  for (const auto& v : c.variables) {
    if (v.is_derived) {
      if (const auto b = derived_bounds(v.name))
        out << v.name << "  " << bound(b->lo) << "  " << bound(b->hi) << "\n";
      continue;
    }
    if (v.prior.empty()) continue;
    const PriorSpec spec = PriorSpec::parse(v.name, v.prior);
    out << v.name << "  ";
    switch (spec.kind) {
    case PriorKind::uniform:
    case PriorKind::log_uniform:
      out << number(spec.a) << "  " << number(spec.b);
      break;
    case PriorKind::gaussian:
      out << "N  N";
      break;
    case PriorKind::fixed:
      out << number(spec.a) << "  " << number(spec.a);
      break;
    }
    out << "\n";
  }
  for (const auto& v : c.variables)
    if (has_log_uniform_prior(v)) {
      const PriorSpec spec = PriorSpec::parse(v.name, v.prior);
      out << log10_name(v.name) << "  " << number(std::log10(spec.a)) << "  "
          << number(std::log10(spec.b)) << "\n";
    }
  close_output(out, path);
}

/// One column of the chains after the weight and -lnL.
struct ChainColumn {
  std::string name, label;
  bool derived = false;
  std::vector<double> values;
};

/// The run's variables in order, then log10 of each parameter with a log-uniform prior: GetDist
/// bins and smooths on a linear scale, where such a parameter's posterior is squeezed into the
/// lowest bins (empty-looking panels); its log10 column is what to plot.
std::vector<ChainColumn> chain_columns(const RunFileContents& c) {
  std::vector<ChainColumn> out;
  for (const auto& v : c.variables)
    out.push_back({v.name, v.latex.empty() ? v.name : v.latex, v.is_derived, column(c, v.name)});
  for (const auto& v : c.variables)
    if (has_log_uniform_prior(v))
      out.push_back({log10_name(v.name), "\\log_{10} " + (v.latex.empty() ? v.name : v.latex), true,
                     log10_values(column(c, v.name))});
  return out;
}

/// `name  label` per column; derived names end with `*`.
void write_paramnames(const std::vector<ChainColumn>& columns, const std::string& path) {
  auto out = open_output(path);
  for (const auto& col : columns)
    out << col.name << (col.derived ? "*" : "") << "  " << col.label << "\n";
  close_output(out, path);
}

/// PREFIX.properties.ini, which GetDist reads beside the chains: nested-sampling weights are
/// independent importance weights (`sampler = nested`: effective samples from the weights, not
/// from an MCMC correlation length, and no burn-in may be removed); MCMC draws come after burn-in
/// already (`burn_removed = T`, so GetDist's `ignore_rows` setting removes nothing more).
void write_properties(const RunFileContents& c, const std::string& path) {
  auto out = open_output(path);
  out << "# How GetDist should treat these samples (written by nubayes export)\n"
      << "sampler = " << (c.is_mcmc() ? "mcmc" : "nested") << "\n"
      << "burn_removed = T\n"
      << "label = " << c.text("model") << " (" << c.text("datasets") << ")\n";
  close_output(out, path);
}

} // namespace

/// PREFIX.txt: `weight  -lnL  values...` per row with non-negligible weight.
std::size_t write_getdist(const RunFileContents& c, const std::string& prefix) {
  const auto& logwt = column(c, "logwt");
  const auto& logl = column(c, "logl");
  const double max_logwt = *std::max_element(logwt.begin(), logwt.end());
  if (!std::isfinite(max_logwt)) throw std::runtime_error("run has no point with positive weight");
  const std::vector<ChainColumn> columns = chain_columns(c);

  const std::string path = prefix + ".txt";
  auto out = open_output(path);
  std::size_t written = 0;
  for (std::size_t i = 0; i < c.rows; ++i) {
    // Normalised to max 1; GetDist takes any scale.
    const double w = std::exp(logwt[i] - max_logwt);
    if (!(w > negligible_weight)) continue;
    out << number(w) << "  " << number(-logl[i]);
    for (const auto& col : columns)
      out << "  " << number(col.values[i]);
    out << "\n";
    ++written;
  }
  close_output(out, path);
  write_paramnames(columns, prefix + ".paramnames");
  write_ranges(c, prefix + ".ranges");
  write_properties(c, prefix + ".properties.ini");
  return written;
}

} // namespace nubayes
