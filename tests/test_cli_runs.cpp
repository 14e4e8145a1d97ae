// nubayes run / eval / info / help driven like a user would, including interruptions.
#include "cli_helpers.h"

#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <random>
#include <thread>
#include <unistd.h>

using namespace nubayes::testing;

namespace {

std::filesystem::path gauss_config(const std::filesystem::path& dir, const std::string& extra = "") {
  const auto ini = dir / "run.ini";
  write_file(ini, "[run]\noutput = " + (dir / "run.h5").string() +
                      "\nseed = 12\ncheckpoint_every = 0.1\n[sampler]\nnlive = 100\n[model]\nname = gauss\nndim = 3\n" + extra);
  return ini;
}

} // namespace

TEST(CliRun, RunPrintsSummaryAndInfoReadsIt) {
  const auto dir = scratch_dir("run_info");
  const CommandResult r = run_nubayes("run " + gauss_config(dir).string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ln Z:"), std::string::npos) << r.output;
  const CommandResult info = run_nubayes("info " + (dir / "run.h5").string());
  ASSERT_EQ(info.exit_code, 0) << info.output;
  for (const char* s : {"ln Z:", "information:", "calls", "68% interval", "95% interval", "x3", "KS p-value"})
    EXPECT_NE(info.output.find(s), std::string::npos) << s << " missing in " << info.output;
  // The machine-readable progress file beside the run file: a header and at least one row.
  const std::string tsv = read_file(dir / "run.h5.progress.tsv");
  EXPECT_EQ(tsv.rfind("time_s\titeration\tcalls\tlogz\tremaining_dlogz\tefficiency\tcalls_per_s\teta_s\tmethod\n", 0), 0u) << tsv;
  EXPECT_GE(line_count(tsv), 2);
  const CommandResult json = run_nubayes("info --json " + (dir / "run.h5").string());
  ASSERT_EQ(json.exit_code, 0);
  const CommandResult parsed = run_shell("echo '" + json.output + "' | " + python +
                                         " -c \"import json,sys; d=json.load(sys.stdin); print(d['status'], round(d['parameters']['x1']['mean'],1))\"");
  EXPECT_EQ(parsed.output, "complete 0.5\n");
}

TEST(CliRun, SameSeedIdenticalOutputOtherSeedDifferent) {
  const auto dir = scratch_dir("determinism");
  const auto ini = gauss_config(dir);
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "a.h5").string()).exit_code, 0);
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "b.h5").string()).exit_code, 0);
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.seed=13 --set run.output=" + (dir / "c.h5").string()).exit_code, 0);
  const std::string a = run_nubayes("info --json " + (dir / "a.h5").string()).output;
  const std::string b = run_nubayes("info --json " + (dir / "b.h5").string()).output;
  const std::string c = run_nubayes("info --json " + (dir / "c.h5").string()).output;
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Every dead point, not just the summary.
  const CommandResult same = run_shell(python + " -c \"import h5py,numpy as np,sys; f=[h5py.File(p,'r')['nested_sampling'] for p in sys.argv[1:]]; "
                                       "print(all(np.array_equal(f[0][k][:], f[1][k][:]) for k in f[0]))\" " +
                                       (dir / "a.h5").string() + " " + (dir / "b.h5").string());
  EXPECT_EQ(same.output, "True\n");
}

TEST(CliRun, EvalPrintsTheLogLikelihood) {
  const auto dir = scratch_dir("eval");
  const auto ini = gauss_config(dir);
  // Peak of a normalised 3-D Gaussian with sigma 0.1: -3 ln(0.1 sqrt(2 pi)) = 4.1509397.
  const CommandResult r = run_nubayes("eval " + ini.string() + " --at x1=0.5,x2=0.5,x3=0.5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"loglike\": 4.15093967"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"gauss\""), std::string::npos) << r.output;
}

// -h is help for every command, answered before the required options are checked.
TEST(CliRun, ShortHelpFlagWorksForEveryCommand) {
  for (const char* command : {"run", "eval", "info", "compare", "export", "pg", "predict", "reweight", "submit"}) {
    const CommandResult r = run_nubayes(std::string(command) + " -h");
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.output;
    EXPECT_NE(r.output.find(std::string("usage: nubayes ") + command), std::string::npos) << r.output;
  }
}

