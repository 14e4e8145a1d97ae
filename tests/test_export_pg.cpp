// nubayes export (GetDist and anesthetic files) and nubayes pg (parameter goodness-of-fit),
// driven like a user would.
#include "cli_helpers.h"

#include <cmath>
#include <gtest/gtest.h>
#include <vector>

using namespace nubayes::testing;

namespace {

const std::string python = "/usr/bin/python3";
const std::string anesthetic_reader = python + " " + NUBAYES_SOURCE_DIR + "/tests/anesthetic_reader.py";
const std::string getdist_reader = python + " " + NUBAYES_SOURCE_DIR + "/tests/getdist_reader.py";

std::vector<std::vector<double>> read_table(const std::filesystem::path& path) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::vector<double> row;
    for (std::string f; fields >> f;) row.push_back(f == "-inf" ? -INFINITY : std::stod(f));
    rows.push_back(row);
  }
  return rows;
}

/// A directory of its own per test: CTest runs tests in parallel, each in its own process.
std::filesystem::path test_dir(const std::string& suite) {
  return scratch_dir(suite + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

/// A finished gauss run for each export test.
class Export : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = test_dir("export");
    write_file(dir_ / "run.ini", "[run]\noutput = " + (dir_ / "run.h5").string() +
                                     "\nseed = 3\n[sampler]\nnlive = 50\n[model]\nname = gauss\nndim = 2\n");
    const CommandResult r = run_nubayes("run " + (dir_ / "run.ini").string() + " --quiet");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::filesystem::path dir_;
};

TEST_F(Export, GetDistAndAnestheticFiles) {
  const auto run = (dir_ / "run.h5").string();
  const CommandResult r = run_nubayes("export " + run + " --getdist " + (dir_ / "gd").string() + " --anesthetic " +
                                      (dir_ / "pc").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"gd.txt", "gd.paramnames", "gd.ranges", "gd.properties.ini", "pc_dead-birth.txt", "pc.paramnames"})
    EXPECT_TRUE(std::filesystem::exists(dir_ / f)) << f;
  // GetDist's reading (tests/getdist_reader.py): nested weights, so its effective sample size is
  // the weights' Kish size, the run's ESS.
  const CommandResult getdist = run_shell(getdist_reader + " " + (dir_ / "gd").string() + " " + run);
  EXPECT_EQ(getdist.exit_code, 0) << getdist.output;
  EXPECT_EQ(read_file(dir_ / "gd.properties.ini"),
            "# How GetDist should treat these samples (written by nubayes export)\nsampler = nested\n"
            "burn_removed = T\nlabel = gauss (gauss)\n");

  // Rows of /nested_sampling, and its weighted x1 mean from h5py for comparison.
  const CommandResult rows = run_shell(python + " -c \"import h5py,sys; print(len(h5py.File(sys.argv[1],'r')['nested_sampling/logl']))\" " + run);
  ASSERT_EQ(rows.exit_code, 0) << rows.output;
  const std::size_t nrows = std::stoul(rows.output);

  // GetDist: weight, -lnL, x1, x2 (gauss has no derived quantities); x1's weighted mean is 0.5.
  const auto gd = read_table(dir_ / "gd.txt");
  ASSERT_GT(gd.size(), 50u);
  EXPECT_LE(gd.size(), nrows);
  double sw = 0, sw2 = 0, m1 = 0, m2 = 0;
  for (const auto& row : gd) {
    ASSERT_EQ(row.size(), 4u);
    EXPECT_GT(row[0], 0);
    EXPECT_LE(row[0], 1.0);
    sw += row[0], sw2 += row[0] * row[0], m1 += row[0] * row[2], m2 += row[0] * row[2] * row[2];
  }
  const double mean = m1 / sw, sd = std::sqrt(m2 / sw - mean * mean), ess = sw * sw / sw2;
  EXPECT_NEAR(mean, 0.5, 5 * sd / std::sqrt(ess)) << "sd " << sd << " ess " << ess;
  EXPECT_NEAR(sd, 0.1, 0.03);

  EXPECT_EQ(read_file(dir_ / "gd.paramnames"), "x1  x1\nx2  x2\n");
  EXPECT_EQ(read_file(dir_ / "gd.ranges"), "x1  0  1\nx2  0  1\n");
  EXPECT_EQ(read_file(dir_ / "pc.paramnames"), read_file(dir_ / "gd.paramnames"));

  // PolyChord dead-birth: x1 x2 logL logL_birth for every row; the first points born at -inf.
  const auto pc = read_table(dir_ / "pc_dead-birth.txt");
  ASSERT_EQ(pc.size(), nrows);
  std::size_t initial = 0;
  for (const auto& row : pc) {
    ASSERT_EQ(row.size(), 4u);
    EXPECT_TRUE(row[3] < row[2] || std::isinf(row[3]));
    initial += std::isinf(row[3]);
  }
  EXPECT_GE(initial, 50u);

  // anesthetic's reading of the file (tests/anesthetic_reader.py) counts the run's own live points
  // at every death and so gets nubayes's ln Z.
  const CommandResult check = run_shell(anesthetic_reader + " " + (dir_ / "pc").string() + " " + run);
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

// Initial points outside the physical region (|Ue4|^2 + |Umu4|^2 > 1, about 40 % of this prior)
// have ln L = -inf. They are prior volume with L = 0: anesthetic, which drops rows at -inf, must
// still count their compression, or its ln Z rises by about the unphysical fraction.
TEST_F(Export, AnestheticCountsTheUnphysicalPriorVolume) {
  const auto run = (dir_ / "u.h5").string();
  write_file(dir_ / "u.ini", "[run]\noutput = " + run +
                                 "\nseed = 5\n[sampler]\nnlive = 100\n[model]\nname = sterile3p1\n"
                                 "[data]\nexperiments = gallium\n[prior]\ndm2_41 = log-uniform 0.1 10\n"
                                 "Ue4_sq = uniform 0 0.9\nUmu4_sq = uniform 0 0.9\n");
  const CommandResult r = run_nubayes("run " + (dir_ / "u.ini").string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto prefix = (dir_ / "u").string();
  const CommandResult e = run_nubayes("export " + run + " --anesthetic " + prefix);
  ASSERT_EQ(e.exit_code, 0) << e.output;
  const CommandResult check = run_shell(anesthetic_reader + " " + prefix + " " + run);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // The run has such points, enough that dropping them would move ln Z by well over its error.
  const auto at = check.output.find("unphysical ");
  ASSERT_NE(at, std::string::npos) << check.output;
  EXPECT_GE(std::stoi(check.output.substr(at + 11)), 20) << check.output;
  // No row reaches anesthetic as -inf (which it would drop).
  for (const auto& row : read_table(prefix + "_dead-birth.txt")) EXPECT_TRUE(std::isfinite(row[row.size() - 2]));
}

TEST_F(Export, DerivedNamesAndRangesForPriorKinds) {
  // sterile3p1 has derived quantities and takes any prior kind.
  write_file(dir_ / "s.ini", "[run]\noutput = " + (dir_ / "s.h5").string() +
                                 "\n[sampler]\nnlive = 50\n[model]\nname = sterile3p1\n[data]\nexperiments = gallium\n"
                                 "[prior]\ndm2_41 = log-uniform 0.1 10\nUe4_sq = uniform 0 0.3\nUmu4_sq = fixed 0.01\n");
  ASSERT_EQ(run_nubayes("run " + (dir_ / "s.ini").string() + " --quiet").exit_code, 0);
  const CommandResult r = run_nubayes("export " + (dir_ / "s.h5").string() + " --getdist " + (dir_ / "s").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Derived quantities get their physical bounds: GetDist's densities of sin^2 2theta stay in [0, 1].
  EXPECT_EQ(read_file(dir_ / "s.ranges"), "dm2_41  0.1  10\nUe4_sq  0  0.3\nUmu4_sq  0.01  0.01\n"
                                          "sin2_2theta_mue  0  1\nsin2_2theta_ee  0  1\nsin2_2theta_mumu  0  1\n"
                                          "log10_dm2_41  -1  1\n");
  const CommandResult getdist = run_shell(getdist_reader + " " + (dir_ / "s").string() + " " + (dir_ / "s.h5").string());
  EXPECT_EQ(getdist.exit_code, 0) << getdist.output;
  const std::string names = read_file(dir_ / "s.paramnames");
  EXPECT_EQ(names.rfind("dm2_41  ", 0), 0u) << names;
  EXPECT_NE(names.find("*  "), std::string::npos) << "derived names end with *: " << names;
  // A log-uniform parameter also comes as log10, the scale to plot it on.
  EXPECT_NE(names.find("\nlog10_dm2_41*  \\log_{10} dm2_41\n"), std::string::npos) << names;
  const auto gd = read_table(dir_ / "s.txt");
  ASSERT_FALSE(gd.empty());
  EXPECT_EQ(gd.front().size(), 2 + static_cast<std::size_t>(line_count(names)));
}

// An MCMC run: one GetDist chain per file, PREFIX_1.txt to PREFIX_4.txt, so GetDist compares the
// chains (its R-1) instead of taking them as one; no PREFIX.txt, which it would read as a fifth.
TEST_F(Export, McmcChainsOneFilePerChain) {
  const auto run = (dir_ / "m.h5").string();
  write_file(dir_ / "m.ini", "[run]\noutput = " + run +
                                 "\nseed = 7\n[sampler]\nkind = mcmc\nalgorithm = adaptive-metropolis\nnchains = 4\n"
                                 "burn = 500\nmax_steps = 3000\n[model]\nname = gauss\nndim = 2\n");
  const CommandResult r = run_nubayes("run " + (dir_ / "m.ini").string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto prefix = (dir_ / "m").string();
  const CommandResult e = run_nubayes("export " + run + " --getdist " + prefix);
  ASSERT_EQ(e.exit_code, 0) << e.output;
  for (const char* f : {"m_1.txt", "m_2.txt", "m_3.txt", "m_4.txt"}) EXPECT_TRUE(std::filesystem::exists(dir_ / f)) << f;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "m.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "m_5.txt"));
  // GetDist's reading: four chains, each the run's own chain draw for draw, mixed well enough
  // for R-1 to be small.
  const CommandResult check = run_shell(getdist_reader + " " + prefix + " " + run);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output.rfind("ok chains 4 ", 0), 0u) << check.output;

  // Chain files of another export at the prefix would be read as chains of this run: refused.
  write_file(dir_ / "m.txt", "1 0 0.5 0.5\n");
  const CommandResult stale = run_nubayes("export " + run + " --getdist " + prefix);
  EXPECT_EQ(stale.exit_code, 2) << stale.output;
  EXPECT_NE(stale.output.find("m.txt exists"), std::string::npos) << stale.output;
  const CommandResult nested = run_nubayes("export " + (dir_ / "run.h5").string() + " --getdist " + prefix);
  EXPECT_EQ(nested.exit_code, 2) << nested.output;
  EXPECT_NE(nested.output.find("m_1.txt exists"), std::string::npos) << nested.output;
}

TEST_F(Export, RefusesBadInput) {
  const CommandResult missing = run_nubayes("export " + (dir_ / "nope.h5").string() + " --getdist " + (dir_ / "x").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_EQ(line_count(missing.output), 1) << missing.output;
  write_file(dir_ / "junk.h5", "not hdf5");
  EXPECT_EQ(run_nubayes("export " + (dir_ / "junk.h5").string() + " --getdist " + (dir_ / "x").string()).exit_code, 2);
  EXPECT_EQ(run_nubayes("export " + (dir_ / "run.h5").string()).exit_code, 2); // no format asked for
  // An interrupted run (status "running"): copy the file and flip the attribute.
  const auto running = (dir_ / "running.h5").string();
  std::filesystem::copy_file(dir_ / "run.h5", running, std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(run_shell(python + " -c \"import h5py,sys; h5py.File(sys.argv[1],'r+').attrs['status']='running'\" " + running).exit_code, 0);
  const CommandResult incomplete = run_nubayes("export " + running + " --getdist " + (dir_ / "x").string());
  EXPECT_EQ(incomplete.exit_code, 2);
  EXPECT_NE(incomplete.output.find("not complete"), std::string::npos) << incomplete.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.txt"));
}

/// Three fast 3+1 runs: A = MiniBooNE ν 2018, B = gallium, AB = both.
class Pg : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = test_dir("pg");
    for (const auto& [name, experiments] : {std::pair{"a", "miniboone-nu-2018"}, {"b", "gallium"},
                                            {"ab", "miniboone-nu-2018, gallium"}, {"other", "danss"}}) {
      const auto ini = dir_ / (std::string(name) + ".ini");
      write_file(ini, "[run]\noutput = " + (dir_ / (std::string(name) + ".h5")).string() +
                          "\nseed = 1\n[sampler]\nnlive = 100\n[model]\nname = sterile3p1\n[data]\nexperiments = " +
                          experiments +
                          "\n[prior]\ndm2_41 = log-uniform 0.01 100\nUe4_sq = log-uniform 1e-4 0.5\nUmu4_sq = log-uniform 1e-4 0.5\n");
      const CommandResult r = run_nubayes("run " + ini.string() + " --quiet");
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  std::string runs(const std::string& ab = "ab") const {
    return "--a " + (dir_ / "a.h5").string() + " --b " + (dir_ / "b.h5").string() + " --ab " + (dir_ / (ab + ".h5")).string();
  }
  std::filesystem::path dir_;
};

TEST_F(Pg, JsonStatisticIsConsistent) {
  const CommandResult r = run_nubayes("pg " + runs() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  write_file(dir_ / "pg.json", r.output);
  // Checked in Python so the JSON is parsed by a real parser.
  const std::string check =
      "import json,sys\n"
      "d=json.load(open(sys.argv[1]))\n"
      "R=d['runs']\n"
      "for k in ('a','b','ab'):\n"
      "    assert R[k]['chi2_min'] <= R[k]['chi2_min_raw'] + 1e-9, k\n"
      "    assert R[k]['polish_calls'] > 0, k\n"
      "assert abs(d['chi2_pg'] - (R['ab']['chi2_min'] - R['a']['chi2_min'] - R['b']['chi2_min'])) < 1e-6\n"
      "assert d['chi2_pg'] >= 0, d['chi2_pg']\n"
      "assert d['chi2_pg_raw'] >= -1.0, d['chi2_pg_raw']\n"
      "assert d['dof'] == 3 and d['shared_parameters'] == ['dm2_41','Ue4_sq','Umu4_sq'], d\n"
      "assert 0 <= d['p_value'] <= 1 and d['sigma'] >= 0\n"
      "assert any(R[k]['chi2_min'] < R[k]['chi2_min_raw'] - 1e-6 for k in R), 'polish improved nothing'\n"
      // The polished best fits are real points: nubayes eval gives the same -2 ln L there.
      "import subprocess\n"
      "for k in ('a','b','ab'):\n"
      "    at = ','.join(f'{n}={v!r}' for n, v in R[k]['best_fit'].items())\n"
      "    e = json.loads(subprocess.run([sys.argv[2], 'eval', sys.argv[3] + '/' + k + '.ini', '--at', at, '--json'],\n"
      "                                  capture_output=True, text=True, check=True).stdout)\n"
      "    assert abs(-2 * e['loglike'] - R[k]['chi2_min']) < 1e-6, (k, e['loglike'], R[k]['chi2_min'])\n"
      "print('ok', round(d['chi2_pg'], 2), d['p_value'])\n";
  write_file(dir_ / "check.py", check);
  const CommandResult parsed = run_shell(python + " " + (dir_ / "check.py").string() + " " + (dir_ / "pg.json").string() +
                                         " " + NUBAYES_BINARY + " " + dir_.string());
  EXPECT_EQ(parsed.output.substr(0, 3), "ok ") << parsed.output << "\n" << r.output;
}

TEST_F(Pg, TextOutputAndDofOverride) {
  const CommandResult r = run_nubayes("pg " + runs() + " --dof 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"chi2_PG = ", "dof     = 2", "p-value = ", "sigma"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s << " missing in " << r.output;
  EXPECT_EQ(run_nubayes("pg " + runs() + " --dof 0").exit_code, 2);
  EXPECT_EQ(run_nubayes("pg " + runs() + " --dof two").exit_code, 2);
  // Without polishing the statistic comes from the recorded points alone.
  const CommandResult raw = run_nubayes("pg " + runs() + " --no-polish --json");
  ASSERT_EQ(raw.exit_code, 0) << raw.output;
  EXPECT_NE(raw.output.find("\"polished\": false"), std::string::npos) << raw.output;
}

TEST_F(Pg, RefusesMismatchedData) {
  const CommandResult r = run_nubayes("pg " + runs("other"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("not the union"), std::string::npos) << r.output;
  EXPECT_EQ(run_nubayes("pg " + runs("other") + " --force --no-polish").exit_code, 0);
  // A and B on the same data.
  const CommandResult same = run_nubayes("pg --a " + (dir_ / "a.h5").string() + " --b " + (dir_ / "a.h5").string() +
                                         " --ab " + (dir_ / "a.h5").string());
  EXPECT_EQ(same.exit_code, 2) << same.output;
  EXPECT_EQ(run_nubayes("pg --a " + (dir_ / "a.h5").string()).exit_code, 2);
  const CommandResult missing = run_nubayes("pg --a " + (dir_ / "a.h5").string() + " --b " + (dir_ / "b.h5").string() +
                                            " --ab " + (dir_ / "missing.h5").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_EQ(line_count(missing.output), 1) << missing.output;
}

} // namespace
