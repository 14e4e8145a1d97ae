#include "run_config.h"

#include "input_files.h"
#include "parse_number.h"
#include "signals.h"
#include "table_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>

namespace nubayes {

namespace {

struct KeyDoc {
  const char* section;
  const char* key;
  const char* fallback;
  const char* meaning;
};

// Every fixed key, its default and its meaning: the source of `nubayes help config`.
constexpr KeyDoc fixed_keys[] = {
    {"run", "output", "run.h5", "run file (HDF5); the checkpoint is OUTPUT.ckpt beside it"},
    {"run", "seed", "1", "master random seed; same config, seed and rank count = identical output"},
    {"run", "checkpoint_every", "600", "seconds between checkpoints (also on SIGTERM/SIGUSR1)"},
    {"sampler", "kind", "nested", "nested (evidence and posterior) | mcmc (posterior; evidence with algorithm = tempered)"},
    {"sampler", "nlive", "500", "nested: number of live points (2 to 10000: memory grows as 8 nlive^2 bytes)"},
    {"sampler", "method", "auto", "nested: auto | region | slice: how replacements are drawn (auto: region "
                                  "sampling while it is cheaper than slice sampling)"},
    {"sampler", "dlogz", "0.5", "nested: stop when ln(Z + Lmax X) - ln Z is below this"},
    {"sampler", "slice_repeats", "0", "nested: slice steps per replacement; 0 = twice the number of sampled parameters"},
    {"sampler", "max_calls", "0", "nested: stop after this many likelihood calls; 0 = no limit"},
    {"sampler", "algorithm", "adaptive-metropolis", "mcmc: adaptive-metropolis | ensemble | tempered (parallel "
                                                    "tempering, with the evidence by thermodynamic integration)"},
    {"sampler", "burn", "1000", "mcmc: burn-in steps (recorded in /mcmc, excluded from /posterior)"},
    {"sampler", "max_steps", "100000", "mcmc: stop after this many post-burn-in steps even if not converged"},
    {"sampler", "rhat", "1.01", "mcmc: stop once every parameter's rank-normalised split R-hat is below this ..."},
    {"sampler", "ess", "400", "mcmc: ... and its bulk and tail ESS (all chains together) reach this"},
    {"sampler", "thin", "1", "mcmc: record every thin-th step"},
    {"sampler", "nchains", "4", "mcmc adaptive-metropolis: chains, started dispersed from the prior"},
    {"sampler", "nwalkers", "0", "mcmc ensemble: walkers (even, >= 2d + 2); 0 = max(32, 4d)"},
    {"sampler", "stretch", "2", "mcmc ensemble: stretch-move scale a"},
    {"sampler", "ntemps", "0", "mcmc tempered: temperatures per ladder; 0 = max(ceil(ln(1/beta_min)) + 1, sqrt(d) ln(1/beta_min) / 3)"},
    {"sampler", "nladders", "8", "mcmc tempered: independent ladders (chains of the posterior)"},
    {"sampler", "beta_min", "1e-6", "mcmc tempered: inverse temperature of the hottest rung"},
    {"sampler", "init", "", "mcmc: a finished run file (e.g. nested sampling) whose posterior gives the starting points"},
    {"model", "name", "(required)", "the model or test problem, see below"},
    {"data", "allow_modified_inputs", "false", "true: an input file that differs from the sha256 in its MANIFEST.md is a "
                                               "loud warning instead of an error"},
};

bool is_fixed_key(const std::string& section, const std::string& key) {
  for (const auto& k : fixed_keys)
    if (section == k.section && key == k.key) return true;
  return false;
}

const char* default_of(const char* section, const char* key) {
  for (const auto& k : fixed_keys)
    if (std::string(k.section) == section && std::string(k.key) == key) return k.fallback;
  return "";
}

class Reader {
public:
  explicit Reader(const Config& c) : c_(c) {}