// compare --json: every digit of ln Z (what the run file holds, not a 3-decimal rounding), and
// valid JSON for paths with a quote, a backslash and a tab in them.
TEST(CliRun, CompareJsonKeepsEveryDigitAndEscapesPaths) {
  const auto dir = scratch_dir("compare_json");
  ASSERT_EQ(run_nubayes("run " + gauss_config(dir).string() + " --quiet").exit_code, 0);
  const auto odd = dir / "a \"quoted\" \\ back\tslash";
  std::filesystem::create_directories(odd);
  const auto a = (odd / "a.h5").string(), b = (odd / "b.h5").string();
  std::filesystem::copy_file(dir / "run.h5", a);
  std::filesystem::copy_file(dir / "run.h5", b);
  const CommandResult r = run_nubayes("compare --json '" + a + "' '" + b + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  write_file(dir / "compare.json", r.output);
  write_file(dir / "check.py",
             "import json, sys, h5py, numpy as np\n"
             "t = json.load(open(sys.argv[1]))\n"
             "f = h5py.File(sys.argv[2], 'r')\n"
             "logz, err = (float(np.ravel(f.attrs[k])[0]) for k in ('logz', 'logz_err'))\n"
             "assert [x['run'] for x in t] == sys.argv[2:4], [x['run'] for x in t]\n"
             "assert t[0]['lnZ'] == logz and t[0]['err'] == err, (t[0]['lnZ'], logz, t[0]['err'], err)\n"
             "assert t[1]['lnB_vs_ref'] == 0 and t[1]['cross_check'].endswith('agree'), t[1]\n"
             "assert isinstance(t[0]['posterior_prob'], (int, float)) and t[1]['posterior_prob'] == '(same model)'\n"
             "assert t[0]['minus2lnL_max'] == -2 * float(f['nested_sampling/logl'][()].max())\n"
             "print('ok')\n");
  const CommandResult check = run_shell(python + " " + (dir / "check.py").string() + " " + (dir / "compare.json").string() +
                                        " '" + a + "' '" + b + "'");
  EXPECT_EQ(check.output, "ok\n") << r.output;
}

// --prior-odds takes positive numbers only, one per run: trailing text is an error (exit 2).
TEST(CliRun, ComparePriorOddsMustBeNumbers) {
  const auto dir = scratch_dir("compare_odds");
  ASSERT_EQ(run_nubayes("run " + gauss_config(dir).string() + " --quiet").exit_code, 0);
  const std::string runs = (dir / "run.h5").string() + " " + (dir / "run.h5").string();
  for (const char* odds : {"1x,1", "1,2x", "0,1", "1", "1,1,1", "1,nan", "1,", "1,-2"}) {
    const CommandResult r = run_nubayes("compare " + runs + " --prior-odds " + odds);
    EXPECT_EQ(r.exit_code, 2) << odds << ": " << r.output;
    EXPECT_EQ(line_count(r.output), 1) << odds << ": " << r.output;
    EXPECT_NE(r.output.find("--prior-odds"), std::string::npos) << r.output;
  }
  EXPECT_EQ(run_nubayes("compare " + runs + " --prior-odds 1,2.5e-1").exit_code, 0);
}

// `nubayes help CMD` and `nubayes CMD --help` print that command's usage on stdout (exit 0).
TEST(CliRun, HelpCommandAndLongHelpFlag) {
  for (const char* command : {"run", "eval", "info", "compare", "export", "pg", "predict", "reweight", "submit"}) {
    for (const std::string& args : {"help " + std::string(command), std::string(command) + " --help"}) {
      const CommandResult r = run_shell("(" + std::string(NUBAYES_BINARY) + " " + args + " 2>/dev/null)");
      EXPECT_EQ(r.exit_code, 0) << args << ": " << r.output;
      EXPECT_NE(r.output.find(std::string("usage: nubayes ") + command), std::string::npos) << args << ": " << r.output;
    }
  }
  EXPECT_EQ(run_nubayes("help").exit_code, 0);
  EXPECT_EQ(run_nubayes("--help").exit_code, 0);
}

// A usage shown because of a mistake goes to stderr with exit code 2, leaving stdout empty (and
// a script reading it undisturbed).
TEST(CliRun, UsageOnErrorGoesToStderr) {
  const std::string nubayes = NUBAYES_BINARY;
  for (const char* args : {"", "help bogus", "compare", "predict run.h5", "run", "eval", "info", "frobnicate"}) {
    const CommandResult out = run_shell("(" + nubayes + " " + args + " 2>/dev/null)");
    EXPECT_EQ(out.exit_code, 2) << "'" << args << "'";
    EXPECT_EQ(out.output, "") << "'" << args << "'";
    const CommandResult err = run_shell("(" + nubayes + " " + args + " >/dev/null)");
    EXPECT_NE(err.output, "") << "'" << args << "'";
  }
}

// info: one-sided 95 % limits for every variable, and for a log-uniform parameter its summary in
// log10 instead of a linear mean and sd (which the highest decades of its range dominate).
TEST(CliRun, InfoGivesOneSidedLimitsAndLog10Summaries) {
  const auto dir = scratch_dir("info_limits");
  const auto run = (dir / "s.h5").string();
  write_file(dir / "s.ini", "[run]\noutput = " + run +
                                "\nseed = 4\n[sampler]\nnlive = 60\n[model]\nname = sterile3p1\n[data]\nexperiments = gallium\n"
                                "[prior]\ndm2_41 = log-uniform 0.01 100\nUe4_sq = uniform 0 0.5\nUmu4_sq = fixed 0\n");
  ASSERT_EQ(run_nubayes("run " + (dir / "s.ini").string() + " --quiet").exit_code, 0);
  const CommandResult text = run_nubayes("info " + run);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("95% upper"), std::string::npos) << text.output;
  std::istringstream lines(text.output);
  bool linear = false, log10 = false;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name, mean, sd;
    fields >> name >> mean >> sd;
    if (name == "dm2_41") linear = mean == "-" && sd == "-";
    if (name == "log10(dm2_41)") log10 = mean != "-";
  }
  EXPECT_TRUE(linear && log10) << text.output;

  // The JSON's numbers against the weighted quantiles recomputed from the run file.
  const CommandResult json = run_nubayes("info --json " + run);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  write_file(dir / "info.json", json.output);
  write_file(dir / "check.py",
             "import json, sys, h5py, numpy as np\n"
             "p = json.load(open(sys.argv[1]))['parameters']\n"
             "ns = h5py.File(sys.argv[2], 'r')['nested_sampling']\n"
             "w = np.exp(ns['logwt'][()] - ns['logwt'][()].max())\n"
             "def quantile(x, q):\n"
             "    o = np.argsort(x, kind='stable'); x, v = x[o], w[o] / w.sum()\n"
             "    pos = np.concatenate([[0.0], np.cumsum(v)[:-1]]) + 0.5 * v\n"
             "    k = int(np.argmax(pos >= q))\n"
             "    if k == 0 or pos[k] == pos[k - 1]: return x[k]\n"
             "    return x[k - 1] + (x[k] - x[k - 1]) * (q - pos[k - 1]) / (pos[k] - pos[k - 1])\n"
             "dm2, ue4 = ns['dm2_41'][()], ns['Ue4_sq'][()]\n"
             "checks = [(p['Ue4_sq']['upper95'], quantile(ue4, 0.95)), (p['Ue4_sq']['lower95'], quantile(ue4, 0.05)),\n"
             "          (p['dm2_41']['log10']['median'], quantile(np.log10(dm2), 0.5)),\n"
             "          (p['dm2_41']['log10']['ci95'][1], quantile(np.log10(dm2), 0.975)),\n"
             "          (p['dm2_41']['log10']['upper95'], quantile(np.log10(dm2), 0.95)),\n"
             "          (p['dm2_41']['log10']['mean'], np.average(np.log10(dm2), weights=w))]\n"
             "assert all(abs(a - b) < 1e-9 * max(1, abs(b)) for a, b in checks), checks\n"
             "assert p['dm2_41']['scale'] == 'log' and 'log10' not in p['Ue4_sq'], p\n"
             "assert p['Ue4_sq']['upper95'] < p['Ue4_sq']['ci95'][1]\n"
             "print('ok')\n");
  const CommandResult check = run_shell(python + " " + (dir / "check.py").string() + " " + (dir / "info.json").string() + " " + run);
  EXPECT_EQ(check.output, "ok\n") << json.output;
}

