// Bad input never crashes and never writes: each case gives one clear line naming the file,
// section and key (or the library), exit code 2, and no output file.
#include "cli_helpers.h"

#include <gtest/gtest.h>
#include <utility>
#include <vector>

using namespace nubayes::testing;

namespace {

struct BadCase {
  std::string name;
  std::string config;    ///< file text ({OUT} replaced by the output path)
  std::string extra;     ///< extra command-line arguments
  std::vector<std::string> expected; ///< substrings of the one error line
};

const std::string good_head = "[run]\noutput = {OUT}\n[sampler]\nnlive = 50\n";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

} // namespace

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, OneClearLineExitTwoNothingWritten) {
  const BadCase& c = GetParam();
  const auto dir = scratch_dir("bad_" + c.name);
  const auto out = dir / "out.h5";
  const auto ini = dir / "bad.ini";
  write_file(ini, replace_all(replace_all(c.config, "{OUT}", out.string()), "{PLUGINS}", NUBAYES_PLUGIN_DIR));
  const CommandResult r = run_nubayes("run " + ini.string() + " " + c.extra);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  for (const auto& e : c.expected) EXPECT_NE(r.output.find(e), std::string::npos) << "missing '" << e << "' in: " << r.output;
  EXPECT_FALSE(std::filesystem::exists(out)) << "an output file was written";
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".ckpt"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfig,
    ::testing::Values(
        BadCase{"unknown_section", good_head + "[model]\nname = gauss\n[modle]\nx = 1\n", "", {"bad.ini", "[modle]", "unknown section"}},
        BadCase{"unknown_key", good_head + "nlvie = 3\n[model]\nname = gauss\n", "", {"bad.ini:5", "[sampler] nlvie", "unknown key"}},
        BadCase{"unknown_model_key", good_head + "[model]\nname = gauss\nndims = 3\n", "", {"bad.ini:7", "[model] ndims", "unknown key"}},
        BadCase{"bad_number", good_head + "dlogz = 0.5x\n[model]\nname = gauss\n", "", {"bad.ini:5", "[sampler] dlogz", "'0.5x' is not a number"}},
        BadCase{"bad_model_number", good_head + "[model]\nname = gauss\nndim = two\n", "", {"bad.ini:7", "[model] ndim", "'two'"}},
        BadCase{"nlive_range", good_head + "[model]\nname = gauss\n", "--set sampler.nlive=1", {"--set sampler.nlive", "outside the allowed range"}},
        BadCase{"lo_ge_hi", good_head + "[model]\nname = gauss\n[prior]\nx1 = uniform 1 0\nx2 = uniform 0 1\n", "", {"bad.ini:8", "[prior] x1", "not below"}},
        BadCase{"log_uniform_nonpositive", good_head + "[model]\nname = gauss\n[prior]\nx1 = log-uniform 0 1\nx2 = uniform 0 1\n", "", {"bad.ini:8", "[prior] x1", "positive lower bound"}},
        BadCase{"prior_names", good_head + "[model]\nname = gauss\n[prior]\na = uniform 0 1\nb = uniform 0 1\n", "", {"[model] name", "expects 'x1'"}},
        BadCase{"unknown_model", good_head + "[model]\nname = gaus\n", "", {"bad.ini:6", "[model] name", "unknown model 'gaus'"}},
        BadCase{"missing_model", good_head, "", {"[model] name", "required"}},
        BadCase{"unknown_method", good_head + "method = magic\n[model]\nname = gauss\n", "", {"[sampler] method", "unknown method 'magic'"}},
        BadCase{"malformed_line", good_head + "nlive 50\n[model]\nname = gauss\n", "", {"bad.ini:5", "expected 'key = value'"}},
        BadCase{"duplicate_key", good_head + "nlive = 60\n[model]\nname = gauss\n", "", {"bad.ini:5", "[sampler] nlive", "twice"}},
        BadCase{"bad_set", good_head + "[model]\nname = gauss\n", "--set nlive=3", {"--set nlive=3", "section.key=value"}},
        BadCase{"missing_library", good_head + "[model]\nname = plugin\nlibrary = /nonexistent/libx.so\n[prior]\nx = uniform 0 1\n", "", {"[model] library", "/nonexistent/libx.so", "cannot load"}},
        BadCase{"plugin_without_library", good_head + "[model]\nname = plugin\n[prior]\nx = uniform 0 1\n", "", {"[model] library", "required"}},
        BadCase{"plugin_missing_symbol", good_head + "[model]\nname = plugin\nlibrary = {PLUGINS}/libno_symbol_plugin.so\n[prior]\nx = uniform 0 1\n", "", {"[model] library", "libno_symbol_plugin.so", "missing symbol nubayes_loglike"}},
        BadCase{"plugin_init_fails", good_head + "[model]\nname = plugin\nlibrary = {PLUGINS}/libgauss_plugin.so\noptions = nonsense\n[prior]\nx = uniform 0 1\ny = uniform 0 1\n", "", {"libgauss_plugin.so", "nubayes_plugin_init returned 3"}},
        BadCase{"all_fixed", good_head + "[model]\nname = plugin\nlibrary = {PLUGINS}/libgauss_plugin.so\n[prior]\nx = fixed 0.5\ny = fixed 0.5\n", "", {"every parameter is fixed"}},
        BadCase{"output_folder_missing", "[run]\noutput = {OUT}.d/none/x.h5\n[model]\nname = gauss\n", "", {"[run] output", "does not exist"}},
        BadCase{"output_is_a_folder", "[run]\noutput = /tmp\n[model]\nname = gauss\n", "", {"[run] output", "/tmp is a folder"}},
        BadCase{"resume_and_overwrite", good_head + "[model]\nname = gauss\n", "--resume --overwrite", {"exclude each other"}},
        BadCase{"nlive_hex", good_head + "[model]\nname = gauss\n", "--set sampler.nlive=0x32", {"--set sampler.nlive", "'0x32' is not a number"}},
        BadCase{"nlive_beyond_memory", good_head + "[model]\nname = gauss\n", "--set sampler.nlive=100001", {"[sampler] nlive", "[2, 10000]"}},
        BadCase{"number_overflows", good_head + "dlogz = 1e400\n[model]\nname = gauss\n", "", {"[sampler] dlogz", "'1e400' is not a number"}},
        BadCase{"prior_width_overflows", good_head + "[model]\nname = gauss\n[prior]\nx1 = uniform -1e308 1e308\nx2 = uniform 0 1\n", "", {"bad.ini:8", "[prior] x1", "not a finite number"}},
        BadCase{"binary_garbage", std::string("[run]\n\x01\x02\0garbage", 16), "", {"bad.ini:2"}}),
    [](const auto& info) { return info.param.name; });

