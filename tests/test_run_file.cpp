// Tests of the run file: SWMR writing and reading, resume after truncation or SIGKILL, finalize,
// and that the finalized file opens in xarray as netCDF-4.
#include "h5_handles.h"
#include "run_file.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef NUBAYES_SOURCE_DIR
#define NUBAYES_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using namespace nubayes;

namespace {

RunFileLayout test_layout() {
  RunFileLayout layout;
  layout.variables = {{"a", "\\alpha", "eV", "uniform 0 1", false},
                      {"b", "b_{2}", "", "gaussian 0 1", false},
                      {"c", "c", "m", "", true}};
  layout.terms = {"cmb", "bao"};
  return layout;
}

RunAttributes test_attributes() {
  RunAttributes a;
  a.sampler = "nested";
  a.model = "toy";
  a.datasets = "cmb,bao";
  a.git_commit = "abc123";
  a.config = std::string(5000, 'x') + "\n[prior]\na = uniform 0 1\n";
  a.seed = 42;
  a.mpi_size = 3;
  return a;
}

// Every column value is a function of the row index, so any row can be checked anywhere.
double value_at(std::size_t row, std::size_t column) {
  return row * 1.5 + column * 0.25 - 7.0;
}
double term_at(std::size_t row, std::size_t term) {
  return -0.5 * row - term;
}
std::int64_t nlive_at(std::size_t row) {
  return 500 - static_cast<std::int64_t>(row % 3);
}
std::int64_t rank_at(std::size_t row) {
  return static_cast<std::int64_t>(row % 5) - 1;
}

SampleRows make_rows(std::size_t first, std::size_t n) {
  const RunFileLayout layout = test_layout();
  SampleRows r;
  r.n = n;
  for (std::size_t row = first; row < first + n; ++row) {
    for (std::size_t c = 0; c < layout.variables.size(); ++c)
      r.values.push_back(value_at(row, c));
    for (std::size_t t = 0; t < layout.terms.size(); ++t)
      r.terms.push_back(term_at(row, t));
    r.logl.push_back(term_at(row, 0) + term_at(row, 1));
    r.logl_birth.push_back(-1e30 + row);
    r.logprior.push_back(-2.0 - 0.001 * row);
    r.logwt.push_back(-10.0 + 0.01 * row);
    r.nlive.push_back(nlive_at(row));
    r.insertion_rank.push_back(rank_at(row));
  }
  return r;
}

/// The first `n` rows of `contents` are those of make_rows(0, n).
void expect_rows(const RunFileContents& contents, std::size_t n) {
  const SampleRows want = make_rows(0, n);
  ASSERT_GE(contents.rows, n);
  auto column = [&](const std::string& name) {
    const auto it = contents.columns.find(name);
    EXPECT_NE(it, contents.columns.end()) << name;
    return it == contents.columns.end() ? std::vector<double>(n) : it->second;
  };
  const std::vector<double> a = column("a"), c = column("c"), bao = column("loglike_bao"),
                            logl = column("logl"), logl_birth = column("logl_birth"),
                            logprior = column("logprior"), logwt = column("logwt"),
                            nlive = column("nlive"), rank = column("insertion_rank");
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(a[i], value_at(i, 0)) << "row " << i;
    ASSERT_EQ(c[i], value_at(i, 2)) << "row " << i;
    ASSERT_EQ(bao[i], term_at(i, 1)) << "row " << i;
    ASSERT_EQ(logl[i], want.logl[i]) << "row " << i;
    ASSERT_EQ(logl_birth[i], want.logl_birth[i]) << "row " << i;
    ASSERT_EQ(logprior[i], want.logprior[i]) << "row " << i;
    ASSERT_EQ(logwt[i], want.logwt[i]) << "row " << i;
    ASSERT_EQ(nlive[i], static_cast<double>(nlive_at(i))) << "row " << i;
    ASSERT_EQ(rank[i], static_cast<double>(rank_at(i))) << "row " << i;
  }
}