TEST(CliRun, HelpConfigListsEveryKey) {
  const CommandResult r = run_nubayes("help config");
  ASSERT_EQ(r.exit_code, 0);
  for (const char* s : {"output", "seed", "checkpoint_every", "nlive", "method", "dlogz", "slice_repeats",
                        "max_calls", "log-uniform", "plugin", "corr-gauss", "sleep_ms", "burn_ms"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s;
}

TEST(CliRun, PluginLikelihoodRunsAndNaNStopsWithTheParameters) {
  const auto dir = scratch_dir("plugin");
  const std::string head = "[run]\noutput = " + (dir / "p.h5").string() + "\n[sampler]\nnlive = 100\n[model]\nname = plugin\n";
  write_file(dir / "gauss.ini", head + "library = " NUBAYES_PLUGIN_DIR "/libgauss_plugin.so\n[prior]\nx = uniform 0 1\ny = uniform 0 1\n");
  const CommandResult ok = run_nubayes("run " + (dir / "gauss.ini").string() + " --quiet");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("ln Z:"), std::string::npos);

  write_file(dir / "nan.ini", head + "library = " NUBAYES_PLUGIN_DIR "/libnan_plugin.so\n[prior]\nx = uniform 0 1\n");
  const CommandResult bad = run_nubayes("run " + (dir / "nan.ini").string() + " --quiet --set run.output=" + (dir / "nan.h5").string());
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_EQ(line_count(bad.output), 1) << bad.output;
  EXPECT_NE(bad.output.find("plugin"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("nan at x=0.7"), std::string::npos) << bad.output;
  EXPECT_NE(attribute(dir / "nan.h5", "status"), "complete\n");
}

TEST(CliRun, SigkillAtRandomMomentsThenResumeGivesTheUninterruptedResult) {
  const auto dir = scratch_dir("sigkill");
  const auto ini = gauss_config(dir, "sleep_ms = 0.5\n");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "ref.h5").string()).exit_code, 0);
  const std::string reference = attribute(dir / "ref.h5", "logz");
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<int> delay_ms(150, 900);
  for (int attempt = 0; attempt < 4; ++attempt) {
    const pid_t pid = spawn("run " + ini.string() + (attempt ? " --resume" : "") + " --quiet", dir / "log.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    wait_exit(pid);
    // Whatever moment it died, the file is readable (resume clears the SWMR flags).
  }
  const CommandResult resumed = run_nubayes("run " + ini.string() + " --resume --quiet");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(attribute(dir / "run.h5", "logz"), reference);
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "complete\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.ckpt"));
  // Each resume after a crash leaves dead space (h5clear -i alone adds 1 MiB): the finished file
  // is compacted, so it is about as large as the uninterrupted one.
  EXPECT_LT(std::filesystem::file_size(dir / "run.h5"), std::filesystem::file_size(dir / "ref.h5") + 256 * 1024);
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST(CliRun, TemporaryFilesOfCrashedRunsAreRemoved) {
  const auto dir = scratch_dir("stale_tmp");
  const auto ini = gauss_config(dir);
  write_file(dir / "run.h5.ckpt.tmp.99999", "a checkpoint write killed half way");
  write_file(dir / "run.h5.finalize.tmp", "a finalize killed half way");
  write_file(dir / "other.h5.ckpt.tmp.99999", "another run's");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet").exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.ckpt.tmp.99999"));
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.finalize.tmp"));
  EXPECT_TRUE(std::filesystem::exists(dir / "other.h5.ckpt.tmp.99999"));
  // The compacted file is still an ArviZ/netCDF-4 file.
  const CommandResult xr = run_shell(python + " -c \"import xarray as xr,sys; print(xr.open_dataset(sys.argv[1], group='posterior', engine='h5netcdf')['x1'].shape)\" " +
                                     (dir / "run.h5").string());
  EXPECT_EQ(xr.exit_code, 0) << xr.output;
}

