#include "commands.h"
#include "command_line.h"
#include "model_likelihood.h"

#include "communicator.h"
#include "exit_codes.h"
#include "mcmc_run.h"
#include "nested_run.h"
#include "output_path.h"
#include "parse_number.h"
#include "run_config.h"
#include "run_summary.h"
#include "signals.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>

namespace po = boost::program_options;

namespace nubayes {

namespace {

/// Thrown for command-line mistakes (exit code 2).
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named,
                        const po::positional_options_description& positional, const std::string& command) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError("nubayes " + command + ": " + e.what() + " (see 'nubayes " + command + " --help')");
  }
  return vm;
}

Config load_config(const po::variables_map& vm) {
  Config config = Config::parse_file(vm["config"].as<std::string>());
  if (vm.count("set"))
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) config.apply_override(s);
  return config;
}

RunFileLayout layout_for(const RunConfig& rc) {
  RunFileLayout layout;
  for (const auto& p : rc.problem.priors) layout.variables.push_back({p.name, p.name, "", p.text(), false});
  for (const auto& d : rc.problem.likelihood->derived_names()) layout.variables.push_back({d, d, "", "", true});
  layout.terms = rc.problem.likelihood->term_names();
  return layout;
}

/// A run stopped by SIGTERM or SIGUSR1 before it wrote anything: one line, exit code 3.
int stopped_during_startup(const Communicator& comm) {
  if (comm.is_root())
    std::cerr << "nubayes: stopped by a signal during start-up, before anything was written; "
                 "run the same command again\n";
  return exit_code::checkpointed;
}

/// Runs `body`, turning exceptions into one clear line and an exit code. In a multi-rank run an
/// error that only one rank can see ends every rank, so none waits forever.
template <class Body>
int guarded(const Communicator& comm, Body body) {
  try {
    return body();
  } catch (const UsageError& e) {
    if (comm.is_root()) std::cerr << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const ConfigError& e) {
    if (comm.is_root()) std::cerr << "nubayes: " << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const BadRunFile& e) {
    if (comm.is_root()) std::cerr << "nubayes: " << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const StartRefused& e) {
    if (comm.is_root()) std::cerr << "nubayes: " << e.what() << "\n";
    return exit_code::bad_input;
  } catch (const StoppedBySignal&) {
    return stopped_during_startup(comm); // thrown on every rank together
  } catch (const PeerFailure&) {
    return exit_code::failure; // the failing rank printed the reason
  } catch (const LikelihoodError& e) {
    std::cerr << "nubayes: error: " << e.what() << "\n";
    return exit_code::failure;
  } catch (const std::exception& e) {
    std::cerr << "nubayes: error: " << e.what() << "\n";
    if (comm.size() > 1) comm.abort(exit_code::failure);
    return exit_code::failure;
  }
}

/// Whether rank 0 got SIGTERM or SIGUSR1 while the run was being set up (collective).
bool signal_during_startup(const Communicator& comm) {
  std::vector<double> received{checkpoint_signal_received() ? 1.0 : 0.0};
  comm.broadcast(received);
  return received[0] != 0;
}

} // namespace

std::string usage() {
  return "nubayes: Bayesian evidences and posteriors over MPI\n\n"
         "usage:\n"
         "  nubayes run CONFIG.ini [--set section.key=value]... [--resume | --overwrite] [--quiet]\n"
         "  nubayes eval CONFIG.ini --at name=value,name=value... [--json] [--set ...]\n"
         "  nubayes info RUN.h5 [--json]\n"
         "  nubayes compare RUN.h5 RUN.h5 ... [--reference RUN.h5] [--prior-odds a,b,...] [--json|--csv|--markdown]\n"
         "  nubayes export RUN.h5 [--getdist PREFIX] [--anesthetic PREFIX]\n"
         "  nubayes reweight RUN.h5 --prior \"NAME = SPEC\" [--prior ...] [--out NEW.h5] [--json] [--min-ess N]\n"
         "  nubayes pg --a RUN_A.h5 --b RUN_B.h5 --ab RUN_AB.h5 [--dof N] [--json] [--force] [--no-polish]\n"
         "  nubayes predict RUN.h5 --out PRED.h5 [--draws N] [--seed S]\n"
         "  nubayes submit CONFIG.ini --ranks N --time HH:MM:SS [--grid GRID.txt] [--partition P] [--account A] [--dry-run]\n"
         "  nubayes help COMMAND | config     (the same as nubayes COMMAND --help)\n"
         "  mpirun -n N nubayes run CONFIG.ini    (likelihood work spread over N ranks)\n\n"
         "exit codes: 0 ok, 1 runtime error, 2 bad input (nothing written),\n"
         "            3 checkpointed after SIGTERM/SIGUSR1: run again with --resume\n";
}

