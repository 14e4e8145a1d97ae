#pragma once
// Small RAII wrappers for HDF5 hid_t handles, error checking that turns a negative HDF5 return
// into std::runtime_error naming the file and the object, and the few helpers shared by the
// run-file and state-file writers (string types, 1-element attributes, durable renames).
#include <hdf5.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace nubayes::h5 {

/// A move-only owner of one hid_t, closed with `Close` (H5Fclose, H5Dclose, ...).
/// Destructors ignore close errors; call close() where a failed close must be reported.
template <herr_t (*Close)(hid_t)> class Handle {
public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      close();
      id_ = other.release();
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  /// Closes now; returns the HDF5 status (0 if there was nothing to close).
  herr_t close() noexcept { return valid() ? Close(release()) : 0; }

private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropList = Handle<H5Pclose>;

/// Turns off HDF5's printing of its error stack, so errors reach the user only through our
/// exceptions. The setting is per thread in thread-safe HDF5 builds, hence thread_local.
inline void silence_errors() {
  thread_local const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

/// The most specific message on HDF5's error stack (e.g. "... No space left on device"); clears it.
inline std::string error_detail() {
  std::string detail;
  auto innermost = [](unsigned n, const H5E_error2_t* err, void* out) -> herr_t {
    if (n == 0 && err->desc) *static_cast<std::string*>(out) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  // I/O errors read "file write failed: time = ..., errno = 28, error message = 'No space left
  // on device', buf = ...": keep the head and the system's message.
  const std::string marker = "error message = '";
  const std::size_t start = detail.find(marker), colon = detail.find(':');
  if (start != std::string::npos && colon < start) {
    const std::size_t end = detail.find('\'', start + marker.size());
    detail = detail.substr(0, colon) + ": " +
             detail.substr(start + marker.size(), end - start - marker.size());
  }
  return detail;
}

[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
  const std::string detail = error_detail();
  throw std::runtime_error(path + ": HDF5 error while " + what +
                           (detail.empty() ? "" : " (" + detail + ")"));
}

/// Returns `status` (a hid_t or herr_t) unless it is negative, in which case it throws.
template <typename T> T check(T status, const std::string& path, const std::string& what) {
  if (status < 0) fail(path, what);
  return status;
}

/// Property list of class `cls` (H5P_FILE_CREATE, H5P_DATASET_CREATE, ...).
inline PropList make_plist(hid_t cls, const std::string& path) {
  return PropList(check(H5Pcreate(cls), path, "creating a property list"));
}

/// File access properties selecting the newest file format (SWMR needs it).
inline PropList latest_format_fapl(const std::string& path) {
  PropList fapl = make_plist(H5P_FILE_ACCESS, path);
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
        "setting file access properties");
  return fapl;
}

/// Variable-length UTF-8 string type (netCDF-4 NC_STRING).
inline Datatype vlen_string_type(const std::string& path) {
  Datatype type(check(H5Tcopy(H5T_C_S1), path, "creating a string type"));
  check(H5Tset_size(type, H5T_VARIABLE), path, "creating a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), path, "creating a string type");
  return type;
}

/// Reads a string stored as a scalar variable-length or fixed-length string dataset or attribute.
/// `read(memtype, buffer)` performs the H5Dread/H5Aread.
template <typename Read>
std::string read_string(hid_t stored_type, Read read, const std::string& path,
                        const std::string& what) {
  if (H5Tget_class(stored_type) != H5T_STRING) fail(path, what + ": not a string");
  const htri_t variable = check(H5Tis_variable_str(stored_type), path, what);
  if (variable) {
    Datatype memtype = vlen_string_type(path);
    char* text = nullptr;
    check(read(memtype.get(), static_cast<void*>(&text)), path, what);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(stored_type);
  Datatype memtype(check(H5Tcopy(stored_type), path, what));
  std::vector<char> buffer(size + 1, '\0');
  check(read(memtype.get(), static_cast<void*>(buffer.data())), path, what);
  return std::string(buffer.data(), strnlen(buffer.data(), size)); // drop null padding
}

// ----- attributes -----

inline void delete_attribute_if_exists(hid_t obj, const std::string& name,
                                       const std::string& path) {
  if (check(H5Aexists(obj, name.c_str()), path, "looking up attribute " + name) > 0)
    check(H5Adelete(obj, name.c_str()), path, "deleting attribute " + name);
}

/// (Re)writes a scalar variable-length UTF-8 string attribute. Deleting first makes rewriting
/// work whatever the old attribute's type and size.
inline void write_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& path) {
  const std::string what = "writing attribute " + name;
  delete_attribute_if_exists(obj, name, path);
  Datatype type = vlen_string_type(path);
  Dataspace space(check(H5Screate(H5S_SCALAR), path, what));
  Attribute attr(
      check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), path, what));
  const char* text = value.c_str();
  check(H5Awrite(attr, type, &text), path, what);
}

/// (Re)writes a numeric attribute as a 1-element array (netCDF-4 convention).
/// `file_type` is H5T_IEEE_F64LE or H5T_STD_I64LE, `mem_type` the matching native type.
inline void write_attribute(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type,
                            const void* value, const std::string& path) {
  const std::string what = "writing attribute " + name;
  delete_attribute_if_exists(obj, name, path);
  const hsize_t one = 1;
  Dataspace space(check(H5Screate_simple(1, &one, nullptr), path, what));
  Attribute attr(
      check(H5Acreate2(obj, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), path, what));
  check(H5Awrite(attr, mem_type, value), path, what);
}

inline void write_attribute(hid_t obj, const std::string& name, double value,
                            const std::string& path) {
  write_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, path);
}