TEST(CliRun, SigtermCheckpointsWithExitCodeThree) {
  const auto dir = scratch_dir("sigterm");
  const auto ini = gauss_config(dir, "sleep_ms = 1\n");
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
  EXPECT_NE(read_file(dir / "log.txt").find("resume with --resume"), std::string::npos);
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "running\n");
  EXPECT_EQ(run_nubayes("run " + ini.string() + " --resume --quiet").exit_code, 0);
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "complete\n");
}

TEST(CliRun, FinishedRunResumesWithoutCallingTheLikelihood) {
  const auto dir = scratch_dir("finished");
  const auto count = dir / "calls.txt";
  write_file(dir / "p.ini", "[run]\noutput = " + (dir / "p.h5").string() + "\n[sampler]\nnlive = 50\n[model]\nname = plugin\nlibrary = " NUBAYES_PLUGIN_DIR
                            "/libgauss_plugin.so\noptions = count=" + count.string() + "\n[prior]\nx = uniform 0 1\ny = uniform 0 1\n");
  ASSERT_EQ(run_nubayes("run " + (dir / "p.ini").string() + " --quiet").exit_code, 0);
  const CommandResult again = run_nubayes("run " + (dir / "p.ini").string() + " --resume");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already complete"), std::string::npos) << again.output;
  const std::string counts = read_file(count);
  EXPECT_NE(counts.substr(0, counts.find('\n')), "0");
  EXPECT_EQ(counts.substr(counts.find('\n') + 1), "0\n") << counts; // the resume served no call
}

