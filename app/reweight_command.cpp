// nubayes reweight: ln Z and the posterior of a finished nested-sampling run under a new prior,
// by importance reweighting of its dead points (no new likelihood calls), with an error that
// counts both the volume-compression noise and the reweighting's own, and a refusal where the
// run's samples cannot represent the new prior.
#include "commands.h"
#include "model_options.h"
#include "command_line.h"
#include "text_format.h"

#include "exit_codes.h"
#include "prior_reweighting.h"
#include "reweighted_run.h"
#include "run_summary.h"
#include "stored_run.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>

namespace po = boost::program_options;

namespace nubayes {

namespace {

/// Below this Kish ESS of the new weights the reweighted ln Z and its delta-method error are
/// not trustworthy (a handful of points carry the answer): refuse and ask for a fresh run.
constexpr double default_min_ess = 20;

/// Input that cannot be reweighted: one line, exit code 2.
class Refusal : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The run's parameters with their priors, in [prior] order.
std::vector<PriorSpec> run_priors(const RunFileContents& run, const std::string& path) {
  std::vector<PriorSpec> priors;
  for (const auto& v : run.variables)
    if (!v.is_derived) priors.push_back(PriorSpec::parse(v.name, v.prior));
  if (priors.empty()) throw Refusal(path + ": the run file records no parameters");
  return priors;
}

/// The run's priors with each `NAME = SPEC` of `lines` put in, checked against the run's.
std::vector<PriorSpec> new_priors(const std::vector<PriorSpec>& old_priors, const std::vector<std::string>& lines,
                                  const std::string& path, std::map<std::string, std::string>& typed) {
  std::vector<PriorSpec> priors = old_priors;
  for (const auto& line : lines) {
    const auto eq = line.find('=');
    const std::string name = trim(line.substr(0, eq)), spec = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
    if (eq == std::string::npos || name.empty() || spec.empty())
      throw Refusal("--prior '" + line + "': expected \"NAME = SPEC\", e.g. \"Ue4_sq = log-uniform 1e-4 0.05\"");
    const auto it = std::find_if(priors.begin(), priors.end(), [&](const PriorSpec& p) { return p.name == name; });
    if (it == priors.end()) {
      std::string known;
      for (const auto& p : priors) known += (known.empty() ? "" : ", ") + p.name;
      throw Refusal("--prior " + name + ": not a parameter of " + path + " (parameters: " + known + ")");
    }
    if (typed.contains(name)) throw Refusal("--prior " + name + ": given twice");
    PriorSpec spec_parsed;
    try {
      spec_parsed = PriorSpec::parse(name, spec);
    } catch (const std::invalid_argument& e) {
      throw Refusal("--prior " + name + " = " + spec + ": " + e.what());
    }
    const auto index = static_cast<std::size_t>(it - priors.begin());
    if (const auto problem = coverage_problem(old_priors[index], spec_parsed))
      throw Refusal("--prior " + name + " = " + spec + ": not covered by " + path + ": " + *problem);
    *it = spec_parsed;
    typed[name] = spec;
  }
  return priors;
}

void print_text(const std::string& path, const std::map<std::string, std::string>& typed, const RunFileContents& run,
                const ReweightedEvidence& r, double min_ess, const RunFileContents& reweighted, std::ostream& out) {
  out << "reweighted:   " << path << " under the new prior\n";
  for (const auto& [name, spec] : typed) out << "              " << name << " = " << spec << "\n";
  out << "ln Z:         " << fixed(r.logz, 4) << " +- " << fixed(r.logz_err, 4) << "   (compression "
      << fixed(r.logz_err_compression, 4) << ", importance " << fixed(r.logz_err_importance, 4) << ")\n"
      << "original:     " << fixed(run.number("logz"), 4) << " +- " << fixed(run.number("logz_err"), 4) << "\n"
      << "ln Z' - ln Z: " << fixed(r.delta_logz, 4) << " +- " << fixed(r.delta_logz_err, 4)
      << "   (the Bayes factor of the new prior against the old)\n"
      << "ESS:          " << fixed(r.ess, 0) << " of the run's " << fixed(r.ess_original, 0) << " ("
      << fixed(100 * r.ess / r.ess_original, 1) << " %; refused below " << fixed(min_ess, 0) << ")\n"
      << "information:  H = " << fixed(r.information, 4) << " nats\n";
  print_posterior(reweighted, out);
}

void print_json(const std::string& path, const std::map<std::string, std::string>& typed, const RunFileContents& run,
                const ReweightedEvidence& r, double min_ess, const RunFileContents& reweighted,
                const std::string& out_path, std::ostream& out) {
  out << "{\"run\": " << json_string(path) << ", \"priors\": {";
  bool first = true;
  for (const auto& [name, spec] : typed) {
    out << (first ? "" : ", ") << json_string(name) << ": " << json_string(spec);
    first = false;
  }
  out << "}, \"logz\": " << json_number(r.logz) << ", \"logz_err\": " << json_number(r.logz_err)
      << ", \"logz_err_compression\": " << json_number(r.logz_err_compression)
      << ", \"logz_err_importance\": " << json_number(r.logz_err_importance)
      << ", \"original_logz\": " << json_number(run.number("logz"))
      << ", \"original_logz_err\": " << json_number(run.number("logz_err"))
      << ", \"delta_logz\": " << json_number(r.delta_logz) << ", \"delta_logz_err\": " << json_number(r.delta_logz_err)
      << ", \"ess\": " << json_number(r.ess) << ", \"original_ess\": " << json_number(r.ess_original)
      << ", \"min_ess\": " << json_number(min_ess) << ", \"information\": " << json_number(r.information)
      << ", \"out\": " << (out_path.empty() ? "null" : json_string(out_path)) << ", \"reweighted_run\": ";
  print_run_summary_json(reweighted, out);
  out << "}\n";
}

} // namespace

int command_reweight(const std::vector<std::string>& args) {
  po::options_description named("nubayes reweight options");
  named.add_options()("help,h", "this help")("run", po::value<std::string>(), "nested-sampling run file")(
      "prior", po::value<std::vector<std::string>>()->composing(),
      "\"NAME = SPEC\" (uniform LO HI | log-uniform LO HI | gaussian MU SIGMA | fixed VALUE); repeat per parameter")(
      "out", po::value<std::string>(), "write the reweighted run as a run file (info, compare, export --getdist)")(
      "json", po::bool_switch(), "print JSON")(
      "min-ess", po::value<double>()->default_value(default_min_ess),
      "refuse when the new weights' Kish ESS falls below this");
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_command_line(args, named, positional, "reweight");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help")) {
    std::cout << "usage: nubayes reweight RUN.h5 --prior \"NAME = SPEC\" [--prior ...] [--out NEW.h5] [--json] [--min-ess N]\n"
              << named;
    return exit_code::ok;
  }
  if (!vm.count("run") || !vm.count("prior")) {
    std::cerr << "nubayes reweight: give a run file and at least one --prior \"NAME = SPEC\" (see 'nubayes reweight --help')\n";
    return exit_code::bad_input;
  }
  const std::string path = vm["run"].as<std::string>();
  const std::string out_path = vm.count("out") ? vm["out"].as<std::string>() : "";
  const double min_ess = vm["min-ess"].as<double>();
  if (!(min_ess >= 0) || !std::isfinite(min_ess)) {
    std::cerr << "nubayes reweight: --min-ess must be a number >= 0\n";
    return exit_code::bad_input;
  }
  RunFileContents reweighted;
  std::map<std::string, std::string> typed;
  RunFileContents run;
  ReweightedEvidence result;
  try {
    run = read_run_file(path);
    if (run.is_mcmc())
      throw Refusal(path + ": an MCMC run; reweighting needs nested sampling's dead points and their prior volumes");
    require_complete(run, path);
    if (!run.text("reweighted_from").empty())
      throw Refusal(path + ": already reweighted (from " + run.text("reweighted_from") +
                    "); reweight the original run instead, so the errors stay honest");
    if (!out_path.empty() && std::filesystem::exists(out_path) && std::filesystem::equivalent(out_path, path))
      throw Refusal("--out " + out_path + ": that is the run file itself; give a new path");
    const std::vector<PriorSpec> old_priors = run_priors(run, path);
    const std::vector<PriorSpec> priors = new_priors(old_priors, vm["prior"].as<std::vector<std::string>>(), path, typed);
    std::vector<std::int64_t> nlive;
    for (double n : run.columns.at("nlive")) nlive.push_back(static_cast<std::int64_t>(n));
    ReweightOptions options;
    options.seed = static_cast<std::uint64_t>(run.number("seed"));
    result = reweight_evidence(run.columns.at("logwt"), run.columns.at("logl"), nlive,
                               prior_log_ratio(run, old_priors, priors), options);
    if (!(result.ess >= min_ess))
      throw Refusal("the new prior leaves an effective sample size of " + fixed(result.ess, 1) + " of the run's " +
                    fixed(result.ess_original, 0) + " (below --min-ess " + fixed(min_ess, 0) + "): " + path +
                    " cannot say what it gives; run afresh with it");
    reweighted = reweighted_run(run, path, priors, result, out_path);
  } catch (const std::exception& e) {
    std::cerr << "nubayes reweight: " << e.what() << "\n";
    return exit_code::bad_input;
  }
  try {
    if (!out_path.empty()) write_run_contents(reweighted, out_path);
  } catch (const std::exception& e) {
    std::cerr << "nubayes reweight: error: " << e.what() << "\n";
    return exit_code::failure;
  }
  if (vm["json"].as<bool>()) {
    print_json(path, typed, run, result, min_ess, reweighted, out_path, std::cout);
  } else {
    print_text(path, typed, run, result, min_ess, reweighted, std::cout);
    if (!out_path.empty()) std::cout << "\nwritten:      " << out_path << "\n";
  }
  return exit_code::ok;
}

} // namespace nubayes
