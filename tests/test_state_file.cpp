// Tests of the checkpoint state file: round trip of every type, atomic replacement, errors.
#include "state_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nubayes;

namespace {

class StateFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("nubayes_state_file_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  /// Only the files named, no leftover temporaries.
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string load_error(const std::string& path) const {
    try {
      StateFile::load(path);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
};

TEST_F(StateFileTest, RoundTripsEveryType) {
  const std::vector<double> doubles = {1.5, -0.0, std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN(), 1e-310};
  const std::vector<std::int64_t> int64s = {std::numeric_limits<std::int64_t>::min(), -1, 0,
                                            std::numeric_limits<std::int64_t>::max()};
  const std::vector<std::uint64_t> uint64s = {0, 1, std::numeric_limits<std::uint64_t>::max()};
  std::string long_text;
  for (int i = 0; i < 100000; ++i)
    long_text += "line " + std::to_string(i) + " \xc3\xa9\n";

  StateFile state;
  state.put("live/theta", doubles);
  state.put("counters", int64s);
  state.put("rng", uint64s);
  state.put("empty_d", std::span<const double>());
  state.put("empty_i", std::span<const std::int64_t>());
  state.put("empty_u", std::span<const std::uint64_t>());
  state.put_string("config", long_text);
  state.put_string("empty_s", "");
  state.put_string("100%/odd.", "x");
  state.put_string(".", "dot");
  const std::string path = file("state.h5");
  state.save_atomic(path);
  EXPECT_EQ(listing(), std::vector<std::string>{"state.h5"});

  const StateFile loaded = StateFile::load(path);
  const std::vector<double>& d = loaded.doubles("live/theta");
  ASSERT_EQ(d.size(), doubles.size());
  EXPECT_EQ(d[0], 1.5);
  EXPECT_TRUE(std::signbit(d[1]));
  EXPECT_TRUE(std::isinf(d[2]));
  EXPECT_TRUE(std::isnan(d[3]));
  EXPECT_EQ(d[4], 1e-310);
  EXPECT_EQ(loaded.int64s("counters"), int64s);
  EXPECT_EQ(loaded.uint64s("rng"), uint64s);
  EXPECT_TRUE(loaded.doubles("empty_d").empty());
  EXPECT_TRUE(loaded.int64s("empty_i").empty());
  EXPECT_TRUE(loaded.uint64s("empty_u").empty());
  EXPECT_EQ(loaded.string("config"), long_text);
  EXPECT_EQ(loaded.string("empty_s"), "");
  EXPECT_EQ(loaded.string("100%/odd."), "x");
  EXPECT_EQ(loaded.string("."), "dot");
  EXPECT_TRUE(loaded.has("rng"));
  EXPECT_FALSE(loaded.has("missing"));
}

TEST_F(StateFileTest, GettersNameTheProblem) {
  StateFile state;
  const std::vector<double> one = {1.0};
  state.put("x", one);
  EXPECT_THROW(state.int64s("x"), std::runtime_error);
  EXPECT_THROW(state.doubles("y"), std::runtime_error);
  try {
    state.string("x");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "state entry 'x' is not a string");
  }
  // A name holds one type: putting it again under another type replaces it.
  state.put_string("x", "now a string");
  EXPECT_EQ(state.string("x"), "now a string");
  EXPECT_THROW(state.doubles("x"), std::runtime_error);
  EXPECT_THROW(state.put_string("nul", std::string("a\0b", 3)), std::invalid_argument);
}

TEST_F(StateFileTest, SaveReplacesAnExistingFile) {
  const std::string path = file("state.h5");
  StateFile first;
  const std::vector<std::int64_t> old_rows = {10};
  first.put("rows", old_rows);
  first.put_string("only_in_first", "a");
  first.save_atomic(path);

  StateFile second;
  const std::vector<std::int64_t> new_rows = {20, 30};
  second.put("rows", new_rows);
  second.save_atomic(path);
  EXPECT_EQ(listing(), std::vector<std::string>{"state.h5"});

  const StateFile loaded = StateFile::load(path);
  EXPECT_EQ(loaded.int64s("rows"), new_rows);
  EXPECT_FALSE(loaded.has("only_in_first"));
}

TEST_F(StateFileTest, LoadErrorsNameThePath) {
  const std::string missing = file("missing.h5");
  EXPECT_EQ(load_error(missing), missing + ": cannot load the checkpoint state: no such file");

  const std::string garbage = file("garbage.h5");
  std::ofstream(garbage) << std::string(4096, 'z');
  EXPECT_EQ(load_error(garbage), garbage + ": cannot load the checkpoint state: not an HDF5 file");

  const std::string empty = file("empty.h5");
  std::ofstream{empty};
  EXPECT_EQ(load_error(empty).rfind(empty + ": ", 0), 0u);

  StateFile state;
  state.put_string("a", "b");
  const std::string truncated = file("truncated.h5");
  state.save_atomic(truncated);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  EXPECT_EQ(load_error(truncated).rfind(truncated + ": ", 0), 0u) << load_error(truncated);
}

TEST_F(StateFileTest, FailedSaveLeavesNoTemporary) {
  StateFile state;
  state.put_string("a", "b");
  const std::string path = file("no_such_dir/state.h5");
  try {
    state.save_atomic(path);
    FAIL() << "saved into a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
  }
  EXPECT_TRUE(listing().empty());

  // A directory where the file should go: the rename fails after the temporary was written.
  const std::string blocked = file("blocked");
  fs::create_directories(blocked + "/child");
  EXPECT_THROW(state.save_atomic(blocked), std::runtime_error);
  EXPECT_EQ(listing(), std::vector<std::string>{"blocked"});
}

} // namespace