inline void write_attribute(hid_t obj, const std::string& name, std::int64_t value,
                            const std::string& path) {
  write_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, path);
}

inline std::string read_string_attribute(hid_t obj, const std::string& name,
                                         const std::string& path) {
  const std::string what = "reading attribute " + name;
  Attribute attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), path, what));
  Datatype type(check(H5Aget_type(attr), path, what));
  return read_string(
      type, [&](hid_t mem, void* buf) { return H5Aread(attr, mem, buf); }, path, what);
}

/// H5T_STRING, H5T_INTEGER, H5T_FLOAT...: the class of an attribute's stored type.
inline H5T_class_t attribute_class(hid_t obj, const std::string& name, const std::string& path) {
  const std::string what = "reading attribute " + name;
  Attribute attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), path, what));
  Datatype type(check(H5Aget_type(attr), path, what));
  return check(H5Tget_class(type), path, what);
}

/// First element of a numeric attribute, converted to double.
inline double read_number_attribute(hid_t obj, const std::string& name, const std::string& path) {
  const std::string what = "reading attribute " + name;
  Attribute attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), path, what));
  Dataspace space(check(H5Aget_space(attr), path, what));
  const hssize_t n = check(H5Sget_simple_extent_npoints(space), path, what);
  std::vector<double> values(static_cast<std::size_t>(n > 0 ? n : 1));
  check(H5Aread(attr, H5T_NATIVE_DOUBLE, values.data()), path, what);
  return values[0];
}

/// Names of the attributes of `obj`, in creation order where tracked, else by name.
inline std::vector<std::string> attribute_names(hid_t obj, const std::string& path) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    try {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
      return 0;
    } catch (...) {
      return -1; // never let an exception cross the C library
    }
  };
  for (H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
    names.clear();
    hsize_t position = 0;
    if (H5Aiterate2(obj, index, H5_ITER_INC, &position, collect, &names) >= 0) return names;
  }
  fail(path, "listing attributes");
}

/// Names of the links in `group`, in creation order where tracked, else by name.
inline std::vector<std::string> link_names(hid_t group, const std::string& path) {
  H5G_info_t info;
  check(H5Gget_info(group, &info), path, "listing a group");
  for (H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t size =
          H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (size < 0) break;
      std::string name(static_cast<std::size_t>(size) + 1, '\0');
      H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
      name.resize(static_cast<std::size_t>(size));
      names.push_back(std::move(name));
    }
    if (names.size() == info.nlinks) return names;
  }
  fail(path, "listing a group");
}

// ----- durable file replacement -----

/// fsyncs a file or directory; throws naming `what` on failure.
inline void fsync_path(const std::string& target, int flags, const std::string& path,
                       const std::string& what) {
  const int fd = ::open(target.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(path + ": " + what + ": " + std::strerror(err));
  }
  ::close(fd);
}

/// fsync(tmp), rename(tmp, path), fsync(directory of path): after this returns, `path` holds the
/// new content even across a power cut. Throws (leaving `tmp` for the caller to remove) on failure.
inline void durable_replace(const std::string& tmp, const std::string& path) {
  fsync_path(tmp, O_RDONLY, path, "fsync of " + tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(path + ": renaming " + tmp + " over it: " + std::strerror(errno));
  std::string dir = std::filesystem::path(path).parent_path().string();
  fsync_path(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY, path, "fsync of its directory");
}

} // namespace nubayes::h5