TEST(CliErrors, MissingConfigFile) {
  const CommandResult r = run_nubayes("run /nonexistent/config.ini");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/config.ini: cannot open config file"), std::string::npos) << r.output;
}

TEST(CliErrors, UnknownCommandAndOptions) {
  EXPECT_EQ(run_nubayes("frobnicate").exit_code, 2);
  const CommandResult r = run_nubayes("run --no-such-option x.ini");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no-such-option"), std::string::npos) << r.output;
}

TEST(CliErrors, InfoOnAFileThatIsNotARun) {
  const auto dir = scratch_dir("info_garbage");
  write_file(dir / "junk.h5", "this is not HDF5");
  const CommandResult r = run_nubayes("info " + (dir / "junk.h5").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("junk.h5"), std::string::npos) << r.output;
}

TEST(CliErrors, PredictRefusesBadArgumentsInOneLine) {
  const auto dir = scratch_dir("predict_bad");
  write_file(dir / "junk.h5", "this is not HDF5");
  const std::string out = " --out " + (dir / "pred.h5").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"predict " + (dir / "junk.h5").string() + out, "junk.h5"},
      {"predict " + (dir / "nope.h5").string() + out, "nope.h5"},
      {"predict " + (dir / "junk.h5").string() + out + " --draws 0", "--draws must be at least 1"},
      {"predict " + (dir / "junk.h5").string() + out + " --draws many", "draws"},
  };
  for (const auto& [args, needle] : cases) {
    const CommandResult r = run_nubayes(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "pred.h5")) << args;
  }
  EXPECT_EQ(run_nubayes("predict " + (dir / "junk.h5").string()).exit_code, 2); // no --out: usage
}

TEST(CliErrors, EvalNeedsEveryParameter) {
  const auto dir = scratch_dir("eval_missing");
  write_file(dir / "g.ini", "[model]\nname = gauss\n");
  const CommandResult r = run_nubayes("eval " + (dir / "g.ini").string() + " --at x1=0.5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no value for parameter 'x2'"), std::string::npos) << r.output;
  const CommandResult typo = run_nubayes("eval " + (dir / "g.ini").string() + " --at x1=0.5,x3=1");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("'x3=1'"), std::string::npos) << typo.output;
  const CommandResult twice = run_nubayes("eval " + (dir / "g.ini").string() + " --at x1=0.5,x2=0.5,x1=0.7");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("'x1' is given twice"), std::string::npos) << twice.output;
  const CommandResult hex = run_nubayes("eval " + (dir / "g.ini").string() + " --at x1=0x1,x2=0.5");
  EXPECT_EQ(hex.exit_code, 2);
}

TEST(CliErrors, OutputThatIsTheConfigFileIsRefused) {
  const auto dir = scratch_dir("output_is_config");
  const std::string text = "[run]\noutput = " + (dir / "x.ini").string() + "\n[sampler]\nnlive = 50\n[model]\nname = gauss\n";
  write_file(dir / "x.ini", text);
  for (const char* extra : {"", " --overwrite", " --resume"}) {
    const CommandResult r = run_nubayes("run " + (dir / "x.ini").string() + extra);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(line_count(r.output), 1) << r.output;
    EXPECT_NE(r.output.find("is an input of this run"), std::string::npos) << r.output;
    EXPECT_EQ(read_file(dir / "x.ini"), text);
  }
}

