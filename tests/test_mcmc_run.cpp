// `[sampler] kind = mcmc` end to end through the nubayes executable: moments of a known
// posterior within tolerances derived from the ESS, the stop rule, a run whose chains are stuck
// in different modes flagged as unconverged, the tempered evidence against the analytic value,
// kill -9 / SIGTERM and resume giving the uninterrupted chains bit for bit, and init = RUN.h5.
#include "cli_helpers.h"
#include "mcmc_diagnostics.h"
#include "run_file.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>

using namespace nubayes;
using namespace nubayes::testing;

namespace {

std::filesystem::path mcmc_config(const std::filesystem::path& dir, const std::string& sampler,
                                  const std::string& model = "name = gauss\nndim = 3\n") {
  const auto ini = dir / "run.ini";
  write_file(ini, "[run]\noutput = " + (dir / "run.h5").string() +
                      "\nseed = 7\ncheckpoint_every = 0.1\n[sampler]\nkind = mcmc\n" + sampler +
                      "\n[model]\n" + model);
  return ini;
}

/// Post-burn-in draws of one variable as chains[chain][draw].
Chains chains_of(const RunFileContents& r, const std::string& name) {
  const std::size_t nc = r.mcmc_chains, n = r.rows / nc;
  const auto& col = r.columns.at(name);
  Chains chains(nc);
  for (std::size_t c = 0; c < nc; ++c)
    chains[c].assign(col.begin() + static_cast<std::ptrdiff_t>(c * n),
                     col.begin() + static_cast<std::ptrdiff_t>((c + 1) * n));
  return chains;
}

/// Checks mean and variance of a N(0.5, sigma^2) marginal against tolerances from the ESS of
/// x and of (x - 0.5)^2 (4 standard errors; Var((x-mu)^2) = 2 sigma^4 for a Gaussian).
void expect_gaussian_marginal(const Chains& chains, double sigma, const std::string& name) {
  double sum = 0, sq = 0, n = 0;
  Chains dev2 = chains;
  for (auto& c : dev2)
    for (double& x : c) {
      sum += x;
      sq += (x - 0.5) * (x - 0.5);
      n += 1;
      x = (x - 0.5) * (x - 0.5);
    }
  const double mean = sum / n, var = sq / n;
  const double ess_mean = ess_basic(chains), ess_var = ess_basic(dev2);
  ASSERT_GT(ess_mean, 100) << name;
  EXPECT_LT(std::abs(mean - 0.5), 4 * sigma / std::sqrt(ess_mean))
      << name << ": mean " << mean << ", ESS " << ess_mean;
  EXPECT_LT(std::abs(var - sigma * sigma), 4 * std::sqrt(2.0) * sigma * sigma / std::sqrt(ess_var))
      << name << ": variance " << var << ", ESS " << ess_var;
}

class McmcAlgorithms : public ::testing::TestWithParam<std::string> {};

TEST_P(McmcAlgorithms, RecoverGaussianMomentsAndStopConverged) {
  const auto dir = scratch_dir("mcmc_moments_" + GetParam());
  const auto ini =
      mcmc_config(dir, "algorithm = " + GetParam() + "\nburn = 2000\nmax_steps = 50000\n");
  const CommandResult r = run_nubayes("run " + ini.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("WARNING"), std::string::npos) << r.output;
  const RunFileContents run = read_run_file((dir / "run.h5").string());
  EXPECT_EQ(run.string_attributes.at("stop_reason"), "converged");
  EXPECT_EQ(run.number_attributes.at("converged"), 1);
  EXPECT_LT(run.number_attributes.at("rhat_max"), 1.01);
  EXPECT_GE(run.number_attributes.at("ess_bulk_min"), 400);
  EXPECT_EQ(run.mcmc_burn, 2000u);
  for (const char* x : {"x1", "x2", "x3"})
    expect_gaussian_marginal(chains_of(run, x), 0.1, x);
  // The posterior group holds exactly the post-burn-in draws, chain x draw, readable by xarray.
  const CommandResult xr =
      run_shell(python +
                " -c \"import xarray as xr,sys; "
                "p=xr.open_dataset(sys.argv[1],group='posterior',engine='h5netcdf');"
                " m=xr.open_dataset(sys.argv[1],group='mcmc',engine='h5netcdf');"
                " b=m.attrs['burn_draws']; assert (p.x1.values==m.samples.values[:,b:,0]).all();"
                " print(p.x1.dims, p.x1.attrs['rhat'] < 1.01)\" " +
                (dir / "run.h5").string());
  EXPECT_EQ(xr.output, "('chain', 'draw') True\n") << xr.output;
}

INSTANTIATE_TEST_SUITE_P(Mcmc, McmcAlgorithms,
                         ::testing::Values("adaptive-metropolis", "ensemble", "tempered"));

TEST(McmcRun, ChainsStuckInDifferentModesAreFlaggedNotConverged) {
  // The eggbox's 18 modes are separated by valleys 242 units of ln L deep: random-walk chains
  // started across the prior stay where they land.
  const auto dir = scratch_dir("mcmc_stuck");
  const auto ini = mcmc_config(
      dir, "algorithm = adaptive-metropolis\nnchains = 4\nburn = 500\nmax_steps = 3000\n",
      "name = eggbox\n");
  const CommandResult r = run_nubayes("run " + ini.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("WITHOUT CONVERGING"), std::string::npos) << r.output;
  const RunFileContents run = read_run_file((dir / "run.h5").string());
  EXPECT_EQ(run.number_attributes.at("converged"), 0);
  EXPECT_EQ(run.string_attributes.at("stop_reason"), "max_steps");
  EXPECT_GT(run.number_attributes.at("rhat_max"), 1.5);
  const CommandResult info = run_nubayes("info " + (dir / "run.h5").string());
  EXPECT_NE(info.output.find("!!! WARNING"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("<- not converged"), std::string::npos) << info.output;
}

/// ln Z of a tempered run against the analytic value, within 3 reported standard errors.
void expect_tempered_evidence(const std::string& name, const std::string& model, double truth) {
  const auto dir = scratch_dir("mcmc_ti_" + name);
  const auto ini =
      mcmc_config(dir, "algorithm = tempered\nburn = 3000\nmax_steps = 6000\ness = 1e9\n", model);
  const CommandResult r = run_nubayes("run " + ini.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const RunFileContents run = read_run_file((dir / "run.h5").string());
  EXPECT_EQ(run.string_attributes.at("logz_method"), "thermodynamic_integration");
  const double logz = run.number_attributes.at("logz"), err = run.number_attributes.at("logz_err");
  EXPECT_GT(err, 0);
  EXPECT_LT(std::abs(logz - truth), 3 * err)
      << name << ": " << logz << " +- " << err << " vs " << truth;
  EXPECT_LT(std::abs(run.number_attributes.at("logz_ss") - truth),
            3 * run.number_attributes.at("logz_ss_err"));
}

TEST(McmcRun, TemperedEvidenceOfGauss10dMatchesTheTruth) {
  expect_tempered_evidence("gauss10", "name = gauss\nndim = 10\n",
                           10 * std::log(std::erf(0.5 / (0.1 * std::sqrt(2.0)))));
}

TEST(McmcRun, TemperedEvidenceOfTheBimodalShellsMatchesTheTruth) {
  expect_tempered_evidence("shells", "name = shells\n", std::log(8 * M_PI / 144));
}

/// /mcmc/samples, /mcmc/log_likelihood and /posterior of two files are identical.
void expect_same_chains(const std::filesystem::path& a, const std::filesystem::path& b) {
  const CommandResult r = run_shell(
      python +
      " -c \"import h5py,sys,numpy as np; f=h5py.File(sys.argv[1],'r'); "
      "g=h5py.File(sys.argv[2],'r');"
      " ok=all(np.array_equal(f[k][()],g[k][()]) for k in ['mcmc/samples','mcmc/log_likelihood',"
      "'mcmc/accepted','posterior/x1']); print(ok, "
      "f['mcmc/samples'].shape==g['mcmc/samples'].shape)\" " +
      a.string() + " " + b.string());
  EXPECT_EQ(r.output, "True True\n") << r.output;
}

TEST(McmcRun, SigkillAtRandomMomentsThenResumeGivesTheUninterruptedChains) {
  const auto dir = scratch_dir("mcmc_sigkill");
  const auto ini = mcmc_config(dir, "algorithm = ensemble\nburn = 100\nmax_steps = 300\n",
                               "name = gauss\nndim = 3\nsleep_ms = 0.05\n");
  ASSERT_EQ(
      run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "ref.h5").string())
          .exit_code,
      0);
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<int> delay_ms(150, 700);
  for (int attempt = 0; attempt < 4; ++attempt) {
    const pid_t pid =
        spawn("run " + ini.string() + (attempt ? " --resume" : "") + " --quiet", dir / "log.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    wait_exit(pid);
  }
  EXPECT_NE(attribute(dir / "run.h5", "status"), "complete\n"); // the kills came before the end
  const CommandResult resumed = run_nubayes("run " + ini.string() + " --resume --quiet");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "complete\n");
  expect_same_chains(dir / "run.h5", dir / "ref.h5");
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.ckpt"));
}

TEST(McmcRun, SigtermCheckpointsWithExitCodeThreeAndResumesTheSameChains) {
  const auto dir = scratch_dir("mcmc_sigterm");
  const auto ini = mcmc_config(
      dir, "algorithm = tempered\nburn = 200\nmax_steps = 400\nntemps = 4\nnladders = 2\n",
      "name = gauss\nndim = 2\nsleep_ms = 0.1\n");
  ASSERT_EQ(
      run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "ref.h5").string())
          .exit_code,
      0);
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "running\n");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --resume --quiet").exit_code, 0);
  expect_same_chains(dir / "run.h5", dir / "ref.h5");
  EXPECT_EQ(attribute(dir / "run.h5", "logz"), attribute(dir / "ref.h5", "logz"));
}

