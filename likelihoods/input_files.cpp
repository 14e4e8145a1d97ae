#include "input_files.h"
#include "model_options.h"

#include "input_hash_cache.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace fs = std::filesystem;

namespace {

struct Registry {
  std::mutex mutex;
  bool allow_modified = false;
  std::map<std::string, std::string> read;                        ///< path -> sha256
  std::map<std::string, std::map<std::string, std::string>> manifests; ///< MANIFEST.md -> file -> sha256
  std::optional<InputHashCache> cache; ///< opened at the first read
  ~Registry() {
    if (cache) cache->save(); // at exit, for readers that never flushed
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

/// The MANIFEST.md tables: rows "| `FILE` | ... | `SHA256` | ..." (FILE relative to the MANIFEST's
/// folder; the first cell that is 64 hex digits is the hash). Other lines are prose.
std::map<std::string, std::string> parse_manifest(const fs::path& manifest) {
  std::map<std::string, std::string> hashes;
  std::ifstream in(manifest);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '|') continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    // A cell without white space (std::isspace's set) and Markdown's code backticks around it.
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trim(cell, " \t\n\v\f\r`"));
    if (cells.size() < 2) continue;
    for (std::size_t i = 1; i < cells.size(); ++i)
      if (is_sha256(cells[i])) {
        hashes[cells[0]] = cells[i];
        break;
      }
  }
  return hashes;
}

/// The recorded hash of `path` and the MANIFEST.md recording it, from the nearest folder above
/// `path` whose MANIFEST.md lists it (caller holds the registry lock).
std::optional<std::pair<std::string, fs::path>> recorded_hash(Registry& r, const fs::path& path) {
  const fs::path file = fs::absolute(path).lexically_normal();
  for (fs::path dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    const fs::path manifest = dir / "MANIFEST.md";
    std::error_code error;
    if (fs::is_regular_file(manifest, error)) {
      auto [it, fresh] = r.manifests.try_emplace(manifest.string());
      if (fresh) it->second = parse_manifest(manifest);
      const auto entry = it->second.find(file.lexically_relative(dir).generic_string());
      if (entry != it->second.end()) return std::make_pair(entry->second, manifest);
    }
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

std::string slurp(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw std::runtime_error(path.string() + ": file not found");
  if (!fs::is_regular_file(path, ec)) throw std::runtime_error(path.string() + ": not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error(path.string() + ": cannot be read (" + ec.message() + ")");
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
    throw std::runtime_error(path.string() + ": cannot be read");
  return text;
}

} // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sha256: OpenSSL failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

namespace {

/// The sha256 of `bytes`, read from `path`: the cached one while the file's stamp is unchanged
/// (before and after the read, so a file changing meanwhile is hashed), else computed.
std::string sha256_of_read(Registry& r, const fs::path& path, const std::optional<FileStamp>& before,
                           std::string_view bytes) {
  const std::string absolute = fs::absolute(path).lexically_normal().string();
  const auto after = file_stamp(path);
  const bool steady = before && after && *before == *after;
  {
    const std::lock_guard lock(r.mutex);
    if (!r.cache) r.cache.emplace(InputHashCache::default_file());
    if (steady)
      if (auto cached = r.cache->find(absolute, *before)) return *cached;
  }
  std::string found = sha256_hex(bytes);
  const std::lock_guard lock(r.mutex);
  if (steady) r.cache->remember(absolute, *before, found);
  return found;
}

} // namespace

std::string read_input_file(const fs::path& path) {
  const auto before = file_stamp(path);
  std::string bytes = slurp(path);
  Registry& r = registry();
  const std::string found = sha256_of_read(r, path, before, bytes);
  const std::lock_guard lock(r.mutex);
  const auto seen = r.read.find(path.string());
  // Verified already, unless the file changed since (then it is checked again).
  if (seen != r.read.end() && seen->second == found) return bytes;
  r.read[path.string()] = found;
  const auto recorded = recorded_hash(r, path);
  std::string problem;
  if (!recorded)
    problem = path.string() + ": no MANIFEST.md in its folder or above records its sha256 (found " + found + ")";
  else if (recorded->first != found)
    problem = path.string() + ": modified input: sha256 " + found + " differs from " + recorded->first +
              " recorded in " + recorded->second.string();
  if (problem.empty()) return bytes;
  if (!r.allow_modified) {
    r.read.erase(path.string());
    throw std::runtime_error(problem + " (restore the file, or set [data] allow_modified_inputs = true)");
  }
  std::cerr << "nubayes: WARNING: " << problem << "; used anyway (allow_modified_inputs = true)\n";
  return bytes;
}

bool flush_input_hash_cache() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  return !r.cache || r.cache->save();
}

void use_input_hash_cache(const fs::path& file) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  if (r.cache) r.cache->save();
  r.cache.emplace(file);
}

void set_allow_modified_inputs(bool allow) {
  const std::lock_guard lock(registry().mutex);
  registry().allow_modified = allow;
}

std::vector<InputRecord> inputs_read() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  std::vector<InputRecord> out;
  for (const auto& [path, sha] : r.read) out.push_back({path, sha});
  return out;
}

} // namespace nubayes