TEST(CliErrors, ConfigPathThatIsAFolder) {
  const auto dir = scratch_dir("config_folder");
  const CommandResult r = run_nubayes("run " + dir.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("is a folder, not a config file"), std::string::npos) << r.output;
}

// Inputs are checked against the sha256 in their MANIFEST.md: a truncated MiniBooNE ntuple (cut at
// a line boundary, so it still parses) and an edited gallium value are errors naming the file and
// both hashes, a loud warning with [data] allow_modified_inputs = true; the run file records the
// sha256 of every input that the likelihood read.
TEST(CliErrors, ModifiedInputsAreRefusedUnlessAllowed) {
  namespace fs = std::filesystem;
  const auto dir = scratch_dir("modified_inputs");
  fs::create_directories(dir / "inputs");
  for (const char* folder : {"miniboone", "gallium"})
    fs::copy(fs::path(NUBAYES_SOURCE_DIR) / "inputs" / folder, dir / "inputs" / folder, fs::copy_options::recursive);
  const std::string env = "NUBAYES_INPUTS=" + (dir / "inputs").string() + " ";
  const std::string eval = env + NUBAYES_BINARY " eval " NUBAYES_SOURCE_DIR "/inputs/examples/sterile3p1-all.ini "
                                 "--at dm2_41=1,Ue4_sq=0.01,Umu4_sq=0.01 --set data.experiments=";
  ASSERT_EQ(run_shell(eval + "miniboone-nu-2018,gallium").exit_code, 0);

  const auto ntuple = dir / "inputs/miniboone/2018/fhc/miniboone_numunuefullosc_ntuple.txt";
  ASSERT_EQ(run_shell("head -n 10000 " + ntuple.string() + " > " + dir.string() + "/cut && mv " + dir.string() + "/cut " + ntuple.string()).exit_code, 0);
  const CommandResult cut = run_shell(eval + "miniboone-nu-2018");
  EXPECT_EQ(cut.exit_code, 2) << cut.output;
  EXPECT_EQ(line_count(cut.output), 1) << cut.output;
  for (const char* needle : {"miniboone_numunuefullosc_ntuple.txt: modified input: sha256 ", "MANIFEST.md", "allow_modified_inputs"})
    EXPECT_NE(cut.output.find(needle), std::string::npos) << needle << " missing in " << cut.output;
  // Allowed, the cut file is still caught: by its reader's shape check.
  const CommandResult allowed_cut = run_shell(eval + "miniboone-nu-2018 --set data.allow_modified_inputs=true");
  EXPECT_EQ(allowed_cut.exit_code, 2) << allowed_cut.output;
  EXPECT_NE(allowed_cut.output.find("WARNING"), std::string::npos) << allowed_cut.output;
  EXPECT_NE(allowed_cut.output.find("miniboone_numunuefullosc_ntuple.txt: expected 17204 events, found "),
            std::string::npos)
      << allowed_cut.output;

  const auto gallium = dir / "inputs/gallium/gallium_ratios_transcribed.txt";
  std::string text = read_file(gallium);
  const auto digit = text.find_last_of("12345678"); // the last figure of the last row: still a valid file
  text[digit] = static_cast<char>(text[digit] + 1);
  write_file(gallium, text);
  const CommandResult edited = run_shell(eval + "gallium");
  EXPECT_EQ(edited.exit_code, 2) << edited.output;
  EXPECT_NE(edited.output.find("gallium_ratios_transcribed.txt: modified input"), std::string::npos) << edited.output;
  const CommandResult allowed = run_shell(eval + "gallium --set data.allow_modified_inputs=true");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("WARNING"), std::string::npos) << allowed.output;

  // A run records what it read.
  const auto ini = dir / "g.ini";
  write_file(ini, "[run]\noutput = " + (dir / "g.h5").string() + "\n[sampler]\nnlive = 20\ndlogz = 5\n[model]\nname = sterile3p1\n"
                  "[data]\nexperiments = gallium\nallow_modified_inputs = true\n[prior]\ndm2_41 = log-uniform 0.1 10\n"
                  "Ue4_sq = log-uniform 1e-3 0.1\nUmu4_sq = fixed 0\n");
  const CommandResult run = run_shell(env + NUBAYES_BINARY " run " + ini.string() + " --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string recorded = attribute(dir / "g.h5", "input_sha256");
  const std::string sha = run_shell("sha256sum " + gallium.string()).output.substr(0, 64);
  EXPECT_NE(recorded.find("inputs/gallium/gallium_ratios_transcribed.txt " + sha), std::string::npos) << recorded;
}
