// Time per evaluation of the 3+1 likelihood on every data set ([data] experiments = all), in
// total and per experiment, at points drawn from the default prior. Bar: 2 ms per evaluation on
// one core; then the non-default methods of single experiments. Not run by CI.
// Usage: build/bench/global_speed [points]
#include "rng.h"
#include "sterile_likelihood.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace nubayes;

int main(int argc, char** argv) {
  const int points = argc > 1 ? std::atoi(argv[1]) : 300;
  const SterileSetup all = make_sterile3p1(ModelOptions({{"experiments", "all"}}, "data"), {});
  const PriorSpace prior(all.priors);
  const auto names = all.likelihood->term_names();
  std::vector<std::vector<double>> thetas;
  Rng rng(20261124, StreamPurpose::mcmc, 0);
  for (int i = 0; i < points; ++i) {
    std::vector<double> u(prior.nsampled()), theta(prior.nparams());
    for (double& x : u)
      x = rng.uniform();
    prior.to_physical(u, theta);
    thetas.push_back(theta);
  }
  std::vector<double> terms(names.size()), derived(all.likelihood->derived_names().size());
  auto time_us = [&](const LogLikelihood& like) {
    std::vector<double> t(like.term_names().size()), d(like.derived_names().size());
    const auto start = std::chrono::steady_clock::now();
    double sink = 0;
    for (const auto& theta : thetas)
      sink += like.evaluate(theta, t, d);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    return sink == 1.2345 ? 0.0 : us / points; // sink keeps the calls alive
  };
  time_us(*all.likelihood); // warm caches
  std::printf("| experiment | us per evaluation |\n|---|---|\n");
  for (const auto& name : names) {
    const SterileSetup one = make_sterile3p1(ModelOptions({{"experiments", name}}, "data"), {});
    std::printf("| %s | %.1f |\n", name.c_str(), time_us(*one.likelihood));
  }
  // The non-default methods of single experiments (the timings the unit tests used to print).
  const std::vector<std::pair<std::string, std::string>> variants{
      {"dayabay", "dayabay_method=spectra"}, {"icecube", "icecube_method=events"},
      {"minos", "minos_nuisance=fixed"},     {"minos", "minos_method=surface"},
      {"neos", "neos_dayabay=oscillating"},  {"microboone-inclusive", ""}};
  for (const auto& [name, option] : variants) {
    std::map<std::string, std::string> keys{{"experiments", name}};
    if (const auto eq = option.find('='); eq != std::string::npos)
      keys[option.substr(0, eq)] = option.substr(eq + 1);
    const SterileSetup one = make_sterile3p1(ModelOptions(keys, "data"), {});
    const std::string label = option.empty() ? name : name + " (" + option + ")";
    std::printf("| %s | %.1f |\n", label.c_str(), time_us(*one.likelihood));
  }
  std::printf("| **all %zu together** | **%.1f** |\n", names.size(), time_us(*all.likelihood));
  return 0;
}
