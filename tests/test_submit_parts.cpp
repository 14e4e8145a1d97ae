// The pure pieces of `nubayes submit`: SLURM time limits, shell quoting, template filling and
// the grid file. The jobs themselves are tested against a real SLURM in tests/slurm/.
#include "batch_script.h"
#include "config.h"
#include "job_grid.h"
#include "job_templates.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdexcept>

namespace fs = std::filesystem;
using namespace nubayes;

TEST(TimeLimit, AcceptsHoursMinutesSecondsAndDays) {
  EXPECT_EQ(parse_time_limit("00:01:00"), 60);
  EXPECT_EQ(parse_time_limit("12:00:00"), 43200);
  EXPECT_EQ(parse_time_limit("100:00:00"), 360000);
  EXPECT_EQ(parse_time_limit("2-01:00:30"), 2 * 86400 + 3600 + 30);
}

TEST(TimeLimit, RefusesEverythingElse) {
  for (const char* bad : {"", "60", "1:00", "00:60:00", "00:00:60", "00:00:00", "1-24:00:00",
                          "-01:00:00", "01:00:00 ", "aa:bb:cc", "1:2:3"})
    EXPECT_FALSE(parse_time_limit(bad)) << "'" << bad << "'";
}

TEST(ShellQuote, LeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("/a/b-c_d.ini"), "/a/b-c_d.ini");
  EXPECT_EQ(shell_quote("model.ndim=3"), "model.ndim=3");
  EXPECT_EQ(shell_quote("prior.x=uniform 0 1"), "'prior.x=uniform 0 1'");
  EXPECT_EQ(shell_quote("it's $HOME"), "'it'\\''s $HOME'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_join({"a b", "c"}), "'a b' c");
}

TEST(FillTemplate, ReplacesEveryPlaceholderOnce) {
  EXPECT_EQ(fill_template("--signal=B:USR1@@MARGIN@ \"${args[@]}\" @NAME@",
                          {{"MARGIN", "60"}, {"NAME", "x@Y@"}}),
            "--signal=B:USR1@60 \"${args[@]}\" x@Y@");
}

TEST(FillTemplate, RefusesMissingAndUnusedValues) {
  EXPECT_THROW(fill_template("@A@ @B@", {{"A", "1"}}), std::logic_error);
  EXPECT_THROW(fill_template("@A@", {{"A", "1"}, {"C", "2"}}), std::logic_error);
}

// The compiled-in templates and the values `nubayes submit` fills in must stay in step.
TEST(FillTemplate, CompiledTemplatesHaveTheirPlaceholders) {
  const std::string run = run_job_template(), compare = compare_job_template();
  for (const char* key :
       {"@JOB_NAME@", "@RANKS@", "@TIME@", "@SIGNAL_MARGIN@", "@LOG_FILE@", "@EXTRA_SBATCH@",
        "@NUBAYES@", "@MAX_RESTARTS@", "@WORKDIR@", "@RUN_TABLE@", "@LAUNCHER@"})
    EXPECT_NE(run.find(key), std::string::npos) << key;
  for (const char* key : {"@JOB_NAME@", "@JOB_DIR@", "@TIME@", "@LOG_FILE@", "@EXTRA_SBATCH@",
                          "@NUBAYES@", "@PYTHON@", "@POSTPROCESS_DIR@", "@STEPS@"})
    EXPECT_NE(compare.find(key), std::string::npos) << key;
  EXPECT_TRUE(fs::is_regular_file(fs::path(postprocess_dir()) / "corner.py"));
}

class Grid : public ::testing::Test {
protected:
  fs::path dir;
  void SetUp() override {
    char pattern[] = "/tmp/nubayes_test_grid.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
    std::ofstream(dir / "base.ini") << "[model]\nname = gauss\n";
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string write(const std::string& text) {
    std::ofstream(dir / "grid.txt") << text;
    return (dir / "grid.txt").string();
  }
  /// The ConfigError message of reading the grid, or "" if it was accepted.
  std::string error_of(const std::string& text) {
    try {
      read_grid(write(text));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(Grid, ModelsTimesDataSetsInOrder) {
  const auto cells =
      read_grid(write("# header\n"
                      "model a model.ndim=2   # comment\n"
                      "\n"
                      "model b base.ini prior.x1=\"uniform 0 1\" 'prior.x2=uniform 0 2'\n"
                      "data d1 model.sigma=0.1\n"
                      "data d2\n"));
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[0].name, "a-d1");
  EXPECT_EQ(cells[1].name, "a-d2");
  EXPECT_EQ(cells[2].name, "b-d1");
  EXPECT_EQ(cells[3].name, "b-d2");
  EXPECT_EQ(cells[0].overrides, (std::vector<std::string>{"model.ndim=2", "model.sigma=0.1"}));
  EXPECT_EQ(cells[0].config, "");
  EXPECT_EQ(cells[2].config, (dir / "base.ini").string());
  EXPECT_EQ(cells[2].overrides,
            (std::vector<std::string>{"prior.x1=uniform 0 1", "prior.x2=uniform 0 2",
                                      "model.sigma=0.1"}));
  EXPECT_EQ(cells[3].data_name, "d2");
}

TEST_F(Grid, ModelsAloneWithoutDataLines) {
  const auto cells = read_grid(write("model a\nmodel b model.ndim=3\n"));
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[1].name, "b");
  EXPECT_EQ(cells[1].data_name, "");
}

TEST_F(Grid, MistakesNameTheLine) {
  EXPECT_NE(error_of("model a\nmodle b\n").find("grid.txt:2: expected 'model NAME ...'"),
            std::string::npos);
  EXPECT_NE(error_of("model\n").find("grid.txt:1: model line without a name"), std::string::npos);
  EXPECT_NE(error_of("model a/b\n").find("grid.txt:1: name 'a/b'"), std::string::npos);
  EXPECT_NE(error_of("model a\nmodel a\n").find("grid.txt:2: model 'a' is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of("model a missing.ini\n").find("config file 'missing.ini' not found"),
            std::string::npos);
  EXPECT_NE(error_of("model a base.ini other.ini\n").find("'other.ini' is not section.key=value"),
            std::string::npos);
  EXPECT_NE(error_of("model a\ndata d base.ini\n").find("'base.ini' is not section.key=value"),
            std::string::npos);
  EXPECT_NE(error_of("model a \"x.y=1\n").find("unclosed quote"), std::string::npos);
  EXPECT_NE(error_of("data d x.y=1\n").find("no 'model NAME ...' line"), std::string::npos);
  EXPECT_NE(error_of("model a-b\nmodel a\ndata b\ndata b-b\n").find("both be named 'a-b-b'"),
            std::string::npos);
}
