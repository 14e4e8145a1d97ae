// nubayes export: a finished run as GetDist chains or as PolyChord dead-birth files (what
// anesthetic reads), so the usual plotting tools work on nubayes output unchanged.
#include "commands.h"
#include "command_line.h"

#include "exit_codes.h"
#include "prior.h"
#include "run_file.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace nubayes {

namespace {

/// Rows whose weight is below this fraction of the largest add nothing a plot could show.
constexpr double negligible_weight = 1e-30;

/// Opens `path` for writing; throws naming the file if it cannot.
std::ofstream open_output(const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot write");
  return out;
}

void close_output(std::ofstream& out, const std::string& path) {
  out.close();
  if (!out) throw std::runtime_error(path + ": write failed");
}

/// The shortest text that reads back to the same double (so 0.1 stays "0.1"), and non-finite
/// values as numpy's loadtxt (GetDist, anesthetic) reads them.
std::string number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return std::string(buffer, end);
}

/// `name  latex` per variable; derived names end with `*` (GetDist's convention, which
/// anesthetic also follows).
void write_paramnames(const RunFileContents& c, const std::string& path) {
  auto out = open_output(path);
  for (const auto& v : c.variables)
    out << v.name << (v.is_derived ? "*" : "") << "  " << (v.latex.empty() ? v.name : v.latex) << "\n";
  close_output(out, path);
}

/// `name  lo  hi` from each parameter's prior; `N` marks an unbounded side (gaussian priors).
void write_ranges(const RunFileContents& c, const std::string& path) {
  auto out = open_output(path);
  for (const auto& v : c.variables) {
    if (v.is_derived || v.prior.empty()) continue;
    const PriorSpec spec = PriorSpec::parse(v.name, v.prior);
    out << v.name << "  ";
    switch (spec.kind) {
    case PriorKind::uniform:
    case PriorKind::log_uniform: out << number(spec.a) << "  " << number(spec.b); break;
    case PriorKind::gaussian: out << "N  N"; break;
    case PriorKind::fixed: out << number(spec.a) << "  " << number(spec.a); break;
    }
    out << "\n";
  }
  close_output(out, path);
}

const std::vector<double>& column(const RunFileContents& c, const std::string& name) {
  const auto it = c.columns.find(name);
  if (it == c.columns.end()) throw std::runtime_error("run file has no /nested_sampling/" + name);
  return it->second;
}

/// PREFIX.txt: `weight  -lnL  values...` per row with non-negligible weight. Returns rows written.
std::size_t write_getdist(const RunFileContents& c, const std::string& prefix) {
  const auto& logwt = column(c, "logwt");
  const auto& logl = column(c, "logl");
  const double max_logwt = *std::max_element(logwt.begin(), logwt.end());
  if (!std::isfinite(max_logwt)) throw std::runtime_error("run has no point with positive weight");
  std::vector<const std::vector<double>*> values;
  for (const auto& v : c.variables) values.push_back(&column(c, v.name));

  const std::string path = prefix + ".txt";
  auto out = open_output(path);
  std::size_t written = 0;
  for (std::size_t i = 0; i < c.rows; ++i) {
    const double w = std::exp(logwt[i] - max_logwt); // normalised to max 1; GetDist takes any scale
    if (!(w > negligible_weight)) continue;
    out << number(w) << "  " << number(-logl[i]);
    for (const auto* col : values) out << "  " << number((*col)[i]);
    out << "\n";
    ++written;
  }
  close_output(out, path);
  write_paramnames(c, prefix + ".paramnames");
  write_ranges(c, prefix + ".ranges");
  return written;
}

/// PREFIX_dead-birth.txt in PolyChord's layout: `values...  logL  logL_birth` for every dead
/// point, then the final live points (the run file's row order already). Initial points were
/// born at -inf, which numpy (and so anesthetic) reads as written.
std::size_t write_anesthetic(const RunFileContents& c, const std::string& prefix) {
  const auto& logl = column(c, "logl");
  const auto& birth = column(c, "logl_birth");
  std::vector<const std::vector<double>*> values;
  for (const auto& v : c.variables) values.push_back(&column(c, v.name));

  const std::string path = prefix + "_dead-birth.txt";
  auto out = open_output(path);
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (const auto* col : values) out << number((*col)[i]) << "  ";
    out << number(logl[i]) << "  " << number(birth[i]) << "\n";
  }
  close_output(out, path);
  write_paramnames(c, prefix + ".paramnames");
  return c.rows;
}

} // namespace

int command_export(const std::vector<std::string>& args) {
  po::options_description named("nubayes export options");
  named.add_options()("help,h", "this help")("run", po::value<std::string>(), "run file")(
      "getdist", po::value<std::string>(), "write PREFIX.txt, PREFIX.paramnames, PREFIX.ranges (GetDist chains)")(
      "anesthetic", po::value<std::string>(), "write PREFIX_dead-birth.txt, PREFIX.paramnames (PolyChord format)");
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_command_line(args, named, positional, "export");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help")) {
    std::cout << "usage: nubayes export RUN.h5 [--getdist PREFIX] [--anesthetic PREFIX]\n" << named;
    return exit_code::ok;
  }
  if (!vm.count("run") || (!vm.count("getdist") && !vm.count("anesthetic"))) {
    std::cerr << "nubayes export: give a run file and --getdist PREFIX and/or --anesthetic PREFIX (see 'nubayes export --help')\n";
    return exit_code::bad_input;
  }
  const std::string run = vm["run"].as<std::string>();
  try {
    const RunFileContents c = read_run_file(run);
    // The weights of an unfinished run miss the final live points: refuse rather than mislead.
    if (!c.complete())
      throw std::runtime_error(run + ": run is not complete (status '" + c.text("status") + "'); resume it first");
    if (c.rows == 0) throw std::runtime_error(run + ": run has no samples");
    if (vm.count("getdist")) {
      const auto& prefix = vm["getdist"].as<std::string>();
      const std::size_t n = write_getdist(c, prefix);
      std::cout << "getdist:    " << prefix << ".txt (" << n << " weighted rows), " << prefix << ".paramnames, " << prefix
                << ".ranges\n";
    }
    if (vm.count("anesthetic")) {
      const auto& prefix = vm["anesthetic"].as<std::string>();
      if (c.is_mcmc())
        throw std::runtime_error(run + ": --anesthetic needs a nested-sampling run (dead points with birth contours); this is an MCMC run: use --getdist");
      // anesthetic recomputes the weights from the birth contours under the original prior.
      if (!c.text("reweighted_from").empty())
        throw std::runtime_error(run + ": --anesthetic would drop the reweighting (anesthetic recomputes weights from the birth contours); this run is reweighted from " +
                                 c.text("reweighted_from") + ": use --getdist");
      const std::size_t n = write_anesthetic(c, prefix);
      std::cout << "anesthetic: " << prefix << "_dead-birth.txt (" << n << " rows), " << prefix << ".paramnames\n";
    }
    return exit_code::ok;
  } catch (const std::exception& e) {
    std::cerr << "nubayes export: " << e.what() << "\n";
    return exit_code::bad_input;
  }
}

} // namespace nubayes
