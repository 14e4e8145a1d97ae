#include "state_file.h"

#include "h5_handles.h"

#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace nubayes {
namespace {

using h5::check;

// Layout: root attribute schema = "nubayes-state"; one group per type, one dataset per entry:
// /doubles, /int64, /uint64 (1-D arrays) and /strings (scalar variable-length UTF-8 strings).
constexpr const char* kSchema = "nubayes-state";
constexpr const char* kStrings = "/strings";

template <typename T> struct Kind;
template <> struct Kind<double> {
  static constexpr const char* group = "/doubles";
  static constexpr const char* description = "a double array";
  static hid_t file_type() { return H5T_IEEE_F64LE; }
  static hid_t mem_type() { return H5T_NATIVE_DOUBLE; }
};
template <> struct Kind<std::int64_t> {
  static constexpr const char* group = "/int64";
  static constexpr const char* description = "an int64 array";
  static hid_t file_type() { return H5T_STD_I64LE; }
  static hid_t mem_type() { return H5T_NATIVE_INT64; }
};
template <> struct Kind<std::uint64_t> {
  static constexpr const char* group = "/uint64";
  static constexpr const char* description = "a uint64 array";
  static hid_t file_type() { return H5T_STD_U64LE; }
  static hid_t mem_type() { return H5T_NATIVE_UINT64; }
};

// Entry names become HDF5 link names, which cannot contain '/' nor be "." or empty: percent-encode.
std::string encode_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("state entry with an empty name");
  std::string link;
  for (char c : name)
    link += c == '%' ? "%25" : c == '/' ? "%2F" : std::string(1, c);
  return link == "." ? "%2E" : link;
}

