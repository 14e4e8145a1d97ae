#pragma once
// Every input data file is read through read_input_file(): its bytes are checked against the
// sha256 that the MANIFEST.md of its folder (or of a folder above) records for it, and the file
// and its hash are remembered, so that the run file can record exactly which data a result used.
// A file that differs from its MANIFEST, or that no MANIFEST covers, is an error naming the file
// and both hashes, unless modified inputs are allowed ([data] allow_modified_inputs = true), in
// which case it is a loud warning on stderr.
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

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

} // namespace nubayes