TEST(CliRun, ResumeWithAnotherConfigIsRefused) {
  const auto dir = scratch_dir("refuse");
  const auto ini = gauss_config(dir, "sleep_ms = 1\n");
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  kill(pid, SIGUSR1);
  ASSERT_EQ(wait_exit(pid), 3);
  const CommandResult r = run_nubayes("run " + ini.string() + " --resume --quiet --set sampler.nlive=120");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("resume refused"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nlive = 100"), std::string::npos) << r.output;
  const CommandResult prior = run_nubayes("run " + ini.string() + " --resume --quiet --set prior.x1='uniform 0 2' --set prior.x2='uniform 0 1' --set prior.x3='uniform 0 1'");
  EXPECT_EQ(prior.exit_code, 2) << prior.output;
}

TEST(CliRun, SwmrReaderSeesRowsDuringTheRun) {
  const auto dir = scratch_dir("swmr");
  const auto ini = gauss_config(dir, "sleep_ms = 1\n");
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const CommandResult r = run_shell(python + " -c \"import h5py,sys; f=h5py.File(sys.argv[1],'r',libver='latest',swmr=True); "
                                    "print(f.attrs['status'], f['nested_sampling/logl'].shape[0] > 0)\" " + (dir / "run.h5").string());
  EXPECT_EQ(r.output, "running True\n") << r.output;
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(CliRun, FullDiskGivesOneClearLine) {
  const auto dir = scratch_dir("disk_full");
  const auto ini = gauss_config(dir);
  // A 64 KiB file-size limit stands in for a full disk.
  const CommandResult r = run_shell("ulimit -f 64; " + std::string(NUBAYES_BINARY) + " run " + ini.string() + " --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("run.h5"), std::string::npos) << r.output;
  EXPECT_NE(attribute(dir / "run.h5", "status"), "complete\n");
}

TEST(CliRun, SecondRunOnTheSameOutputFailsAtOnceNamingTheHolder) {
  const auto dir = scratch_dir("two_writers");
  const auto ini = gauss_config(dir, "sleep_ms = 1\n");
  const pid_t first = spawn("run " + ini.string() + " --quiet", dir / "first.txt");
  wait_for_file(dir / "run.h5.ckpt");
  const CommandResult second = run_nubayes("run " + ini.string() + " --quiet --set run.seed=8");
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_EQ(line_count(second.output), 1) << second.output;
  EXPECT_NE(second.output.find((dir / "run.h5").string() + " is in use by process " + std::to_string(first)),
            std::string::npos) << second.output;
  const CommandResult resume = run_nubayes("run " + ini.string() + " --quiet --resume");
  EXPECT_EQ(resume.exit_code, 2) << resume.output;
  ASSERT_EQ(wait_exit(first), 0) << read_file(dir / "first.txt");
  EXPECT_EQ(attribute(dir / "run.h5", "seed"), "12\n"); // the survivor's rows and attributes agree
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.lock"));
}

TEST(CliRun, AFinishedRunIsReplacedOnlyWithOverwrite) {
  const auto dir = scratch_dir("overwrite");
  const auto ini = gauss_config(dir);
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet").exit_code, 0);
  const std::string logz = attribute(dir / "run.h5", "logz");
  const CommandResult again = run_nubayes("run " + ini.string() + " --quiet --set run.seed=8");
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_EQ(line_count(again.output), 1) << again.output;
  EXPECT_NE(again.output.find("holds a finished run"), std::string::npos) << again.output;
  EXPECT_EQ(attribute(dir / "run.h5", "logz"), logz);
  const CommandResult replaced = run_nubayes("run " + ini.string() + " --quiet --set run.seed=8 --overwrite");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(attribute(dir / "run.h5", "seed"), "8\n");
  // Nor is a file that is not a run file replaced.
  write_file(dir / "notes.h5", "my notes");
  const CommandResult foreign = run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (dir / "notes.h5").string());
  EXPECT_EQ(foreign.exit_code, 2) << foreign.output;
  EXPECT_EQ(read_file(dir / "notes.h5"), "my notes");
}

TEST(CliRun, ResumeOnAFinishedRunComparesItsConfig) {
  const auto dir = scratch_dir("resume_finished");
  const auto ini = gauss_config(dir, "sleep_ms = 1\n");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set model.sleep_ms=0").exit_code, 0);
  const CommandResult changed = run_nubayes("run " + ini.string() + " --resume --quiet --set model.sleep_ms=0 --set sampler.nlive=120");
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_EQ(line_count(changed.output), 1) << changed.output;
  EXPECT_NE(changed.output.find("file has 'nlive = 100', this run has 'nlive = 120'"), std::string::npos) << changed.output;
  // Another run's finished file at the output path: refused, and the real checkpoint is kept.
  std::filesystem::rename(dir / "run.h5", dir / "other.h5");
  const pid_t pid = spawn("run " + ini.string() + " --quiet --set run.seed=8", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  kill(pid, SIGTERM);
  ASSERT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
  std::filesystem::copy_file(dir / "other.h5", dir / "run.h5", std::filesystem::copy_options::overwrite_existing);
  const CommandResult other = run_nubayes("run " + ini.string() + " --resume --quiet --set run.seed=8");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("finished run of another config"), std::string::npos) << other.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "run.h5.ckpt"));
}