int command_run(const std::vector<std::string>& args) {
  const Communicator comm;
  return guarded(comm, [&] {
    po::options_description named("nubayes run options");
    named.add_options()("help,h", "this help")("config", po::value<std::string>()->required(), "config file")(
        "set", po::value<std::vector<std::string>>()->composing(), "override: section.key=value")(
        "resume", po::bool_switch(), "continue from the checkpoint (or report a finished run of this config)")(
        "overwrite", po::bool_switch(), "replace a finished run (or another file) at the output path")(
        "quiet", po::bool_switch(), "no progress lines");
    po::positional_options_description positional;
    positional.add("config", 1);
    if (wants_help(args)) {
      if (comm.is_root()) std::cout << "usage: nubayes run CONFIG.ini [options]\n" << named;
      return exit_code::ok;
    }
    const auto vm = parse(args, named, positional, "run");
    if (vm["resume"].as<bool>() && vm["overwrite"].as<bool>())
      throw UsageError("nubayes run: --resume and --overwrite exclude each other");
    const Config config = load_config(vm);
    const RunConfig rc = resolve_run_config(config);
    std::vector<std::string> inputs = {vm["config"].as<std::string>()};
    if (rc.sampler_kind == "mcmc") inputs.push_back(rc.mcmc.init);
    inputs.insert(inputs.end(), rc.input_files.begin(), rc.input_files.end());
    check_output_path(config, rc.output, inputs);
    if (signal_during_startup(comm)) return stopped_during_startup(comm);
    const PriorSpace prior(rc.problem.priors);
    if (prior.nsampled() == 0) throw ConfigError(vm["config"].as<std::string>() + ": [prior]: every parameter is fixed; nothing to sample");
    const Problem problem(prior, *rc.problem.likelihood, rc.model);

    RunSettings settings;
    settings.output = rc.output;
    settings.checkpoint_every = rc.checkpoint_every;
    settings.resume = vm["resume"].as<bool>();
    settings.overwrite = vm["overwrite"].as<bool>();
    settings.quiet = vm["quiet"].as<bool>();
    settings.fingerprint = rc.fingerprint;
    settings.layout = layout_for(rc);
    settings.attributes = {rc.sampler_kind, rc.model, rc.problem.datasets, NUBAYES_GIT_COMMIT, rc.resolved_text,
                           static_cast<std::int64_t>(rc.seed), comm.size(), rc.fingerprint, rc.input_sha256};

    const auto start = std::chrono::steady_clock::now();
    int code = exit_code::ok;
    bool was_complete = false;
    if (rc.sampler_kind == "mcmc") {
      const McmcOutcome outcome = run_mcmc(problem, rc.mcmc, settings, comm);
      code = outcome.exit_code;
      was_complete = outcome.was_complete;
    } else {
      const RunOutcome outcome = run_nested(problem, rc.nested, settings, comm);
      code = outcome.exit_code;
      was_complete = outcome.was_complete;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (code != exit_code::ok || !comm.is_root()) return code;
    if (was_complete) std::cout << "nubayes: " << rc.output << " is already complete; nothing to do\n";
    print_run_summary(read_run_file(rc.output), std::cout, rc.problem.analytic_logz);
    std::cout << std::fixed << std::setprecision(2) << "wall time:    " << seconds << " s on " << comm.size()
              << " rank(s); output " << rc.output << "\n";
    return exit_code::ok;
  });
}

int command_eval(const std::vector<std::string>& args) {
  const Communicator comm;
  return guarded(comm, [&] {
    po::options_description named("nubayes eval options");
    named.add_options()("help,h", "this help")("config", po::value<std::string>()->required(), "config file")(
        "at", po::value<std::string>()->required(), "name=value,name=value,...")(
        "set", po::value<std::vector<std::string>>()->composing(), "override: section.key=value")(
        "json", po::bool_switch(), "print JSON");
    po::positional_options_description positional;
    positional.add("config", 1);
    if (wants_help(args)) {
      std::cout << "usage: nubayes eval CONFIG.ini --at name=value,... [options]\n" << named;
      return exit_code::ok;
    }
    const auto vm = parse(args, named, positional, "eval");
    const RunConfig rc = resolve_run_config(load_config(vm));
    const PriorSpace prior(rc.problem.priors);
    const auto names = prior.names();
    std::vector<double> theta(names.size(), std::nan(""));
    for (std::size_t i = 0; i < names.size(); ++i)
      if (rc.problem.priors[i].kind == PriorKind::fixed) theta[i] = rc.problem.priors[i].a;
    std::istringstream list(vm["at"].as<std::string>());
    std::set<std::string> given;
    for (std::string item; std::getline(list, item, ',');) {
      const auto eq = item.find('=');
      const std::string name = item.substr(0, eq);
      if (!given.insert(name).second) throw UsageError("nubayes eval: --at: '" + name + "' is given twice");
      const auto it = std::find(names.begin(), names.end(), name);
      if (eq == std::string::npos || it == names.end())
        throw UsageError("nubayes eval: --at: '" + item + "' is not name=value for a parameter of this model");
      const auto value = parse_finite(item.substr(eq + 1));
      if (!value)
        throw UsageError("nubayes eval: --at: '" + item.substr(eq + 1) + "' is not a number (" + name + ")");
      theta[static_cast<std::size_t>(it - names.begin())] = *value;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      if (std::isnan(theta[i])) throw UsageError("nubayes eval: --at: no value for parameter '" + names[i] + "'");
    const auto& like = *rc.problem.likelihood;
    const auto term_names = like.term_names();
    const auto derived_names = like.derived_names();
    std::vector<double> terms(term_names.size()), derived(derived_names.size());
    const double logl = like.evaluate(theta, terms, derived);
    // χ² where the likelihood defines one, else −2 ln L.
    std::vector<double> chi2 = like.last_chi2();
    if (chi2.size() != terms.size()) {
      chi2.resize(terms.size());
      for (std::size_t i = 0; i < terms.size(); ++i) chi2[i] = -2 * terms[i];
    }
    double chi2_total = 0;
    for (double c : chi2) chi2_total += c;
    // What each term took of the model (physics models only; test problems and plugins have none).
    std::vector<std::string> report;
    if (const auto* model = dynamic_cast<const ModelLikelihood*>(&like)) report = model->report(theta);
    const bool json = vm["json"].as<bool>();
    std::cout << std::setprecision(json ? 17 : 10); // JSON keeps every digit for machines
    if (json) {
      std::cout << "{\"loglike\": " << logl << ", \"chi2\": " << chi2_total << ", \"terms\": {";
      for (std::size_t i = 0; i < terms.size(); ++i)
        std::cout << (i ? ", " : "") << "\"" << term_names[i] << "\": {\"loglike\": " << terms[i]
                  << ", \"chi2\": " << chi2[i] << "}";
      std::cout << "}, \"derived\": {";
      for (std::size_t i = 0; i < derived.size(); ++i)
        std::cout << (i ? ", " : "") << "\"" << derived_names[i] << "\": " << derived[i];
      std::cout << "}, \"predictions\": [";
      for (std::size_t i = 0; i < report.size(); ++i)
        std::cout << (i ? ", " : "") << std::quoted(report[i]);
      std::cout << "]}\n";
    } else {
      std::cout << "ln L = " << logl << "   chi2 = " << chi2_total << "\n";
      for (std::size_t i = 0; i < terms.size(); ++i)
        std::cout << "  " << term_names[i] << ": ln L = " << terms[i] << "   chi2 = " << chi2[i] << "\n";
      for (std::size_t i = 0; i < derived.size(); ++i) std::cout << "  " << derived_names[i] << " = " << derived[i] << "\n";
      if (!report.empty()) {
        std::cout << "predictions used (docs/models_on_experiments.md):\n";
        for (const auto& line : report) std::cout << "  " << line << "\n";
      }
    }
    // -inf is a point the likelihood excludes; NaN or +inf is a broken likelihood.
    if (!(logl < std::numeric_limits<double>::infinity())) {
      std::cerr << "nubayes: error: ln L is " << logl << " at this point\n";
      return exit_code::failure;
    }
    return exit_code::ok;
  });
}

int command_info(const std::vector<std::string>& args) {
  const Communicator comm;
  return guarded(comm, [&] {
    po::options_description named("nubayes info options");
    named.add_options()("help,h", "this help")("run", po::value<std::string>()->required(), "run file")(
        "json", po::bool_switch(), "print JSON");
    po::positional_options_description positional;
    positional.add("run", 1);
    if (wants_help(args)) {
      std::cout << "usage: nubayes info RUN.h5 [--json]\n" << named;
      return exit_code::ok;
    }
    const auto vm = parse(args, named, positional, "info");
    const RunFileContents contents = read_run_file(vm["run"].as<std::string>());
    if (vm["json"].as<bool>()) print_run_summary_json(contents, std::cout);
    else print_run_summary(contents, std::cout);
    return exit_code::ok;
  });
}

bool is_command(const std::string& name) {
  static const std::set<std::string> commands{"run",      "eval", "info",    "compare", "export",
                                              "reweight", "pg",   "predict", "submit",  "help"};
  return commands.count(name) > 0;
}

int command_help(const std::vector<std::string>& args) {
  if (args.empty() || wants_help(args) || args == std::vector<std::string>{"help"}) {
    std::cout << usage();
    return exit_code::ok;
  }
  if (args.size() == 1 && args[0] == "config") {
    std::cout << config_help();
    return exit_code::ok;
  }
  std::cerr << "nubayes help: no help on '" << args[0] << "' (a command, or 'config')\n" << usage();
  return exit_code::bad_input;
}

} // namespace nubayes
