#pragma once
// A config file resolved into everything a run needs, with every value checked. This is the one
// place where keys are read; each has its default and a one-line meaning next to the read.
#include "config.h"
#include "mcmc_run.h"
#include "nested_sampler.h"
#include "registry.h"

#include <string>
#include <vector>

namespace nubayes {

struct RunConfig {
  std::string output;
  std::uint64_t seed = 1;
  double checkpoint_every = 600;
  std::string sampler_kind = "nested";
  NestedOptions nested;
  McmcRunOptions mcmc; ///< kind = mcmc
  std::string model;
  ProblemSetup problem;
  std::string resolved_text; ///< the full resolved config, stored in every run file
  std::string fingerprint;   ///< what a resume must match: sampler, model, priors, data, seed, inputs
  std::string input_sha256;  ///< "PATH SHA256" per input file the likelihood read
  std::vector<std::string> input_files; ///< their absolute paths
};

/// Reads and validates every key; builds the problem. Throws ConfigError naming the file,
/// section and key for anything wrong, including keys nobody reads.
RunConfig resolve_run_config(const Config& config);

/// `nubayes help config`.
std::string config_help();

} // namespace nubayes
