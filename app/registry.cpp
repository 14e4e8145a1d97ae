#include "registry.h"

#include "dark_likelihood.h"
#include "lee_template_likelihood.h"
#include "plugin_likelihood.h"
#include "sterile_likelihood.h"
#include "test_problems.h"

#include <algorithm>
#include <stdexcept>

namespace nubayes {

std::string registry_help() {
  return "[model] name = one of:\n"
         "  sterile3p1  3+1 sterile-neutrino oscillations (short-baseline limit); parameters dm2_41 [eV^2],\n"
         "              Ue4_sq, Umu4_sq, optional Utau4_sq (fixed 0 unless in [prior]); defaults\n"
         "              dm2_41 log-uniform 0.01 100, Ue4_sq and Umu4_sq log-uniform 1e-4 0.5; derived\n"
         "              sin2_2theta_mue, sin2_2theta_ee, sin2_2theta_mumu. Needs [data] experiments:\n" +
         oscillation_experiments_help() +
         "              [data] miniboone_range = 200-3000 (default, the official fit) | 200-1250\n" +
         dark_models_help() + lee_template_help() +
         test_problem_help() +
         "  plugin      a user likelihood from a shared library (C ABI: include/nubayes/plugin.h);\n"
         "              keys library (path, required), options (text for nubayes_plugin_init, default \"\");\n"
         "              the parameters are the [prior] lines\n";
}

namespace {

/// [prior] may restate a model's parameters (to change their priors) but must name exactly
/// those parameters, in the same order.
std::vector<PriorSpec> merge_priors(const std::string& model, const std::vector<PriorSpec>& defaults,
                                    const std::vector<PriorSpec>& user) {
  if (user.empty()) return defaults;
  std::string expected;
  for (const auto& p : defaults) expected += (expected.empty() ? "" : ", ") + p.name;
  if (user.size() != defaults.size())
    throw std::invalid_argument("[prior] lists " + std::to_string(user.size()) + " parameters but model '" +
                                model + "' has " + std::to_string(defaults.size()) + " (" + expected + ")");
  for (std::size_t i = 0; i < user.size(); ++i)
    if (user[i].name != defaults[i].name)
      throw std::invalid_argument("[prior] parameter " + std::to_string(i + 1) + " is '" + user[i].name +
                                  "' but model '" + model + "' expects '" + defaults[i].name +
                                  "' (parameters: " + expected + ")");
  return user;
}

} // namespace

ProblemSetup build_problem(const std::string& model, const ModelOptions& options,
                           const ModelOptions& data, const std::vector<PriorSpec>& user_priors) {
  ProblemSetup setup;
  if (model == "sterile3p1") {
    SterileSetup s = make_sterile3p1(data, user_priors);
    setup.likelihood = std::move(s.likelihood);
    setup.priors = std::move(s.priors);
    setup.datasets = std::move(s.datasets);
    return setup;
  }
  if (model == "dark-zd" || model == "heavy-zprime") {
    DarkSetup d = make_dark_problem(model == "dark-zd" ? darkfit::DarkModelKind::dark_zd
                                                       : darkfit::DarkModelKind::heavy_zprime,
                                    options, data, user_priors);
    setup.likelihood = std::move(d.likelihood);
    setup.priors = std::move(d.priors);
    setup.datasets = std::move(d.datasets);
    return setup;
  }
  if (model == "lee-template") {
    ModelSetup l = make_lee_template(data, user_priors);
    setup.likelihood = std::move(l.likelihood);
    setup.priors = std::move(l.priors);
    setup.datasets = std::move(l.datasets);
    return setup;
  }
  const auto names = test_problem_names();
  if (std::find(names.begin(), names.end(), model) != names.end()) {
    TestProblemSetup t = make_test_problem(model, options);
    setup.likelihood = std::move(t.likelihood);
    setup.priors = merge_priors(model, t.priors, user_priors);
    if (user_priors.empty()) setup.analytic_logz = t.analytic_logz;
    setup.datasets = model;
    return setup;
  }
  if (model == "plugin") {
    const std::string library = options.text("library", "");
    const std::string plugin_options = options.text("options", "");
    if (library.empty()) throw OptionError("library", "required for name = plugin (path to a shared library)");
    if (user_priors.empty())
      throw std::invalid_argument("a plugin needs a [prior] section listing its parameters");
    try {
      setup.likelihood = std::make_unique<PluginLikelihood>(library, static_cast<int>(user_priors.size()), plugin_options);
    } catch (const std::runtime_error& e) {
      throw OptionError("library", e.what());
    }
    setup.priors = user_priors;
    setup.datasets = "plugin";
    return setup;
  }
  std::string known;
  for (const auto& n : names) known += n + ", ";
  throw OptionError("name", "unknown model '" + model + "' (known: " + known + "sterile3p1, dark-zd, heavy-zprime, lee-template, plugin)");
}

} // namespace nubayes