/// A [chain, draw] dataset of a finalized file, read with plain HDF5.
std::vector<double> read_draws(const std::string& path, const std::string& name) {
  h5::File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  h5::Dataset dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  h5::Dataspace space(H5Dget_space(dataset));
  hsize_t dims[2] = {0, 0};
  EXPECT_EQ(H5Sget_simple_extent_dims(space, dims, nullptr), 2) << name;
  EXPECT_EQ(dims[0], 1u) << name;
  std::vector<double> values(dims[1]);
  if (!values.empty()) {
    EXPECT_GE(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  }
  return values;
}

/// Runs `body` in a forked child and returns its exit status (a separate process is a real SWMR
/// reader, and can be killed or resource-limited without harming the test process).
template <typename Body> int in_child(Body body) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (...) {
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool has_tmp_files(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().string().find(".tmp") != std::string::npos) return true;
  return false;
}

class RunFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nubayes_run_file_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  /// A clean (closed) run file with `rows` rows of make_rows.
  std::string make_file(const std::string& name, std::size_t rows) const {
    RunFile run = RunFile::create(file(name), test_layout(), test_attributes());
    run.append(make_rows(0, rows));
    run.flush();
    return file(name);
  }

  fs::path dir_;
};

TEST_F(RunFileTest, ReadableWhileBeingWritten) {
  const std::string path = file("run.h5");
  RunFile run = RunFile::create(path, test_layout(), test_attributes());
  std::size_t rows = 0;
  for (std::size_t block : {5u, 1030u, 1u, 64u}) { // crosses a 1024-row chunk boundary
    run.append(make_rows(rows, block));
    rows += block;
  }
  run.flush();
  EXPECT_EQ(run.rows(), rows);
  EXPECT_EQ(run.read_column("nlive")[1033], static_cast<double>(nlive_at(1033)));
  EXPECT_EQ(run.read_column("loglike_cmb")[7], term_at(7, 0));
  EXPECT_THROW(run.read_column("nonexistent"), std::invalid_argument);
  EXPECT_THROW(run.append(SampleRows{2, {1.0}, {}, {}, {}, {}, {}, {}, {}}), std::invalid_argument);

  const RunFileContents c = read_run_file(path);
  EXPECT_EQ(c.rows, rows);
  expect_rows(c, rows);
  EXPECT_EQ(c.columns.size(), 3u + 2u + 6u);
  EXPECT_EQ(c.string_attributes.at("schema"), "nubayes-run");
  EXPECT_EQ(c.string_attributes.at("status"), "running");
  EXPECT_EQ(c.string_attributes.at("creation_library"), "nubayes");
  EXPECT_EQ(c.string_attributes.at("config"), test_attributes().config);
  EXPECT_EQ(c.string_attributes.at("datasets"), "cmb,bao");
  EXPECT_EQ(c.string_attributes.at("logz_method"), "");
  EXPECT_EQ(c.number_attributes.at("schema_version"), 1.0);
  EXPECT_EQ(c.number_attributes.at("seed"), 42.0);
  EXPECT_EQ(c.number_attributes.at("mpi_size"), 3.0);
  EXPECT_EQ(c.number_attributes.at("nlike"), 0.0);
  EXPECT_TRUE(std::isnan(c.number_attributes.at("logz")));
  ASSERT_EQ(c.variables.size(), 3u);
  EXPECT_EQ(c.variables[0].name, "a");
  EXPECT_EQ(c.variables[0].latex, "\\alpha");
  EXPECT_EQ(c.variables[0].units, "eV");
  EXPECT_EQ(c.variables[1].prior, "gaussian 0 1");
  EXPECT_TRUE(c.variables[2].is_derived);
  EXPECT_FALSE(c.variables[0].is_derived);
  EXPECT_EQ(c.terms, (std::vector<std::string>{"cmb", "bao"}));

  // A separate process reads through SWMR while this one still has the file open for writing.
  const int child = in_child([&] {
    const RunFileContents seen = read_run_file(path);
    return seen.rows == rows && seen.columns.at("a").at(1035) == value_at(1035, 0) ? 0 : 2;
  });
  EXPECT_EQ(child, 0);

  run.append(make_rows(rows, 3));
  run.flush();
  EXPECT_EQ(read_run_file(path).rows, rows + 3);
}

