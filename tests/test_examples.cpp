// Every example config in inputs/examples runs (briefly) from the README's commands.
#include "cli_helpers.h"

#include <gtest/gtest.h>

using namespace nubayes::testing;

TEST(Examples, EveryExampleConfigRuns) {
  const auto dir = scratch_dir("examples");
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NUBAYES_SOURCE_DIR) + "/inputs/examples")) {
    if (entry.path().extension() != ".ini") continue;
    ++seen;
    const std::string name = entry.path().stem().string();
    const bool mcmc = read_file(entry.path()).find("kind = mcmc") != std::string::npos;
    std::string args = "run " + entry.path().string() + " --quiet --set run.output=" + (dir / (name + ".h5")).string() +
                       (mcmc ? " --set sampler.burn=20 --set sampler.max_steps=30" : " --set sampler.nlive=30 --set sampler.max_calls=400");
    if (name == "plugin") args += " --set model.library=" NUBAYES_PLUGIN_DIR "/libgauss_plugin.so";
    // Dark-sector models: the small template grid (seconds, not minutes), cached in the scratch dir.
    if (read_file(entry.path()).find("template_grid") != std::string::npos)
      args += " --set model.template_grid=small --set model.template_cache=" + (dir / (name + "-templates.h5")).string();
    const CommandResult r = run_nubayes(args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.output;
    EXPECT_TRUE(std::filesystem::exists(dir / (name + ".h5"))) << name;
  }
  EXPECT_GE(seen, 10);
}
