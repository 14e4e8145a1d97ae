// The sha256 verdict cache of input files (input_hash_cache.h): a cached hash is used while the
// file's size, mtime and ctime are unchanged, a changed file is hashed again and caught, and a
// corrupt or unwritable cache is ignored.
//
// How reuse is observed: the test replaces the cached hash of an unchanged file by a wrong one.
// Only a load that takes the hash from the cache (instead of hashing the bytes) then reports the
// file as modified.
#include "input_files.h"
#include "input_hash_cache.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nubayes;

namespace {

const std::string kWrong(64, 'a');

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

class InputHashCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("nubayes_hash_cache_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "data");
    data = dir / "data" / "counts.txt";
    cache = dir / "cache" / "input-sha256.txt";
    write(data, "1 2 3\n4 5 6\n");
    write(dir / "data" / "MANIFEST.md", "| `counts.txt` | `" + sha256_hex(slurp(data)) + "` |\n");
    // Hashes of files changed in the last 2 s are not remembered (same-tick edits): age it.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    use_input_hash_cache(cache);
  }
  void TearDown() override {
    use_input_hash_cache({});
    fs::remove_all(dir);
  }

  /// The cache file with every hash replaced by a wrong one, then reopened.
  void poison_cache() {
    ASSERT_TRUE(flush_input_hash_cache());
    std::string text = slurp(cache);
    const std::string good = sha256_hex(slurp(data));
    const auto at = text.find(good);
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, good.size(), kWrong);
    write(cache, text);
    use_input_hash_cache(cache);
  }

  std::string load_error() {
    try {
      read_input_file(data);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir, data, cache;
};

} // namespace

TEST_F(InputHashCacheTest, CachedVerdictIsReusedForAnUnchangedFile) {
  ASSERT_EQ(load_error(), "");
  ASSERT_TRUE(flush_input_hash_cache());
  const std::string text = slurp(cache);
  EXPECT_NE(text.find(sha256_hex(slurp(data)) + " " + fs::absolute(data).string()), std::string::npos)
      << text;
  poison_cache();
  // Not hashed again: the (wrong) cached hash is what is checked against the MANIFEST.
  const std::string error = load_error();
  EXPECT_NE(error.find("modified input: sha256 " + kWrong), std::string::npos) << error;
}

TEST_F(InputHashCacheTest, TouchedFileIsHashedAgain) {
  ASSERT_EQ(load_error(), "");
  poison_cache();
  fs::last_write_time(data, fs::last_write_time(data) - std::chrono::hours(1)); // touch
  EXPECT_EQ(load_error(), "");
  bool recorded = false;
  for (const auto& input : inputs_read())
    if (input.path == data.string()) recorded = input.sha256 == sha256_hex(slurp(data));
  EXPECT_TRUE(recorded) << "the run file must record the real sha256";
}

TEST_F(InputHashCacheTest, EditedFileIsCaughtEvenWithItsOldSizeAndMtime) {
  ASSERT_EQ(load_error(), "");
  ASSERT_TRUE(flush_input_hash_cache());
  const auto mtime = fs::last_write_time(data);
  std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a new ctime tick
  write(data, "1 2 3\n4 5 7\n"); // same size
  fs::last_write_time(data, mtime); // as cp -p or rsync -t would leave it
  use_input_hash_cache(cache);
  const std::string error = load_error();
  EXPECT_NE(error.find("counts.txt: modified input: sha256 " + sha256_hex(slurp(data))),
            std::string::npos)
      << error;
}

TEST_F(InputHashCacheTest, CorruptCacheIsIgnoredAndRewritten) {
  fs::create_directories(cache.parent_path());
  const auto s = file_stamp(data);
  ASSERT_TRUE(s);
  // The third: a wrong hash under the file's real stamp, in a file with a corrupt line.
  const std::string poisoned = std::to_string(s->size) + " " + std::to_string(s->mtime_ns) + " " +
                               std::to_string(s->ctime_ns) + " " + kWrong + " " +
                               fs::absolute(data).string() + "\n";
  for (const std::string& garbage :
       {std::string("not a cache\n"), std::string("# nubayes input sha256 cache v1\n12 x y z /a\n"),
        "# nubayes input sha256 cache v1\n" + poisoned + "12 1 2 " + kWrong + "\n",
        std::string("\0\1\2", 3)}) {
    write(cache, garbage);
    use_input_hash_cache(cache);
    EXPECT_EQ(load_error(), "") << garbage;
  }
  ASSERT_TRUE(flush_input_hash_cache());
  EXPECT_EQ(slurp(cache).rfind("# nubayes input sha256 cache v1\n", 0), 0u);
  EXPECT_NE(slurp(cache).find(sha256_hex(slurp(data))), std::string::npos);
}

TEST_F(InputHashCacheTest, UnwritableCacheNeverFailsALoad) {
  write(dir / "a_file", "");
  use_input_hash_cache(dir / "a_file" / "input-sha256.txt"); // its folder cannot exist
  EXPECT_EQ(load_error(), "");
  EXPECT_FALSE(flush_input_hash_cache());
  EXPECT_EQ(load_error(), "");
  for (const auto& entry : fs::directory_iterator(dir)) // no temporary file left behind
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

TEST(InputHashCacheFile, FilesChangedInTheLastSecondsAreNotRemembered) {
  const fs::path dir = fs::temp_directory_path() / ("nubayes_hash_cache_recent_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write(dir / "f", "x");
  InputHashCache c(dir / "cache.txt");
  const auto stamp = file_stamp(dir / "f");
  ASSERT_TRUE(stamp);
  c.remember(fs::absolute(dir / "f").string(), *stamp, kWrong);
  EXPECT_FALSE(c.find(fs::absolute(dir / "f").string(), *stamp)) << "changed just now: not cached";
  fs::remove_all(dir);
}