  std::string text(const char* section, const char* key) const {
    return c_.get(section, key).value_or(default_of(section, key));
  }
  double number(const char* section, const char* key, double lo, double hi) const {
    const std::string s = text(section, key);
    const auto parsed = parse_finite(s);
    if (!parsed) c_.fail(section, key, "'" + s + "' is not a number");
    const double v = *parsed;
    if (v < lo || v > hi) {
      std::ostringstream m;
      m << s << " is outside the allowed range [" << lo << ", " << hi << "]";
      c_.fail(section, key, m.str());
    }
    return v;
  }
  std::uint64_t whole(const char* section, const char* key, double lo, double hi) const {
    const double v = number(section, key, lo, hi);
    if (v != std::floor(v)) c_.fail(section, key, "expected a whole number, got " + text(section, key));
    return static_cast<std::uint64_t>(v);
  }

private:
  const Config& c_;
};

std::string format(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

/// MCMC settings that depend on the problem: enough walkers, and an init run that can start it.
void check_mcmc_against_problem(const Config& config, const RunConfig& rc) {
  std::size_t nsampled = 0;
  for (const auto& p : rc.problem.priors) nsampled += p.kind != PriorKind::fixed;
  const McmcRunOptions& m = rc.mcmc;
  if (m.algorithm == McmcAlgorithm::ensemble && m.chains.nwalkers != 0 && m.chains.nwalkers < 2 * nsampled + 2)
    config.fail("sampler", "nwalkers", std::to_string(m.chains.nwalkers) + " is too few for " + std::to_string(nsampled) +
                                           " sampled parameters (at least 2 d + 2 = " + std::to_string(2 * nsampled + 2) +
                                           ", so each half spans the space)");
  if (m.init.empty()) return;
  RunFileContents run;
  try {
    run = read_run_file(m.init);
  } catch (const std::exception& e) {
    config.fail("sampler", "init", e.what());
  }
  if (!run.complete())
    config.fail("sampler", "init", m.init + " is not a finished run (resume it first)");
  for (const auto& p : rc.problem.priors)
    if (!run.columns.count(p.name)) config.fail("sampler", "init", m.init + " has no parameter '" + p.name + "'");
}

} // namespace

RunConfig resolve_run_config(const Config& config) {
  for (const auto& s : config.section_names())
    if (s != "run" && s != "sampler" && s != "model" && s != "prior" && s != "data")
      config.fail(s, "", "unknown section [" + s + "] (known: run, sampler, model, prior, data)");
  const Reader r(config);
  RunConfig rc;
  rc.output = r.text("run", "output");
  if (rc.output.empty()) config.fail("run", "output", "must not be empty");
  rc.seed = r.whole("run", "seed", 0, 9.0e15);
  rc.checkpoint_every = r.number("run", "checkpoint_every", 0.0, 1e9);
  rc.sampler_kind = r.text("sampler", "kind");
  std::ostringstream sampler_text;
  sampler_text << "[sampler]\nkind = " << rc.sampler_kind;
  if (rc.sampler_kind == "nested") {
    rc.nested.nlive = r.whole("sampler", "nlive", 2, static_cast<double>(kMaxNlive));
    const std::string method = r.text("sampler", "method");
    if (method == "auto") rc.nested.method = SamplingMethod::automatic;
    else if (method == "region") rc.nested.method = SamplingMethod::region;
    else if (method == "slice") rc.nested.method = SamplingMethod::slice;
    else config.fail("sampler", "method", "unknown method '" + method + "' (known: auto, region, slice)");
    rc.nested.dlogz = r.number("sampler", "dlogz", 1e-12, 1e9);
    rc.nested.slice_repeats = r.whole("sampler", "slice_repeats", 0, 1e6);
    rc.nested.max_calls = r.whole("sampler", "max_calls", 0, 9.0e15);
    rc.nested.seed = rc.seed;
    sampler_text << "\nnlive = " << rc.nested.nlive << "\nmethod = " << method << "\ndlogz = " << format(rc.nested.dlogz)
                 << "\nslice_repeats = " << rc.nested.slice_repeats << "\nmax_calls = " << rc.nested.max_calls;
  } else if (rc.sampler_kind == "mcmc") {
    McmcRunOptions& m = rc.mcmc;
    const std::string algorithm = r.text("sampler", "algorithm");
    if (algorithm == "adaptive-metropolis") m.algorithm = McmcAlgorithm::adaptive_metropolis;
    else if (algorithm == "ensemble") m.algorithm = McmcAlgorithm::ensemble;
    else if (algorithm == "tempered") m.algorithm = McmcAlgorithm::tempered;
    else config.fail("sampler", "algorithm", "unknown algorithm '" + algorithm + "' (known: adaptive-metropolis, ensemble, tempered)");
    m.seed = rc.seed;
    m.burn = r.whole("sampler", "burn", 0, 1e12);
    m.max_steps = r.whole("sampler", "max_steps", 1, 1e12);
    m.rhat_target = r.number("sampler", "rhat", 1.0 + 1e-9, 100);
    m.ess_target = r.number("sampler", "ess", 1, 1e12);
    m.thin = r.whole("sampler", "thin", 1, 1e9);
    m.init = r.text("sampler", "init");
    sampler_text << "\nalgorithm = " << algorithm << "\nburn = " << m.burn << "\nmax_steps = " << m.max_steps
                 << "\nrhat = " << format(m.rhat_target) << "\ness = " << format(m.ess_target) << "\nthin = " << m.thin;
    if (!m.init.empty()) sampler_text << "\ninit = " << m.init;
    if (m.algorithm == McmcAlgorithm::adaptive_metropolis) {
      m.chains.nchains = r.whole("sampler", "nchains", 1, 1e6);
      sampler_text << "\nnchains = " << m.chains.nchains;
    } else if (m.algorithm == McmcAlgorithm::ensemble) {
      m.chains.nwalkers = r.whole("sampler", "nwalkers", 0, 1e6);
      if (m.chains.nwalkers % 2 != 0) config.fail("sampler", "nwalkers", "must be even (two halves update each other)");
      m.chains.stretch = r.number("sampler", "stretch", 1.0 + 1e-9, 100);
      sampler_text << "\nnwalkers = " << m.chains.nwalkers << "\nstretch = " << format(m.chains.stretch);
    } else {
      m.tempering.ntemps = r.whole("sampler", "ntemps", 0, 1e4);
      if (m.tempering.ntemps == 1) config.fail("sampler", "ntemps", "needs at least 2 temperatures (or 0 for the default)");
      m.tempering.nladders = r.whole("sampler", "nladders", 1, 1e5);
      m.tempering.beta_min = r.number("sampler", "beta_min", 1e-300, 1 - 1e-12);
      sampler_text << "\nntemps = " << m.tempering.ntemps << "\nnladders = " << m.tempering.nladders
                   << "\nbeta_min = " << format(m.tempering.beta_min);
    }
  } else {
    config.fail("sampler", "kind", "unknown sampler '" + rc.sampler_kind + "' (known: nested, mcmc)");
  }
  sampler_text << "\n\n";

  // [prior]: one line per parameter, in order.
  std::vector<PriorSpec> priors;
  for (const auto& e : config.entries("prior")) {
    try {
      priors.push_back(PriorSpec::parse(e.key, e.value));
    } catch (const std::invalid_argument& err) {
      config.fail("prior", e.key, err.what());
    }
  }

  // [model]: name plus the model's own keys, which the model reads itself.
  const auto name = config.get("model", "name");
  if (!name || name->empty()) config.fail("model", "name", "required (e.g. name = gauss)");
  rc.model = *name;
  std::map<std::string, std::string> model_keys;
  for (const auto& e : config.entries("model"))
    if (e.key != "name") model_keys[e.key] = e.value;
  ModelOptions options(model_keys);
  std::map<std::string, std::string> data_keys;
  bool allow_modified_inputs = false;
  for (const auto& e : config.entries("data")) {
    if (e.key != "allow_modified_inputs") data_keys[e.key] = e.value;
    else if (e.value == "true" || e.value == "false") allow_modified_inputs = e.value == "true";
    else config.fail("data", e.key, "'" + e.value + "': expected true or false");
  }
  set_allow_modified_inputs(allow_modified_inputs);
  ModelOptions data(data_keys, "data");
  try {
    rc.problem = build_problem(rc.model, options, data, priors);
  } catch (const OptionError& e) {
    config.fail(e.section(), e.key(), e.what());
  } catch (const StoppedBySignal&) {
    throw; // not a config error: the command exits 3
  } catch (const std::exception& e) {
    config.fail("model", "name", e.what());
  }
  for (const auto& [key, value] : options.unused())
    config.fail("model", key, "unknown key for model '" + rc.model + "'");
  for (const auto& [key, value] : data.unused())
    config.fail("data", key, "unknown key for model '" + rc.model + "'");
  if (rc.problem.priors.empty()) config.fail("prior", "", "no parameters");
  if (rc.sampler_kind == "mcmc") check_mcmc_against_problem(config, rc);
  for (const auto& [section, entry] : config.unused()) {
    if (section == "sampler" && is_fixed_key(section, entry->key))
      config.fail(section, entry->key, "not used by this sampler (kind = " + rc.sampler_kind +
                                           (rc.sampler_kind == "mcmc" ? ", algorithm = " + r.text("sampler", "algorithm") : "") +
                                           "; see 'nubayes help config')");
    config.fail(section, entry->key, "unknown key (see 'nubayes help config')");
  }

  // The resolved text lists every value actually used, defaults included.
  std::ostringstream run, rest;
  run << "[run]\noutput = " << rc.output << "\nseed = " << rc.seed
      << "\ncheckpoint_every = " << format(rc.checkpoint_every) << "\n\n";
  rest << sampler_text.str() << "[model]\nname = " << rc.model << "\n";
  for (const auto& [k, v] : options.resolved()) rest << k << " = " << v << "\n";
  if (!data.resolved().empty() || allow_modified_inputs) {
    rest << "\n[data]\n";
    for (const auto& [k, v] : data.resolved()) rest << k << " = " << v << "\n";
    if (allow_modified_inputs) rest << "allow_modified_inputs = true\n";
  }
  rest << "\n[prior]\n";
  for (const auto& p : rc.problem.priors) rest << p.name << " = " << p.text() << "\n";
  rc.resolved_text = run.str() + rest.str();
  // Every input file the likelihood read, with the sha256 of its bytes (paths under the inputs
  // folder relative to it, so a moved tree resumes): a resume on other data is refused.
  std::ostringstream inputs;
  const std::filesystem::path inputs_root = std::filesystem::absolute(inputs_dir()).lexically_normal();
  for (const auto& input : inputs_read()) {
    const std::filesystem::path file = std::filesystem::absolute(input.path).lexically_normal();
    const std::filesystem::path relative = file.lexically_relative(inputs_root);
    const bool under = !relative.empty() && *relative.begin() != "..";
    inputs << (under ? "inputs/" + relative.generic_string() : file.string()) << " " << input.sha256 << "\n";
    rc.input_files.push_back(file.string());
  }
  rc.input_sha256 = inputs.str();
  flush_input_hash_cache(); // now, not only at exit: a run that is killed later keeps the hashes
  rc.fingerprint = "seed = " + std::to_string(rc.seed) + "\n" + rest.str() +
                   "\n[likelihood]\n" + rc.problem.likelihood->fingerprint() + "\n" +
                   (rc.input_sha256.empty() ? "" : "\n[inputs]\n" + rc.input_sha256);
  return rc;
}

std::string config_help() {
  std::ostringstream out;
  out << "nubayes config files are INI: [section] headers and 'key = value' lines; '#' or ';' starts a\n"
         "comment. Any key can be overridden on the command line with --set section.key=value.\n"
         "Unknown sections or keys, unparsable numbers and impossible values are errors (exit code 2).\n\n";
  std::string section;
  for (const auto& k : fixed_keys) {
    if (section != k.section) {
      section = k.section;
      out << "[" << section << "]\n";
    }
    out << "  " << k.key << std::string(std::max<std::size_t>(2, 18 - std::min<std::size_t>(18, std::string(k.key).size())), ' ')
        << "default " << k.fallback
        << "\n      " << k.meaning << "\n";
  }
  out << "\n" << registry_help();
  out << "\n[prior]\n  one line per parameter, in order:\n"
         "  NAME = uniform LO HI | log-uniform LO HI | gaussian MU SIGMA | fixed VALUE\n"
         "  LO < HI; log-uniform needs LO > 0; SIGMA > 0. Test problems have default priors, so\n"
         "  [prior] is optional for them; if given it must list their parameters in order.\n";
  return out.str();
}

} // namespace nubayes