TEST(McmcRun, InitFromANestedRunStartsInThePosterior) {
  const auto dir = scratch_dir("mcmc_init");
  const std::string model = "name = gauss\nndim = 2\nsigma = 0.01\n";
  write_file(dir / "ns.ini", "[run]\noutput = " + (dir / "ns.h5").string() +
                                 "\n[sampler]\nnlive = 100\n[model]\n" + model);
  ASSERT_EQ(run_nubayes("run " + (dir / "ns.ini").string() + " --quiet").exit_code, 0);
  const auto ini = mcmc_config(
      dir, "burn = 0\nmax_steps = 200\ninit = " + (dir / "ns.h5").string() + "\n", model);
  const CommandResult r = run_nubayes("run " + ini.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Every chain's first draw lies within 5 sigma of the mode; prior draws would not (p ~ 1e-8).
  const CommandResult first = run_shell(
      python +
      " -c \"import h5py,sys,numpy as np; s=h5py.File(sys.argv[1],'r')['mcmc/samples'][:,0,:];"
      " print(s.shape[0], bool((abs(s-0.5)<0.05).all()))\" " +
      (dir / "run.h5").string());
  EXPECT_EQ(first.output, "4 True\n") << first.output;

  const CommandResult missing = run_nubayes(
      "run " + ini.string() + " --quiet --set sampler.init=" + (dir / "nope.h5").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("[sampler] init"), std::string::npos) << missing.output;
}

TEST(McmcRun, BadSamplerSettingsGiveOneLineAndExitCodeTwo) {
  const auto dir = scratch_dir("mcmc_bad");
  const auto ini = mcmc_config(dir, "");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--set sampler.algorithm=gibbs", "unknown algorithm 'gibbs'"},
      {"--set sampler.nlive=100", "not used by this sampler (kind = mcmc"},
      {"--set sampler.algorithm=ensemble --set sampler.nwalkers=7", "must be even"},
      {"--set sampler.algorithm=ensemble --set sampler.nwalkers=4",
       "too few for 3 sampled parameters"},
      {"--set sampler.algorithm=tempered --set sampler.ntemps=1", "at least 2 temperatures"},
      {"--set sampler.max_steps=0", "[sampler] max_steps"},
      {"--set sampler.rhat=1", "[sampler] rhat"},
      {"--set sampler.thin=0", "[sampler] thin"},
      {"--set sampler.kind=gibbs", "known: nested, mcmc"},
  };
  for (const auto& [args, message] : cases) {
    const CommandResult r = run_nubayes("run " + ini.string() + " --quiet " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "run.h5")) << args;
  }
}

} // namespace

