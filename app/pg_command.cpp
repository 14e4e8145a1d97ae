// nubayes pg: the parameter goodness-of-fit test (Maltoni & Schwetz 2003, hep-ph/0304176) from
// three finished runs, on data sets A, B and A+B:
//   chi2_PG = chi2_min(A+B) - chi2_min(A) - chi2_min(B),   chi2_min = -2 ln L_max,
// distributed as chi2 with as many degrees of freedom as parameters A and B share. Only the
// compatibility of the data sets enters, not how well each fits on its own.
#include "commands.h"
#include "model_options.h"
#include "command_line.h"
#include "text_format.h"

#include "exit_codes.h"
#include "parse_number.h"
#include "problem.h"
#include "run_config.h"
#include "stored_run.h"
#include "run_file.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <gsl/gsl_cdf.h>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

namespace po = boost::program_options;

namespace nubayes {

namespace {

/// A refusal (mismatched runs, bad option): one line, exit code 2.
class Refusal : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct PgRun {
  std::string path, model, datasets_text;
  std::set<std::string> datasets;
  std::vector<std::string> sampled; ///< non-derived, non-fixed parameter names, [prior] order
  double raw_logl = -INFINITY;      ///< best ln L recorded in /nested_sampling
  double polished_logl = -INFINITY; ///< after the Nelder-Mead polish (>= raw_logl)
  std::size_t polish_calls = 0;
  std::vector<std::pair<std::string, double>> best; ///< parameters at the polished maximum
};

std::set<std::string> split_datasets(const std::string& text) {
  const auto items = split_list(text);
  return {items.begin(), items.end()};
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

/// Minimises f over [0,1]^n by Nelder-Mead (standard coefficients 1, 2, 1/2, 1/2), every vertex
/// projected onto the cube. The best vertex never gets worse, so the result is at most f(x0).
/// Returns the minimiser; `calls` counts evaluations.
template <class F>
std::vector<double> nelder_mead(F f, std::vector<double> x0, double step, std::size_t max_calls, std::size_t& calls) {
  const std::size_t n = x0.size();
  const auto project = [](std::vector<double>& x) {
    for (double& v : x) v = std::clamp(v, 0.0, 1.0);
  };
  const auto eval = [&](const std::vector<double>& x) {
    ++calls;
    const double v = f(x);
    return std::isnan(v) ? INFINITY : v;
  };
  std::vector<std::vector<double>> simplex{x0};
  for (std::size_t i = 0; i < n; ++i) {
    auto x = x0;
    x[i] += x[i] + step <= 1 ? step : -step; // stay inside the cube
    simplex.push_back(x);
  }
  std::vector<double> fv;
  for (const auto& x : simplex) fv.push_back(eval(x));
  std::vector<std::size_t> order(n + 1);
  while (calls < max_calls) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fv[a] < fv[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
    double size = 0;
    for (const auto& x : simplex)
      for (std::size_t k = 0; k < n; ++k) size = std::max(size, std::abs(x[k] - simplex[best][k]));
    if (size < 1e-10 || (std::isfinite(fv[worst]) && fv[worst] - fv[best] < 1e-12)) break;

    std::vector<double> centroid(n, 0.0);
    for (std::size_t i : order)
      if (i != worst)
        for (std::size_t k = 0; k < n; ++k) centroid[k] += simplex[i][k] / static_cast<double>(n);
    const auto along = [&](double t) { // centroid + t (centroid - worst), projected
      std::vector<double> x(n);
      for (std::size_t k = 0; k < n; ++k) x[k] = centroid[k] + t * (centroid[k] - simplex[worst][k]);
      project(x);
      return x;
    };
    auto reflected = along(1.0);
    const double fr = eval(reflected);
    if (fr < fv[best]) {
      auto expanded = along(2.0);
      const double fe = eval(expanded);
      if (fe < fr) simplex[worst] = std::move(expanded), fv[worst] = fe;
      else simplex[worst] = std::move(reflected), fv[worst] = fr;
    } else if (fr < fv[second]) {
      simplex[worst] = std::move(reflected), fv[worst] = fr;
    } else {
      auto contracted = along(fr < fv[worst] ? 0.5 : -0.5); // outside or inside contraction
      const double fc = eval(contracted);
      if (fc < std::min(fr, fv[worst])) {
        simplex[worst] = std::move(contracted), fv[worst] = fc;
      } else { // shrink towards the best vertex
        for (std::size_t i : order) {
          if (i == best) continue;
          for (std::size_t k = 0; k < n; ++k) simplex[i][k] = simplex[best][k] + 0.5 * (simplex[i][k] - simplex[best][k]);
          fv[i] = eval(simplex[i]);
        }
      }
    }
  }
  const auto best = static_cast<std::size_t>(std::min_element(fv.begin(), fv.end()) - fv.begin());
  return simplex[best];
}

/// The cube coordinate of a physical value: the inverse of PriorSpace::to_physical.
double to_cube(const PriorSpec& s, double theta) {
  switch (s.kind) {
  case PriorKind::uniform: return (theta - s.a) / (s.b - s.a);
  case PriorKind::log_uniform: return std::log(theta / s.a) / std::log(s.b / s.a);
  case PriorKind::gaussian: return gsl_cdf_ugaussian_P((theta - s.a) / s.b);
  case PriorKind::fixed: break;
  }
  return 0;
}

/// Reads one run: its best recorded point, and with `polish` the likelihood rebuilt from the
/// stored config and maximised locally from that point (nested sampling stops short of the
/// exact maximum by about the last contour spacing, which would bias chi2_PG).
PgRun load_run(const std::string& path, bool polish) {
  const RunFileContents c = read_run_file(path);
  if (!c.complete())
    throw Refusal(path + ": run is not complete (status '" + c.text("status") + "'); resume it first");
  PgRun r;
  r.path = path;
  r.model = c.text("model");
  r.datasets_text = c.text("datasets");
  r.datasets = split_datasets(r.datasets_text);
  std::vector<std::string> params;
  for (const auto& v : c.variables) {
    if (v.is_derived) continue;
    params.push_back(v.name);
    if (v.prior.rfind("fixed", 0) != 0) r.sampled.push_back(v.name);
  }
  const auto& logl = c.columns.at("logl");
  if (logl.empty()) throw Refusal(path + ": run has no samples");
  const auto row = static_cast<std::size_t>(std::max_element(logl.begin(), logl.end()) - logl.begin());
  r.raw_logl = r.polished_logl = logl[row];
  for (const auto& p : params) r.best.emplace_back(p, c.columns.at(p)[row]);
  if (!polish || !std::isfinite(r.raw_logl)) return r;

  RunConfig rc;
  try {
    rc = stored_run_config(c, path);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw Refusal(e.what());
  }
  const PriorSpace prior(rc.problem.priors);
  const LogLikelihood& like = *rc.problem.likelihood;
  std::vector<double> theta(prior.nparams()), terms(like.term_names().size()), derived(like.derived_names().size());
  const auto minus_logl = [&](const std::vector<double>& u) {
    prior.to_physical(u, theta);
    return -like.evaluate(theta, terms, derived);
  };
  std::vector<double> u0;
  for (std::size_t i : prior.sampled_indices())
    u0.push_back(std::clamp(to_cube(prior.specs()[i], r.best[i].second), 0.0, 1.0));
  if (u0.empty()) return r;
  // The rebuilt likelihood must reproduce the recorded maximum, or the data or code changed
  // since the run and a polished value would not be comparable.
  if (const double again = -minus_logl(u0); std::abs(again - r.raw_logl) > 1e-6 * (1 + std::abs(r.raw_logl)))
    throw Refusal(path + ": the likelihood rebuilt from the stored config gives ln L = " + std::to_string(again) +
                  " at the best point, not the recorded " + std::to_string(r.raw_logl) + " (--no-polish to use the recorded points)");

  // Two passes: a restart recovers from a simplex collapsed early onto a ridge.
  auto u = u0;
  for (double step : {0.02, 0.002}) u = nelder_mead(minus_logl, u, step, 400 * u0.size() + 200, r.polish_calls);
  const double polished = -minus_logl(u);
  ++r.polish_calls;
  if (polished > r.raw_logl) {
    r.polished_logl = polished;
    for (std::size_t i = 0; i < theta.size(); ++i) r.best[i].second = theta[i];
  }
  return r;
}

} // namespace

int command_pg(const std::vector<std::string>& args) {
  po::options_description named("nubayes pg options");
  named.add_options()("help,h", "this help")("a", po::value<std::string>(), "run on data set A")(
      "b", po::value<std::string>(), "run on data set B")("ab", po::value<std::string>(), "run on A and B together")(
      "dof", po::value<std::string>(), "degrees of freedom (default: parameters sampled in both A and B)")(
      "json", po::bool_switch(), "JSON output")("force", po::bool_switch(), "skip the model and data set checks")(
      "no-polish", po::bool_switch(), "use the best recorded points as they are (no likelihood rebuilt)");
  const auto parsed = parse_command_line(args, named, po::positional_options_description(), "pg");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help")) {
    std::cout << "usage: nubayes pg --a RUN_A.h5 --b RUN_B.h5 --ab RUN_AB.h5 [options]\n" << named;
    return exit_code::ok;
  }
  if (!vm.count("a") || !vm.count("b") || !vm.count("ab")) {
    std::cerr << "nubayes pg: --a, --b and --ab are all required (see 'nubayes pg --help')\n";
    return exit_code::bad_input;
  }
  try {
    std::optional<int> dof_option;
    if (vm.count("dof")) {
      const auto v = parse_finite(vm["dof"].as<std::string>());
      if (!v || *v < 1 || *v != std::floor(*v)) throw Refusal("--dof: '" + vm["dof"].as<std::string>() + "' is not a positive integer");
      dof_option = static_cast<int>(*v);
    }
    const bool polish = !vm["no-polish"].as<bool>();
    const PgRun a = load_run(vm["a"].as<std::string>(), polish);
    const PgRun b = load_run(vm["b"].as<std::string>(), polish);
    const PgRun ab = load_run(vm["ab"].as<std::string>(), polish);

    if (!vm["force"].as<bool>()) {
      if (a.model != ab.model || b.model != ab.model)
        throw Refusal("runs use different models ('" + a.model + "', '" + b.model + "', '" + ab.model + "'); --force to test anyway");
      std::set<std::string> both;
      std::set_intersection(a.datasets.begin(), a.datasets.end(), b.datasets.begin(), b.datasets.end(),
                            std::inserter(both, both.end()));
      // The test assumes independent data: a data set in both A and B would count twice.
      if (!both.empty()) throw Refusal("A and B share data (" + join(both) + "); the test needs independent data sets (--force to test anyway)");
      std::set<std::string> joint = a.datasets;
      joint.insert(b.datasets.begin(), b.datasets.end());
      if (joint != ab.datasets)
        throw Refusal(ab.path + " uses data '" + ab.datasets_text + "', not the union of A and B ('" + join(joint) +
                      "'); --force to test anyway");
    }

    std::vector<std::string> shared;
    for (const auto& p : a.sampled)
      if (std::find(b.sampled.begin(), b.sampled.end(), p) != b.sampled.end()) shared.push_back(p);
    const int dof = dof_option.value_or(static_cast<int>(shared.size()));
    if (dof < 1) throw Refusal("A and B share no sampled parameter; give --dof");

    const auto chi2_min = [](const PgRun& r, bool polished) { return -2 * (polished ? r.polished_logl : r.raw_logl); };
    const double chi2_raw = chi2_min(ab, false) - chi2_min(a, false) - chi2_min(b, false);
    const double chi2_pg = chi2_min(ab, true) - chi2_min(a, true) - chi2_min(b, true);
    // A slightly negative value only means the joint maximum was polished less well.
    const double p_value = gsl_cdf_chisq_Q(std::max(chi2_pg, 0.0), dof);
    const double sigma = p_value >= 1 ? 0.0 : gsl_cdf_ugaussian_Qinv(p_value / 2);

    const std::vector<std::pair<const char*, const PgRun*>> runs{{"a", &a}, {"b", &b}, {"ab", &ab}};
    if (vm["json"].as<bool>()) {
      std::cout << "{\"runs\": {";
      for (std::size_t i = 0; i < runs.size(); ++i) {
        const PgRun& r = *runs[i].second;
        std::cout << (i ? ", " : "") << "\"" << runs[i].first << "\": {\"path\": " << json_string(r.path)
                  << ", \"model\": " << json_string(r.model) << ", \"datasets\": " << json_string(r.datasets_text)
                  << ", \"chi2_min_raw\": " << json_number(chi2_min(r, false))
                  << ", \"chi2_min\": " << json_number(chi2_min(r, true)) << ", \"polish_calls\": " << r.polish_calls
                  << ", \"best_fit\": {";
        for (std::size_t k = 0; k < r.best.size(); ++k)
          std::cout << (k ? ", " : "") << json_string(r.best[k].first) << ": " << json_number(r.best[k].second);
        std::cout << "}}";
      }
      std::cout << "}, \"chi2_pg_raw\": " << json_number(chi2_raw) << ", \"chi2_pg\": " << json_number(chi2_pg)
                << ", \"dof\": " << dof << ", \"shared_parameters\": [";
      for (std::size_t k = 0; k < shared.size(); ++k) std::cout << (k ? ", " : "") << json_string(shared[k]);
      std::cout << "], \"p_value\": " << json_number(p_value) << ", \"sigma\": " << json_number(sigma)
                << ", \"polished\": " << (polish ? "true" : "false") << "}\n";
    } else {
      std::cout << "parameter goodness-of-fit (Maltoni & Schwetz 2003)\n";
      for (const auto& [label, r] : runs) {
        std::cout << "  " << std::left << std::setw(3) << label << r->path << " [" << r->datasets_text
                  << "]: chi2_min = " << fixed(chi2_min(*r, true), 3) << " (recorded " << fixed(chi2_min(*r, false), 3)
                  << ")\n     best fit:" << std::setprecision(6);
        for (const auto& [name, value] : r->best) std::cout << " " << name << " = " << value;
        std::cout << "\n";
      }
      std::cout << "chi2_PG = " << fixed(chi2_pg, 3) << " (recorded points: " << fixed(chi2_raw, 3) << ")"
                << (polish ? "" : ", not polished") << "\ndof     = " << dof;
      if (!dof_option) {
        std::cout << " (shared parameters:";
        for (const auto& p : shared) std::cout << " " << p;
        std::cout << "; one that A or B leaves unconstrained adds no degree of freedom: set --dof then)";
      }
      std::cout << "\np-value = " << std::setprecision(4) << p_value << ", equivalent to " << fixed(sigma, 2)
                << " sigma (two-sided)\n";
    }
    return exit_code::ok;
  } catch (const LikelihoodError& e) {
    std::cerr << "nubayes pg: error: " << e.what() << "\n";
    return exit_code::failure;
  } catch (const std::exception& e) {
    std::cerr << "nubayes pg: " << e.what() << "\n";
    return exit_code::bad_input;
  }
}

} // namespace nubayes
