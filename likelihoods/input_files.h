#pragma once
// Every input data file is read through read_input_file(): its bytes are checked against the
// sha256 that the MANIFEST.md of its folder (or of a folder above) records for it, and the file
// and its hash are remembered, so that the run file can record exactly which data a result used.
// A file that differs from its MANIFEST, or that no MANIFEST covers, is an error naming the file
// and both hashes, unless modified inputs are allowed ([data] allow_modified_inputs = true), in
// which case it is a loud warning on stderr. The hash of a file whose size, mtime and ctime are
// unchanged since it was last hashed comes from a cache between runs (input_hash_cache.h).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace nubayes {

/// The whole file, verified as above. Throws std::runtime_error naming the file.
std::string read_input_file(const std::filesystem::path& path);

/// Whether a modified or uncovered input is a warning (true) instead of an error (false, default).
void set_allow_modified_inputs(bool allow);

struct InputRecord {
  std::string path;   ///< as the likelihood named it
  std::string sha256; ///< of the bytes that were read
};
/// Every input file read so far in this process, in path order, each once.
std::vector<InputRecord> inputs_read();

/// Writes the hash cache if new hashes were computed (also done at exit); false where it cannot.
bool flush_input_hash_cache();

/// Saves the hash cache in use and continues with the one in `file` (empty: in memory only);
/// by default InputHashCache::default_file().
void use_input_hash_cache(const std::filesystem::path& file);

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

} // namespace nubayes