std::string decode_name(const std::string& link) {
  std::string name;
  for (std::size_t i = 0; i < link.size(); ++i) {
    if (link[i] == '%' && i + 2 < link.size()) {
      name += static_cast<char>(std::stoi(link.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      name += link[i];
    }
  }
  return name;
}

h5::Group create_group(hid_t file, const char* name, const std::string& path) {
  return h5::Group(check(H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                         std::string("creating group ") + name));
}

h5::Group open_group(hid_t file, const char* name, const std::string& path) {
  return h5::Group(check(H5Gopen2(file, name, H5P_DEFAULT), path,
                         std::string("opening group ") + name + " (not a nubayes state file?)"));
}

template <typename T>
void write_arrays(hid_t file, const std::map<std::string, std::vector<T>>& entries,
                  const std::string& path) {
  h5::Group group = create_group(file, Kind<T>::group, path);
  for (const auto& [name, values] : entries) {
    const std::string what = "writing state entry " + name;
    const hsize_t n = values.size();
    h5::Dataspace space(check(H5Screate_simple(1, &n, nullptr), path, what));
    h5::Dataset dataset(check(H5Dcreate2(group, encode_name(name).c_str(), Kind<T>::file_type(),
                                         space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                              path, what));
    if (n > 0)
      check(H5Dwrite(dataset, Kind<T>::mem_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            path, what);
  }
}

void write_strings(hid_t file, const std::map<std::string, std::string>& entries,
                   const std::string& path) {
  h5::Group group = create_group(file, kStrings, path);
  h5::Datatype type = h5::vlen_string_type(path);
  for (const auto& [name, value] : entries) {
    const std::string what = "writing state entry " + name;
    h5::Dataspace space(check(H5Screate(H5S_SCALAR), path, what));
    h5::Dataset dataset(check(H5Dcreate2(group, encode_name(name).c_str(), type, space, H5P_DEFAULT,
                                         H5P_DEFAULT, H5P_DEFAULT),
                              path, what));
    const char* text = value.c_str();
    check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), path, what);
  }
}

template <typename T>
void read_arrays(hid_t file, std::map<std::string, std::vector<T>>& entries,
                 const std::string& path) {
  h5::Group group = open_group(file, Kind<T>::group, path);
  for (const auto& link : h5::link_names(group, path)) {
    const std::string what = "reading state entry " + decode_name(link);
    h5::Dataset dataset(check(H5Dopen2(group, link.c_str(), H5P_DEFAULT), path, what));
    h5::Dataspace space(check(H5Dget_space(dataset), path, what));
    const hssize_t n = check(H5Sget_simple_extent_npoints(space), path, what);
    std::vector<T> values(static_cast<std::size_t>(n));
    if (n > 0)
      check(H5Dread(dataset, Kind<T>::mem_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            path, what);
    entries[decode_name(link)] = std::move(values);
  }
}

void read_strings(hid_t file, std::map<std::string, std::string>& entries,
                  const std::string& path) {
  h5::Group group = open_group(file, kStrings, path);
  for (const auto& link : h5::link_names(group, path)) {
    const std::string what = "reading state entry " + decode_name(link);
    h5::Dataset dataset(check(H5Dopen2(group, link.c_str(), H5P_DEFAULT), path, what));
    h5::Datatype type(check(H5Dget_type(dataset), path, what));
    entries[decode_name(link)] = h5::read_string(
        type,
        [&](hid_t mem, void* buf) {
          return H5Dread(dataset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        },
        path, what);
  }
}

/// Looks `name` up in the map of the requested type; the error says whether it is absent or
/// stored with another type.
template <typename Map>
const typename Map::mapped_type& get(const Map& entries, const std::string& name,
                                     const char* description, bool exists) {
  const auto it = entries.find(name);
  if (it != entries.end()) return it->second;
  throw std::runtime_error("state entry '" + name + "' " +
                           (exists ? std::string("is not ") + description : "is absent"));
}

/// A name has one type: putting it again under another type replaces it.
template <typename... Maps> void erase_everywhere(const std::string& name, Maps&... maps) {
  (maps.erase(name), ...);
}

} // namespace

void StateFile::put(const std::string& name, std::span<const double> values) {
  erase_everywhere(name, doubles_, int64s_, uint64s_, strings_);
  doubles_[name].assign(values.begin(), values.end());
}

void StateFile::put(const std::string& name, std::span<const std::int64_t> values) {
  erase_everywhere(name, doubles_, int64s_, uint64s_, strings_);
  int64s_[name].assign(values.begin(), values.end());
}

void StateFile::put(const std::string& name, std::span<const std::uint64_t> values) {
  erase_everywhere(name, doubles_, int64s_, uint64s_, strings_);
  uint64s_[name].assign(values.begin(), values.end());
}

void StateFile::put_string(const std::string& name, const std::string& value) {
  // HDF5 strings end at the first NUL, so one inside would be silently cut.
  if (value.find('\0') != std::string::npos)
    throw std::invalid_argument("state entry '" + name + "': string contains a NUL byte");
  erase_everywhere(name, doubles_, int64s_, uint64s_, strings_);
  strings_[name] = value;
}

bool StateFile::has(const std::string& name) const {
  return doubles_.contains(name) || int64s_.contains(name) || uint64s_.contains(name) ||
         strings_.contains(name);
}

const std::vector<double>& StateFile::doubles(const std::string& name) const {
  return get(doubles_, name, Kind<double>::description, has(name));
}

const std::vector<std::int64_t>& StateFile::int64s(const std::string& name) const {
  return get(int64s_, name, Kind<std::int64_t>::description, has(name));
}

const std::vector<std::uint64_t>& StateFile::uint64s(const std::string& name) const {
  return get(uint64s_, name, Kind<std::uint64_t>::description, has(name));
}

const std::string& StateFile::string(const std::string& name) const {
  return get(strings_, name, "a string", has(name));
}

void StateFile::save_atomic(const std::string& path) const {
  h5::silence_errors();
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    {
      h5::File file(check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path,
                          "creating " + tmp));
      h5::write_attribute(file, "schema", std::string(kSchema), path);
      write_arrays(file, doubles_, path);
      write_arrays(file, int64s_, path);
      write_arrays(file, uint64s_, path);
      write_strings(file, strings_, path);
      check(file.close(), path, "closing " + tmp);
    }
    h5::durable_replace(tmp, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

StateFile StateFile::load(const std::string& path) {
  h5::silence_errors();
  if (!std::filesystem::exists(path))
    throw std::runtime_error(path + ": cannot load the checkpoint state: no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw std::runtime_error(path + ": cannot load the checkpoint state: not an HDF5 file");
  }
  h5::File file(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path,
                      "opening the checkpoint state"));
  if (check(H5Aexists(file, "schema"), path, "reading attribute schema") <= 0 ||
      h5::read_string_attribute(file, "schema", path) != kSchema)
    throw std::runtime_error(path + ": cannot load the checkpoint state: not a nubayes state file");
  StateFile state;
  read_arrays(file, state.doubles_, path);
  read_arrays(file, state.int64s_, path);
  read_arrays(file, state.uint64s_, path);
  read_strings(file, state.strings_, path);
  return state;
}

} // namespace nubayes