TEST_F(RunFileTest, ReopenTruncatesAndFinalizeWritesPosterior) {
  const std::string path = make_file("run.h5", 50);
  {
    RunFile run = RunFile::reopen(path, 30);
    EXPECT_EQ(run.rows(), 30u);
    EXPECT_EQ(read_run_file(path).rows, 30u);
    run.append(make_rows(30, 25));
    run.flush();
    EXPECT_EQ(run.rows(), 55u);

    FinalResults results;
    results.logz = -12.5;
    results.logz_err = 0.25;
    results.information = 3.0;
    results.nlike = 123456;
    results.posterior_rows = {3, 54, 3, 40, 0};
    results.extra_numbers["ess"] = 17.5;
    results.extra_strings["note"] = "finished";
    run.finalize(results);
    EXPECT_THROW(run.append(make_rows(55, 1)), std::logic_error);
    EXPECT_EQ(run.path(), path);
  }
  EXPECT_FALSE(has_tmp_files(dir_));

  const RunFileContents c = read_run_file(path);
  EXPECT_EQ(c.rows, 55u);
  expect_rows(c, 55);
  EXPECT_EQ(c.string_attributes.at("status"), "complete");
  EXPECT_EQ(c.string_attributes.at("logz_method"), "nested_sampling");
  EXPECT_EQ(c.string_attributes.at("note"), "finished");
  EXPECT_EQ(c.number_attributes.at("logz"), -12.5);
  EXPECT_EQ(c.number_attributes.at("logz_err"), 0.25);
  EXPECT_EQ(c.number_attributes.at("information"), 3.0);
  EXPECT_EQ(c.number_attributes.at("nlike"), 123456.0);
  EXPECT_EQ(c.number_attributes.at("ess"), 17.5);

  const std::vector<std::size_t> rows = {3, 54, 3, 40, 0};
  const std::vector<double> a = read_draws(path, "/posterior/a");
  const std::vector<double> bao = read_draws(path, "/log_likelihood/bao");
  const std::vector<double> lp = read_draws(path, "/sample_stats/lp");
  const SampleRows all = make_rows(0, 55);
  ASSERT_EQ(a.size(), rows.size());
  ASSERT_EQ(bao.size(), rows.size());
  ASSERT_EQ(lp.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(a[i], value_at(rows[i], 0));
    EXPECT_EQ(bao[i], term_at(rows[i], 1));
    EXPECT_EQ(lp[i], all.logl[rows[i]] + all.logprior[rows[i]]);
  }
}

TEST_F(RunFileTest, ReopenRefusesMissingRows) {
  const std::string path = make_file("run.h5", 10);
  EXPECT_THROW(RunFile::reopen(path, 11), std::runtime_error);
  EXPECT_EQ(read_run_file(path).rows, 10u); // nothing was changed
  EXPECT_EQ(RunFile::reopen(path, 10).rows(), 10u);
}

