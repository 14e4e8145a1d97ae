#pragma once
// Checkpoint state: a flat set of named arrays and strings, stored as one HDF5 file written
// atomically (temporary file, fsync, rename, fsync of the directory), so a crash at any moment
// leaves either the previous checkpoint or the new one, never a torn file.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace nubayes {

class StateFile {
public:
  void put(const std::string& name, std::span<const double> values);
  void put(const std::string& name, std::span<const std::int64_t> values);
  void put(const std::string& name, std::span<const std::uint64_t> values);
  void put_string(const std::string& name, const std::string& value);

  bool has(const std::string& name) const;
  /// Each getter throws std::runtime_error naming the entry if it is absent or of another type.
  const std::vector<double>& doubles(const std::string& name) const;
  const std::vector<std::int64_t>& int64s(const std::string& name) const;
  const std::vector<std::uint64_t>& uint64s(const std::string& name) const;
  const std::string& string(const std::string& name) const;

  /// Writes `path` atomically. Throws std::runtime_error naming the path (e.g. disk full).
  void save_atomic(const std::string& path) const;
  /// Throws std::runtime_error naming the path if it is missing or unreadable.
  static StateFile load(const std::string& path);

private:
  std::map<std::string, std::vector<double>> doubles_;
  std::map<std::string, std::vector<std::int64_t>> int64s_;
  std::map<std::string, std::vector<std::uint64_t>> uint64s_;
  std::map<std::string, std::string> strings_;
};

} // namespace nubayes