namespace {

TEST(McmcRun, CompareShowsNestedAndTemperedEvidenceAndFlagsDisagreement) {
  const auto dir = scratch_dir("mcmc_compare");
  const std::string model = "name = gauss\nndim = 3\n";
  write_file(dir / "ns.ini", "[run]\noutput = " + (dir / "ns.h5").string() + "\n[sampler]\nnlive = 200\n[model]\n" + model);
  ASSERT_EQ(run_nubayes("run " + (dir / "ns.ini").string() + " --quiet").exit_code, 0);
  const auto ini = mcmc_config(dir, "algorithm = tempered\nburn = 2000\nmax_steps = 3000\ness = 1e9\n", model);
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet").exit_code, 0);
  const CommandResult agree = run_nubayes("compare " + (dir / "ns.h5").string() + " " + (dir / "run.h5").string());
  ASSERT_EQ(agree.exit_code, 0) << agree.output;
  EXPECT_NE(agree.output.find("TI"), std::string::npos) << agree.output;
  EXPECT_NE(agree.output.find("from NS: agree"), std::string::npos) << agree.output;
  EXPECT_NE(agree.output.find("(same model)"), std::string::npos) << agree.output;
  EXPECT_EQ(agree.output.find("WARNING"), std::string::npos) << agree.output;
  const CommandResult json = run_shell("build_json=$(" + std::string(NUBAYES_BINARY) + " compare --json " + (dir / "ns.h5").string() +
                                       " " + (dir / "run.h5").string() + ") && echo \"$build_json\" | " + python +
                                       " -c \"import json,sys; t=json.load(sys.stdin); print(t[1]['method'], t[1]['posterior_prob'])\"");
  EXPECT_EQ(json.output, "TI (same model)\n") << json.output;

  // Two rungs (beta = 1 and 1e-6) cannot resolve the thermodynamic integral: the estimate is
  // off by about 1.4, far beyond its error, and compare must flag it.
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "wide.h5").string() +
                        " --set sampler.ntemps=2")
                .exit_code,
            0);
  const CommandResult flagged = run_nubayes("compare " + (dir / "ns.h5").string() + " " + (dir / "wide.h5").string());
  EXPECT_NE(flagged.output.find("DISAGREE"), std::string::npos) << flagged.output;
  EXPECT_NE(flagged.output.find("WARNING: the two evidences of gauss"), std::string::npos) << flagged.output;

  // An MCMC run without tempering has no evidence to compare.
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "am.h5").string() +
                        " --set sampler.algorithm=adaptive-metropolis --set sampler.max_steps=500")
                .exit_code,
            0);
  const CommandResult none = run_nubayes("compare " + (dir / "ns.h5").string() + " " + (dir / "am.h5").string());
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("has no evidence (an MCMC run without tempering"), std::string::npos) << none.output;
}

} // namespace

namespace {

TEST(McmcRun, AFinishedFileWinsOverAStaleCheckpoint) {
  // A crash between finalize's rename and the checkpoint's removal leaves both: --resume must
  // report the finished run (and drop the checkpoint), not re-open the finished file.
  const auto dir = scratch_dir("mcmc_stale_ckpt");
  const auto ini = mcmc_config(dir, "algorithm = ensemble\nburn = 100\nmax_steps = 300\n", "name = gauss\nndim = 3\nsleep_ms = 0.05\n");
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  kill(pid, SIGTERM);
  ASSERT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
  std::filesystem::copy_file(dir / "run.h5.ckpt", dir / "stale.ckpt");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --resume --quiet").exit_code, 0);
  const std::string steps_before = attribute(dir / "run.h5", "steps");
  std::filesystem::copy_file(dir / "stale.ckpt", dir / "run.h5.ckpt");
  const CommandResult again = run_nubayes("run " + ini.string() + " --resume --quiet");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already complete"), std::string::npos) << again.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.ckpt"));
  EXPECT_EQ(attribute(dir / "run.h5", "steps"), steps_before);
}

} // namespace
