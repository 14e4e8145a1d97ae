// MCMC benchmark: effective samples per likelihood call and per second of the adaptive-Metropolis
// and ensemble samplers, on the problems emcee was measured on (corr-gauss-10d, rosenbrock-2d,
// gauss-30d). ESS per call = (recorded draws / tau_max) / (calls that produced them), tau_max the
// largest integrated autocorrelation time over the parameters (emcee's estimator, Sokal window
// c = 5), so for emcee it is 1/tau as in its own benchmark. Usage: mcmc_speed [SEED]
#include "mcmc_diagnostics.h"
#include "mcmc_samplers.h"
#include "test_problems.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

using namespace nubayes;

namespace {

struct Case {
  std::string label, name;
  std::map<std::string, std::string> options;
  std::size_t burn, steps; ///< ensemble burn-in (adaptive Metropolis: 4x) and recorded steps
};

double tau_max(const McmcResult& r) {
  double worst = 0;
  const std::size_t nparams = r.u.front().front().size();
  for (std::size_t k = 0; k < nparams; ++k) {
    std::vector<std::vector<double>> chains(r.u.size());
    for (std::size_t c = 0; c < r.u.size(); ++c)
      for (const auto& draw : r.u[c]) chains[c].push_back(draw[k]);
    worst = std::max(worst, integrated_time_emcee(chains));
  }
  return worst;
}

void report(const char* sampler, const Case& c, const McmcResult& r, std::size_t per_step, double seconds) {
  const double tau = tau_max(r);
  const double draws = static_cast<double>(r.u.size() * r.u.front().size());
  const double recorded_calls = static_cast<double>(per_step * c.steps);
  const double ess = draws / tau;
  std::printf("| %s | %s | %.0f | %.4f | %.4f | %.0f | %.3f |\n", c.label.c_str(), sampler, tau, ess / recorded_calls,
              ess / static_cast<double>(r.nlike), ess / seconds, r.acceptance_fraction());
}

} // namespace

int main(int argc, char** argv) {
  const std::uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 7;
  const std::vector<Case> cases{{"corr-gauss-10d", "corr-gauss", {{"ndim", "10"}}, 5000, 20000},
                                {"rosenbrock-2d", "rosenbrock", {}, 5000, 40000},
                                {"gauss-30d", "gauss", {{"ndim", "30"}}, 5000, 20000}};
  const Communicator comm;
  std::printf("| problem | sampler | tau_max | ESS per call (recorded) | ESS per call (all calls) | ESS per s | acceptance |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const Case& c : cases) {
    TestProblemSetup setup = make_test_problem(c.name, ModelOptions(c.options));
    const PriorSpace prior(setup.priors);
    const Problem problem(prior, *setup.likelihood, c.name);
    McmcOptions o;
    o.seed = seed;
    o.burn = c.burn;
    o.nsteps = c.steps;
    o.nchains = 8;
    o.burn = 4 * c.burn; // adaptive Metropolis learns the covariance during burn-in
    auto start = std::chrono::steady_clock::now();
    const McmcResult am = run_adaptive_metropolis(problem, o, comm);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report("adaptive Metropolis (8 chains)", c, am, o.nchains, seconds);
    o.burn = c.burn;
    start = std::chrono::steady_clock::now();
    const McmcResult ens = run_ensemble(problem, o, comm);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report("ensemble (max(32, 4d) walkers)", c, ens, ens.u.size(), seconds);
  }
}