TEST_F(RunFileTest, FailedFinalizeLeavesTheRunningFile) {
  const std::string path = make_file("run.h5", 10);
  RunFile run = RunFile::reopen(path, 10);
  FinalResults results;
  results.posterior_rows = {1, 10}; // row 10 does not exist
  try {
    run.finalize(results);
    FAIL() << "finalize accepted a row beyond the file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("posterior row 10"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(has_tmp_files(dir_));
  const RunFileContents c = read_run_file(path);
  EXPECT_EQ(c.string_attributes.at("status"), "running");
  expect_rows(c, 10);
}

TEST_F(RunFileTest, ReadRejectsOtherFiles) {
  auto error_of = [](const std::string& path) {
    try {
      read_run_file(path);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string missing = file("missing.h5");
  EXPECT_EQ(error_of(missing), missing + ": not a nubayes run file (no such file)");

  const std::string garbage = file("garbage.h5");
  std::ofstream(garbage) << "this is not HDF5\n";
  EXPECT_EQ(error_of(garbage), garbage + ": not a nubayes run file (not an HDF5 file)");
  EXPECT_THROW(RunFile::reopen(garbage, 0), std::runtime_error);

  const std::string other = file("other.h5");
  H5Fclose(H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  EXPECT_EQ(error_of(other), other + ": not a nubayes run file (no schema attribute)");
}

TEST_F(RunFileTest, CrashedNonSwmrWriterIsReported) {
  // A writer killed before it switched to SWMR leaves "open for writing" flags that only h5clear
  // (or a resume) clears; the reader must say so.
  const std::string path = file("run.h5");
  const int child = in_child([&] {
    h5::File f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, h5::latest_format_fapl(path)));
    h5::write_attribute(f, "schema", std::string("nubayes-run"), path);
    H5Fflush(f, H5F_SCOPE_GLOBAL);
    raise(SIGKILL);
    return 0;
  });
  ASSERT_EQ(child, 128 + SIGKILL);
  try {
    read_run_file(path);
    FAIL() << "read a file with its status flags set";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("h5clear -s -i " + path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
}

TEST_F(RunFileTest, ResumeExplainsAMissingH5clear) {
  const std::string path = file("run.h5");
  const int writer = in_child([&] {
    RunFile run = RunFile::create(path, test_layout(), test_attributes());
    run.append(make_rows(0, 5));
    run.flush();
    raise(SIGKILL);
    return 0;
  });
  ASSERT_EQ(writer, 128 + SIGKILL);
  const int resumer = in_child([&] { // in a child: PATH changes only there
    setenv("PATH", "/nonexistent", 1);
    try {
      RunFile::reopen(path, 5);
    } catch (const std::runtime_error& e) {
      return std::string(e.what()).find("install hdf5-tools") != std::string::npos ? 0 : 2;
    }
    return 3;
  });
  EXPECT_EQ(resumer, 0);
  EXPECT_EQ(RunFile::reopen(path, 5).rows(), 5u); // with h5clear on PATH
}

TEST_F(RunFileTest, WriteErrorsNameTheFile) {
  // RLIMIT_FSIZE makes writes past 256 KiB fail with EFBIG, like a full disk.
  const std::string path = file("run.h5");
  const std::string message_file = file("message.txt");
  const int child = in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{256 * 1024, 256 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      RunFile run = RunFile::create(path, test_layout(), test_attributes());
      for (std::size_t rows = 0; rows < 1000000; rows += 500) {
        run.append(make_rows(rows, 500));
        run.flush();
      }
    } catch (const std::runtime_error& e) {
      std::ofstream(message_file) << e.what();
      return 0; // the RunFile destructor ran without throwing
    }
    return 3;
  });
  ASSERT_EQ(child, 0);
  std::stringstream message;
  message << std::ifstream(message_file).rdbuf();
  EXPECT_EQ(message.str().rfind(path + ": HDF5 error while ", 0), 0u) << message.str();
}

TEST_F(RunFileTest, SurvivesSigkill) {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> delay_ms(5, 300);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int checked = 0;
  std::uint64_t largest = 0;
  for (int iteration = 0; iteration < 20 && std::chrono::steady_clock::now() < deadline;
       ++iteration) {
    const std::string path = file("crash" + std::to_string(iteration) + ".h5");
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) { // writer: reports the committed row count after every flush
      close(fds[0]);
      try {
        RunFile run = RunFile::create(path, test_layout(), test_attributes());
        for (std::uint64_t rows = 0;; rows += 37) {
          if (rows > 0) run.append(make_rows(rows - 37, 37));
          run.flush();
          if (write(fds[1], &rows, sizeof rows) != sizeof rows) _exit(1);
        }
      } catch (...) {
      }
      _exit(1);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    std::uint64_t committed = 0, reported = 0;
    bool any = false;
    while (read(fds[0], &reported, sizeof reported) == sizeof reported) {
      committed = reported;
      any = true;
    }
    close(fds[0]);
    if (!any) continue; // killed before the first flush: no checkpoint would exist either

    SCOPED_TRACE("iteration " + std::to_string(iteration) + ", committed " +
                 std::to_string(committed));
    expect_rows(read_run_file(path), committed); // SWMR readers need no repair
    {
      RunFile run = RunFile::reopen(path, committed);
      EXPECT_EQ(run.rows(), committed);
      run.append(make_rows(committed, 11));
      run.flush();
    }
    const RunFileContents c = read_run_file(path);
    EXPECT_EQ(c.rows, committed + 11);
    expect_rows(c, committed + 11);
    ++checked;
    largest = std::max<std::uint64_t>(largest, committed);
  }
  std::printf("SurvivesSigkill: %d kills after the first flush, up to %llu committed rows\n",
              checked, static_cast<unsigned long long>(largest));
  EXPECT_GE(checked, 10);
}

/// JSON array of doubles, exact to the last bit.
std::string json_array(const std::vector<double>& values) {
  std::ostringstream out;
  out.precision(17);
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i)
    out << (i ? "," : "") << values[i];
  return out.str() + ']';
}

TEST_F(RunFileTest, FinalizedFileOpensInXarray) {
  if (std::system("/usr/bin/python3 -c 'import xarray, h5netcdf' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with xarray and h5netcdf is not available";
  const std::string path = make_file("run.h5", 20);
  const std::vector<std::size_t> rows = {19, 2, 2, 7};
  {
    RunFile run = RunFile::reopen(path, 20);
    FinalResults results;
    results.logz = -3.5;
    results.nlike = 99;
    results.posterior_rows = rows;
    run.finalize(results);
  }
  const SampleRows all = make_rows(0, 20);
  auto pick = [&](auto value) {
    std::vector<double> out;
    for (std::size_t row : rows)
      out.push_back(value(row));
    return json_array(out);
  };
  std::ofstream(file("expected.json"))
      << R"({"rows": 20, "attrs": {"status": "complete", "logz": -3.5, "nlike": 99, "seed": 42},)"
      << R"("groups": {"posterior": {"a": )" << pick([](auto r) { return value_at(r, 0); })
      << R"(, "b": )" << pick([](auto r) { return value_at(r, 1); }) << R"(, "c": )"
      << pick([](auto r) { return value_at(r, 2); }) << R"(}, "sample_stats": {"loglike": )"
      << pick([&](auto r) { return all.logl[r]; }) << R"(, "logprior": )"
      << pick([&](auto r) { return all.logprior[r]; }) << R"(, "lp": )"
      << pick([&](auto r) { return all.logl[r] + all.logprior[r]; })
      << R"(}, "log_likelihood": {"cmb": )" << pick([](auto r) { return term_at(r, 0); })
      << R"(, "bao": )" << pick([](auto r) { return term_at(r, 1); }) << "}},"
      << R"("variable_attrs": {"a": {"latex": "\\alpha", "units": "eV", "is_derived": 0},)"
      << R"("c": {"prior": "", "is_derived": 1}}})";
  const std::string command = std::string("/usr/bin/python3 ") + NUBAYES_SOURCE_DIR +
                              "/tests/check_run_file_xarray.py " + path + " " +
                              file("expected.json");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

} // namespace
