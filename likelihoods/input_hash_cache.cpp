#include "input_hash_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nubayes {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHeader = "# nubayes input sha256 cache v1";

/// A file changed this recently may change again within the same timestamp tick without its
/// stamp showing it (git's "racily clean" entries): its hash is not remembered until it is older.
constexpr std::int64_t kSettleNs = 2'000'000'000;

std::int64_t nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

} // namespace

std::optional<FileStamp> file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStamp{static_cast<std::uintmax_t>(st.st_size), nanoseconds(st.st_mtim),
                   nanoseconds(st.st_ctim)};
}

InputHashCache::InputHashCache(fs::path file) : file_(std::move(file)), entries_(load(file_)) {}

std::map<std::string, InputHashCache::Entry> InputHashCache::load(const fs::path& file) {
  std::map<std::string, Entry> entries;
  if (file.empty()) return entries;
  std::ifstream in(file);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return {}; // absent, or not ours: ignore it
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Entry e;
    std::string path;
    if (!(fields >> e.stamp.size >> e.stamp.mtime_ns >> e.stamp.ctime_ns >> e.sha256) ||
        !is_sha256(e.sha256) || fields.get() != ' ' || !std::getline(fields, path) ||
        path.empty() || path.front() != '/')
      return {}; // a corrupt line makes the whole file suspect
    entries[path] = e;
  }
  return entries;
}

std::optional<std::string> InputHashCache::find(const std::string& absolute,
                                                const FileStamp& stamp) const {
  const auto it = entries_.find(absolute);
  if (it == entries_.end() || it->second.stamp != stamp) return std::nullopt;
  return it->second.sha256;
}

void InputHashCache::remember(const std::string& absolute, const FileStamp& stamp,
                              const std::string& sha256) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  if (std::max(stamp.mtime_ns, stamp.ctime_ns) > now - kSettleNs) return;
  if (absolute.empty() || absolute.front() != '/' || absolute.find('\n') != std::string::npos)
    return;
  entries_[absolute] = {stamp, sha256};
  dirty_ = true;
}

bool InputHashCache::save() {
  if (!dirty_ || file_.empty()) return !dirty_;
  std::map<std::string, Entry> merged = load(file_);
  for (const auto& [path, entry] : entries_) merged[path] = entry;
  std::error_code error;
  if (file_.has_parent_path()) fs::create_directories(file_.parent_path(), error);
  const fs::path tmp = file_.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << kHeader << '\n';
    for (const auto& [path, e] : merged)
      if (file_stamp(path) == e.stamp) // drop files since changed or removed
        out << e.stamp.size << ' ' << e.stamp.mtime_ns << ' ' << e.stamp.ctime_ns << ' '
            << e.sha256 << ' ' << path << '\n';
    out.close();
    if (!out) {
      fs::remove(tmp, error);
      return false;
    }
  }
  fs::rename(tmp, file_, error);
  if (error) {
    fs::remove(tmp, error);
    return false;
  }
  dirty_ = false;
  return true;
}

fs::path InputHashCache::default_file() {
  const auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  constexpr const char* name = "input-sha256.txt";
  if (const auto dir = env("NUBAYES_CACHE"); !dir.empty()) return fs::path(dir) / name;
  if (const auto dir = env("XDG_CACHE_HOME"); !dir.empty()) return fs::path(dir) / "nubayes" / name;
  if (const auto home = env("HOME"); !home.empty()) return fs::path(home) / ".cache" / "nubayes" / name;
  return {};
}

} // namespace nubayes
