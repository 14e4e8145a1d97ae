#include "getdist_export.h"

#include "derived_ranges.h"
#include "export_text.h"
#include "log_scale.h"
#include "prior.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
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

/// GetDist's name of chain `index`: PREFIX.txt for 0, else PREFIX_<index>.txt.
std::string chain_path(const std::string& prefix, std::size_t index) {
  std::string path = prefix; // appended piecewise: GCC 12's -Wrestrict misfires on a + b + c
  if (index) {
    path += '_';
    path += std::to_string(index);
  }
  path += ".txt";
  return path;
}

/// GetDist reads PREFIX.txt and then PREFIX_1.txt, PREFIX_2.txt, ... up to the first missing one.
/// A chain file left by another export at this prefix (PREFIX.txt beside per-chain files, or one
/// chain more than written) would be read as part of this run: refuse before writing anything.
void refuse_stale_chains(const std::string& prefix, std::size_t first, std::size_t last) {
  for (std::size_t index : {std::size_t{0}, std::size_t{1}, last + 1})
    if ((index < first || index > last) && std::filesystem::exists(chain_path(prefix, index)))
      throw std::runtime_error(chain_path(prefix, index) +
                               " exists from another export, and GetDist would read it as a "
                               "chain of this run: remove it or choose another prefix");
}

} // namespace

GetDistFiles write_getdist(const RunFileContents& c, const std::string& prefix) {
  const auto& logwt = column(c, "logwt");
  const auto& logl = column(c, "logl");
  const double max_logwt = *std::max_element(logwt.begin(), logwt.end());
  if (!std::isfinite(max_logwt)) throw std::runtime_error("run has no point with positive weight");
  const std::vector<ChainColumn> columns = chain_columns(c);
  // MCMC chains stay apart (GetDist's R-1 compares them); nested sampling is one weighted set.
  const std::size_t nchains = c.is_mcmc() ? c.mcmc_chains : 1;
  const std::size_t first = c.is_mcmc() ? 1 : 0, per_chain = c.rows / nchains;
  refuse_stale_chains(prefix, first, first + nchains - 1);

  GetDistFiles files;
  for (std::size_t k = 0; k < nchains; ++k) {
    files.chains.push_back(chain_path(prefix, first + k));
    auto out = open_output(files.chains.back());
    for (std::size_t i = k * per_chain; i < (k + 1) * per_chain; ++i) {
      // `weight  -lnL  values...`, weights normalised to max 1 (GetDist takes any scale).
      const double w = std::exp(logwt[i] - max_logwt);
      if (!(w > negligible_weight)) continue;
      out << number(w) << "  " << number(-logl[i]);
      for (const auto& col : columns)
        out << "  " << number(col.values[i]);
      out << "\n";
      ++files.rows;
    }
    close_output(out, files.chains.back());
  }
  write_paramnames(columns, prefix + ".paramnames");
  write_ranges(c, prefix + ".ranges");
  write_properties(c, prefix + ".properties.ini");
  return files;
}

} // namespace nubayes