TEST(CliRun, InfoRefusesAnUnknownSchemaVersionAndColumnsOfUnequalLength) {
  const auto dir = scratch_dir("schema");
  ASSERT_EQ(run_nubayes("run " + gauss_config(dir).string() + " --quiet").exit_code, 0);
  const std::string file = (dir / "run.h5").string();
  ASSERT_EQ(run_shell("cp " + file + " " + (dir / "v99.h5").string()).exit_code, 0);
  ASSERT_EQ(run_shell(python + " -c \"import h5py,numpy as np,sys; h5py.File(sys.argv[1],'r+').attrs['schema_version'] = np.array([99], dtype='int64')\" " +
                      (dir / "v99.h5").string()).exit_code, 0);
  const CommandResult v99 = run_nubayes("info " + (dir / "v99.h5").string());
  EXPECT_EQ(v99.exit_code, 2) << v99.output;
  EXPECT_EQ(line_count(v99.output), 1) << v99.output;
  EXPECT_NE(v99.output.find("schema_version 99 is not supported"), std::string::npos) << v99.output;
  ASSERT_EQ(run_shell(python + " -c \"import h5py,sys; d=h5py.File(sys.argv[1],'r+')['nested_sampling/logl']; d.resize((d.shape[0]-5,))\" " + file).exit_code, 0);
  const CommandResult cut = run_nubayes("info " + file);
  EXPECT_EQ(cut.exit_code, 2) << cut.output;
  EXPECT_EQ(line_count(cut.output), 1) << cut.output;
  EXPECT_NE(cut.output.find("/nested_sampling/logl has"), std::string::npos) << cut.output;
}

