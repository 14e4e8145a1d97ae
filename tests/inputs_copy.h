#pragma once
// A scratch copy of one inputs/ folder for reader tests: edit a file, then expect loading to
// fail with one line that names what is wrong. Removed after each test.
#include "input_files.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace nubayes::testing {

/// While alive, inputs that differ from their MANIFEST (or have none) load with a warning: for
/// reader tests on hand-written or edited files, whose own checks would otherwise never be
/// reached (the sha256 check against the MANIFEST is tested on its own).
struct AllowModifiedInputs {
  AllowModifiedInputs() { set_allow_modified_inputs(true); }
  ~AllowModifiedInputs() { set_allow_modified_inputs(false); }
  AllowModifiedInputs(const AllowModifiedInputs&) = delete;
  AllowModifiedInputs& operator=(const AllowModifiedInputs&) = delete;
};

class InputsCopy : public ::testing::Test {
protected:
  /// `subdir`: the folder under inputs/ (e.g. "reactor/danss"); it keeps its path under root.
  explicit InputsCopy(const std::filesystem::path& subdir)
      : root(std::filesystem::temp_directory_path() /
             ("nubayes_inputs_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        dir(root / subdir), source_(std::filesystem::path(NUBAYES_SOURCE_DIR) / "inputs" / subdir) {}

  void SetUp() override {
    namespace fs = std::filesystem;
    // These tests check each reader's own layout checks on edited copies: the sha256 check
    // against the MANIFEST (which would come first) is tested on its own.
    set_allow_modified_inputs(true);
    fs::create_directories(dir);
    for (const auto& f : fs::directory_iterator(source_)) {
      fs::copy_file(f.path(), dir / f.path().filename());
      fs::permissions(dir / f.path().filename(), fs::perms::owner_write, fs::perm_options::add);
    }
  }
  void TearDown() override {
    set_allow_modified_inputs(false);
    std::filesystem::remove_all(root);
  }

  /// Loads the experiment from `root`; throws std::runtime_error on bad input.
  virtual void load() const = 0;

  /// Replaces line `n` (1-based) of `file` by `text`.
  void edit_line(const std::string& file, int n, const std::string& text) {
    std::ifstream in(dir / file);
    std::string line, out;
    for (int i = 1; std::getline(in, line); ++i) out += (i == n ? text : line) + "\n";
    in.close();
    std::ofstream(dir / file) << out;
  }

  /// Drops the last `n` lines of `file`, as a cut-short download or copy would.
  void truncate(const std::string& file, std::size_t n) {
    std::ifstream in(dir / file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    in.close();
    lines.resize(lines.size() > n ? lines.size() - n : 0);
    std::ofstream out(dir / file);
    for (const auto& line : lines) out << line << '\n';
  }

  /// Expects load() to fail with one line containing every needle.
  void expect_load_error(const std::vector<std::string>& needles) const {
    try {
      load();
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      for (const auto& n : needles) EXPECT_NE(message.find(n), std::string::npos) << message;
    }
  }

  std::filesystem::path root; ///< what the experiment's `inputs` option points at
  std::filesystem::path dir;  ///< the copied folder

private:
  std::filesystem::path source_;
};

} // namespace nubayes::testing
