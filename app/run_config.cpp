#include "run_config.h"

#include "parse_number.h"

#include <cmath>
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
    {"sampler", "kind", "nested", "nested (evidence and posterior)"},
    {"sampler", "nlive", "500", "number of live points"},
    {"sampler", "method", "auto", "auto | region | slice: how replacements are drawn (auto: region "
                                  "sampling while it is cheaper than slice sampling)"},
    {"sampler", "dlogz", "0.5", "stop when ln(Z + Lmax X) - ln Z is below this"},
    {"sampler", "slice_repeats", "0", "slice steps per replacement; 0 = twice the number of sampled parameters"},
    {"sampler", "max_calls", "0", "stop after this many likelihood calls; 0 = no limit"},
    {"model", "name", "(required)", "the model or test problem, see below"},
};

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
  if (rc.sampler_kind != "nested") config.fail("sampler", "kind", "unknown sampler '" + rc.sampler_kind + "' (known: nested)");
  rc.nested.nlive = r.whole("sampler", "nlive", 2, 1e7);
  const std::string method = r.text("sampler", "method");
  if (method == "auto") rc.nested.method = SamplingMethod::automatic;
  else if (method == "region") rc.nested.method = SamplingMethod::region;
  else if (method == "slice") rc.nested.method = SamplingMethod::slice;
  else config.fail("sampler", "method", "unknown method '" + method + "' (known: auto, region, slice)");
  rc.nested.dlogz = r.number("sampler", "dlogz", 1e-12, 1e9);
  rc.nested.slice_repeats = r.whole("sampler", "slice_repeats", 0, 1e6);
  rc.nested.max_calls = r.whole("sampler", "max_calls", 0, 9.0e15);
  rc.nested.seed = rc.seed;

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
  for (const auto& e : config.entries("data")) data_keys[e.key] = e.value;
  ModelOptions data(data_keys, "data");
  try {
    rc.problem = build_problem(rc.model, options, data, priors);
  } catch (const OptionError& e) {
    config.fail(e.section(), e.key(), e.what());
  } catch (const std::exception& e) {
    config.fail("model", "name", e.what());
  }
  for (const auto& [key, value] : options.unused())
    config.fail("model", key, "unknown key for model '" + rc.model + "'");
  for (const auto& [key, value] : data.unused())
    config.fail("data", key, "unknown key for model '" + rc.model + "'");
  if (rc.problem.priors.empty()) config.fail("prior", "", "no parameters");
  for (const auto& [section, entry] : config.unused())
    config.fail(section, entry->key, "unknown key (see 'nubayes help config')");

  // The resolved text lists every value actually used, defaults included.
  std::ostringstream run, rest;
  run << "[run]\noutput = " << rc.output << "\nseed = " << rc.seed
      << "\ncheckpoint_every = " << format(rc.checkpoint_every) << "\n\n";
  rest << "[sampler]\nkind = " << rc.sampler_kind << "\nnlive = " << rc.nested.nlive
       << "\nmethod = " << method << "\ndlogz = " << format(rc.nested.dlogz)
       << "\nslice_repeats = " << rc.nested.slice_repeats << "\nmax_calls = " << rc.nested.max_calls
       << "\n\n[model]\nname = " << rc.model << "\n";
  for (const auto& [k, v] : options.resolved()) rest << k << " = " << v << "\n";
  if (!data.resolved().empty()) {
    rest << "\n[data]\n";
    for (const auto& [k, v] : data.resolved()) rest << k << " = " << v << "\n";
  }
  rest << "\n[prior]\n";
  for (const auto& p : rc.problem.priors) rest << p.name << " = " << p.text() << "\n";
  rc.resolved_text = run.str() + rest.str();
  rc.fingerprint = "seed = " + std::to_string(rc.seed) + "\n" + rest.str() +
                   "\n[likelihood]\n" + rc.problem.likelihood->fingerprint() + "\n";
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
    out << "  " << k.key << std::string(18 - std::string(k.key).size(), ' ') << "default " << k.fallback
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