TEST(CliRun, SignalDuringStartUpExitsThreeWritingNothing) {
  const auto dir = scratch_dir("startup_signal");
  const std::string args = "run " NUBAYES_SOURCE_DIR "/inputs/examples/sterile3p1-all.ini --quiet --set run.output=" +
                           (dir / "all.h5").string() + " --set data.experiments=all";
  for (int signal : {SIGTERM, SIGUSR1}) {
    // Building the likelihood of every experiment takes about a second: the signal comes during it.
    const pid_t pid = spawn(args, dir / "log.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    kill(pid, signal);
    EXPECT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
    EXPECT_NE(read_file(dir / "log.txt").find("during start-up, before anything was written"), std::string::npos)
        << read_file(dir / "log.txt");
    // Nothing half-written: no run file, checkpoint, lock, progress or temporary file.
    EXPECT_EQ(folder_listing(dir), "log.txt\n");
  }
}

TEST(CliRun, SignalWhileTemplatesBuildExitsThreeAndCachesNothing) {
  const auto dir = scratch_dir("template_signal");
  // The default dark-zd grid takes minutes to build: the signal comes during the build, which
  // stops at the next mass point instead of finishing and caching the templates.
  const std::string args = "run " NUBAYES_SOURCE_DIR "/inputs/examples/dark-zd-miniboone-2018.ini --quiet --set run.output=" +
                           (dir / "dark.h5").string() + " --set model.template_cache=" +
                           (dir / "cache" / "templates.h5").string();
  for (int signal : {SIGTERM, SIGUSR1}) {
    const pid_t pid = spawn(args, dir / "log.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    kill(pid, signal);
    EXPECT_EQ(wait_exit(pid), 3) << read_file(dir / "log.txt");
    EXPECT_EQ(read_file(dir / "log.txt"),
              "nubayes: stopped by a signal during start-up, before anything was written; run the same command again\n");
    EXPECT_EQ(folder_listing(dir), "log.txt\n"); // no cache folder, no half-written cache
  }
}

TEST(CliRun, KillDuringACheckpointWriteLeavesNoTemporaryFileAfterTheResume) {
  const auto ref = scratch_dir("ckpt_kill_ref");
  const auto dir = scratch_dir("ckpt_kill");
  const auto ini = gauss_config(dir, "sleep_ms = 0.5\n");
  ASSERT_EQ(run_nubayes("run " + ini.string() + " --quiet --set run.output=" + (ref / "run.h5").string()).exit_code, 0);
  // A run killed with SIGKILL after its first checkpoint ...
  const pid_t pid = spawn("run " + ini.string() + " --quiet", dir / "log.txt");
  wait_for_file(dir / "run.h5.ckpt");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  kill(pid, SIGKILL);
  wait_exit(pid);
  // ... in the middle of writing the next one: what StateFile::save_atomic leaves then.
  const std::string ckpt = read_file(dir / "run.h5.ckpt");
  write_file(dir / "run.h5.ckpt.tmp.12345", ckpt.substr(0, ckpt.size() / 2));
  const CommandResult resumed = run_nubayes("run " + ini.string() + " --resume --quiet");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(attribute(dir / "run.h5", "logz"), attribute(ref / "run.h5", "logz"));
  EXPECT_EQ(attribute(dir / "run.h5", "status"), "complete\n");
  // Only the expected files: no checkpoint, lock, temporary or finalize file.
  EXPECT_EQ(folder_listing(dir), "log.txt\nrun.h5\nrun.h5.progress.tsv\nrun.ini\n");
  // Compacted: about the size of a clean run's file, not carrying the killed run's dead space.
  EXPECT_LT(std::filesystem::file_size(dir / "run.h5"), std::filesystem::file_size(ref / "run.h5") + 256 * 1024);
}
