#pragma once
// The sha256 of input files remembered between runs, so that start-up need not hash every input
// again. A text file, one line per file:
//   SIZE MTIME_NS CTIME_NS SHA256 ABSOLUTE_PATH
// An entry counts only while the file's size, mtime and ctime are all unchanged (ctime too:
// cp -p, rsync -t and tar keep a changed file's mtime, but none can set its ctime). The cache
// is only a speed-up: a missing, corrupt or unwritable cache file is ignored (everything is
// hashed) and never fails a run.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace nubayes {

struct FileStamp {
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

/// The file's stamp (stat, following links); nullopt where it cannot be read.
std::optional<FileStamp> file_stamp(const std::filesystem::path& path);

class InputHashCache {
public:
  /// Reads `file`; an empty path keeps the cache in memory only.
  explicit InputHashCache(std::filesystem::path file = {});

  /// The remembered sha256 of `absolute` if its stamp is still `stamp`.
  std::optional<std::string> find(const std::string& absolute, const FileStamp& stamp) const;

  /// Remembers a sha256 just computed from the bytes read under `stamp`.
  void remember(const std::string& absolute, const FileStamp& stamp, const std::string& sha256);

  /// Writes the file (temporary file, then rename) if anything new was remembered, merged with
  /// what other processes wrote meanwhile, without entries whose file changed or is gone. Returns
  /// false, quietly, where it cannot.
  bool save();

  const std::filesystem::path& file() const { return file_; }

  /// $NUBAYES_CACHE/input-sha256.txt, else $XDG_CACHE_HOME/nubayes/..., else ~/.cache/nubayes/...;
  /// empty where none of these is set.
  static std::filesystem::path default_file();

private:
  struct Entry {
    FileStamp stamp;
    std::string sha256;
  };
  static std::map<std::string, Entry> load(const std::filesystem::path& file);

  std::filesystem::path file_;
  std::map<std::string, Entry> entries_;
  bool dirty_ = false;
};

} // namespace nubayes
