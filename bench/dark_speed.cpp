// Dark-sector likelihoods: time to build the default template cache and time per likelihood call
// (miniboone-combined-2018 + miniboone-angle-2020) at random prior points, for both models.
// Usage: [mpirun -n R] dark_speed [CACHE_DIR=.] [CALLS=20000]
// The caches are (re)built unless CACHE_DIR already holds matching ones; delete them to time a
// build. One line per model: build (or load) seconds, then µs per call.
#include "communicator.h"
#include "dark_likelihood.h"
#include "prior.h"
#include "rng.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace nubayes;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void time_model(darkfit::DarkModelKind kind, const std::string& dir, long calls,
                const Communicator& comm) {
  const std::string name(darkfit::model_name(kind));
  ModelOptions model({{"template_cache", dir + "/" + name + "-templates-default.h5"}});
  ModelOptions data({{"experiments", "miniboone-combined-2018, miniboone-angle-2020"}}, "data");
  const auto start = Clock::now();
  const DarkSetup setup = make_dark_problem(kind, model, data, {});
  const double setup_seconds = seconds_since(start);

  const PriorSpace prior(setup.priors);
  Rng rng(7, StreamPurpose::user, 0);
  std::vector<double> u(prior.nsampled()), theta(prior.nparams());
  std::vector<double> terms(setup.likelihood->term_names().size()),
      derived(setup.likelihood->derived_names().size());
  std::vector<std::vector<double>> points;
  for (long i = 0; i < calls; ++i) {
    for (auto& x : u)
      x = rng.uniform();
    prior.to_physical(u, theta);
    points.push_back(theta);
  }
  long finite = 0;
  const auto t0 = Clock::now();
  for (const auto& p : points)
    finite += std::isfinite(setup.likelihood->evaluate(p, terms, derived));
  const double per_call_us = seconds_since(t0) / static_cast<double>(calls) * 1e6;
  if (comm.is_root())
    std::printf("%-13s setup (build or load of the cache) %.2f s on %d rank(s); %.1f us per call "
                "(%ld calls, %ld "
                "finite)\n",
                name.c_str(), setup_seconds, comm.size(), per_call_us, calls, finite);
}

} // namespace

int main(int argc, char** argv) {
  const MpiSession mpi(&argc, &argv);
  const std::string dir = argc > 1 ? argv[1] : ".";
  const long calls = argc > 2 ? std::atol(argv[2]) : 20000;
  const Communicator comm;
  for (auto kind : {darkfit::DarkModelKind::dark_zd, darkfit::DarkModelKind::heavy_zprime})
    time_model(kind, dir, calls, comm);
  return 0;
}
