#include "run_file_format.h"

#include <hdf5_hl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nubayes::run_format {

using h5::check;

namespace {
std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}
} // namespace

BadRunFile not_run_file(const std::string& path, const std::string& why) {
  return BadRunFile(path + ": not a nubayes run file (" + why + ")");
}

// ----- datasets, coordinates, attributes -----

/// Tracks and indexes creation order of links and attributes: netCDF-4 readers require it.
h5::PropList ordered_plist(hid_t cls, const std::string& path) {
  h5::PropList plist = h5::make_plist(cls, path);
  const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  if (cls != H5P_DATASET_CREATE)
    check(H5Pset_link_creation_order(plist, order), path, "setting creation-order tracking");
  check(H5Pset_attr_creation_order(plist, order), path, "setting creation-order tracking");
  return plist;
}

h5::Group create_group(hid_t file, const std::string& name, const std::string& path) {
  h5::PropList gcpl = ordered_plist(H5P_GROUP_CREATE, path);
  return h5::Group(check(H5Gcreate2(file, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), path,
                         "creating group " + name));
}

/// A dataset of shape `dims` (no filters). With `grow_axis` >= 0 that axis is unlimited and the
/// dataset chunked (`chunk_length` along it, the full extent along the others).
h5::Dataset create_dataset(hid_t file, const std::string& name, hid_t type,
                           std::vector<hsize_t> dims, int grow_axis, const std::string& path,
                           hsize_t chunk_length) {
  const std::string what = "creating dataset " + name;
  h5::PropList dcpl = ordered_plist(H5P_DATASET_CREATE, path);
  std::vector<hsize_t> maxdims = dims;
  if (grow_axis >= 0) {
    const auto axis = static_cast<std::size_t>(grow_axis);
    maxdims[axis] = H5S_UNLIMITED;
    std::vector<hsize_t> chunk = dims;
    for (auto& c : chunk)
      c = std::max<hsize_t>(c, 1);
    chunk[axis] = chunk_length;
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), path, what);
  }
  const int rank = static_cast<int>(dims.size());
  h5::Dataspace space(check(H5Screate_simple(rank, dims.data(), maxdims.data()), path, what));
  return h5::Dataset(check(
      H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), path, what));
}

h5::Dataset open_dataset(hid_t file, const std::string& name, const std::string& path) {
  return h5::Dataset(check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), path, "opening " + name));
}

/// Writes a whole dataset from memory of type `memtype`.
void write_all(hid_t dataset, hid_t memtype, const void* data, std::size_t n,
               const std::string& path, const std::string& what) {
  if (n > 0) check(H5Dwrite(dataset, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path, what);
}

/// Length of a 1-D dataset (first axis otherwise).
std::vector<hsize_t> shape(hid_t dataset, const std::string& path, const std::string& name) {
  h5::Dataspace space(check(H5Dget_space(dataset), path, "reading the shape of " + name));
  hsize_t dims[H5S_MAX_RANK];
  const int rank =
      check(H5Sget_simple_extent_dims(space, dims, nullptr), path, "reading the shape of " + name);
  return {dims, dims + rank};
}

hsize_t length(hid_t dataset, const std::string& path, const std::string& name) {
  const std::vector<hsize_t> dims = shape(dataset, path, name);
  return dims.empty() ? 1 : dims[0];
}

/// The first `n` entries of a 1-D dataset, converted to double by HDF5 (int64 included).
std::vector<double> read_doubles(hid_t dataset, hsize_t n, const std::string& path,
                                 const std::string& name) {
  std::vector<double> values(n);
  if (n == 0) return values;
  const std::string what = "reading " + name;
  const hsize_t start = 0;
  h5::Dataspace file_space(check(H5Dget_space(dataset), path, what));
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &n, nullptr), path, what);
  h5::Dataspace mem_space(check(H5Screate_simple(1, &n, nullptr), path, what));
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, mem_space, file_space, H5P_DEFAULT, values.data()),
        path, what);
  return values;
}

/// A 1-D int64 coordinate 0..n-1 that is also the dimension scale `dim` (a netCDF dimension).
h5::Dataset create_coordinate(hid_t file, const std::string& name, const std::string& dim,
                              hsize_t n, bool extendible, const std::string& path) {
  h5::Dataset coordinate =
      create_dataset(file, name, H5T_STD_I64LE, {n}, extendible ? 0 : -1, path);
  std::vector<std::int64_t> index(n);
  std::iota(index.begin(), index.end(), std::int64_t{0});
  write_all(coordinate, H5T_NATIVE_INT64, index.data(), n, path, "writing " + name);
  check(H5DSset_scale(coordinate, dim.c_str()), path, "making " + name + " a dimension scale");
  return coordinate;
}

void attach_scales(hid_t dataset, std::initializer_list<hid_t> scales, const std::string& name,
                   const std::string& path) {
  unsigned axis = 0;
  for (hid_t scale : scales)
    check(H5DSattach_scale(dataset, scale, axis++), path, "attaching dimensions to " + name);
}

void write_variable_attributes(hid_t dataset, const VariableMeta& v, const std::string& path) {
  h5::write_attribute(dataset, "latex", v.latex, path);
  h5::write_attribute(dataset, "units", v.units, path);
  h5::write_attribute(dataset, "prior", v.prior, path);
  h5::write_attribute(dataset, "is_derived", std::int64_t{v.is_derived}, path);
}

std::string optional_string_attribute(hid_t obj, const char* name, const std::string& path) {
  if (check(H5Aexists(obj, name), path, std::string("looking up attribute ") + name) <= 0)
    return "";
  return h5::read_string_attribute(obj, name, path);
}

VariableMeta read_variable_meta(hid_t dataset, const std::string& name, const std::string& path) {
  VariableMeta v;
  v.name = name;
  v.latex = optional_string_attribute(dataset, "latex", path);
  v.units = optional_string_attribute(dataset, "units", path);
  v.prior = optional_string_attribute(dataset, "prior", path);
  v.is_derived = h5::read_number_attribute(dataset, "is_derived", path) != 0;
  return v;
}

/// Names of the /nested_sampling columns (every dataset but the coordinate), in creation order.
void require_schema(hid_t file, const std::string& path) {
  if (check(H5Aexists(file, "schema"), path, "looking up attribute schema") <= 0)
    throw not_run_file(path, "no schema attribute");
  const std::string schema = h5::read_string_attribute(file, "schema", path);
  if (schema != kSchema) throw not_run_file(path, "schema is \"" + schema + "\"");
  if (check(H5Aexists(file, "schema_version"), path, "looking up attribute schema_version") <= 0)
    throw not_run_file(path, "no schema_version attribute");
  const double version = h5::read_number_attribute(file, "schema_version", path);
  if (version != static_cast<double>(kSchemaVersion))
    throw BadRunFile(path + ": run file schema_version " + format_number(version) +
                             " is not supported (this nubayes reads version " +
                             std::to_string(kSchemaVersion) + ")");
}

void write_creation_attributes(hid_t root, const RunAttributes& a, const std::string& path) {
  using h5::write_attribute;
  write_attribute(root, "schema", std::string(kSchema), path);
  write_attribute(root, "schema_version", kSchemaVersion, path);
  write_attribute(root, "creation_library", std::string("nubayes"), path);
  write_attribute(root, "creation_library_version", std::string(kLibraryVersion), path);
  write_attribute(root, "sampler", a.sampler, path);
  write_attribute(root, "model", a.model, path);
  write_attribute(root, "datasets", a.datasets, path);
  write_attribute(root, "seed", a.seed, path);
  write_attribute(root, "mpi_size", a.mpi_size, path);
  write_attribute(root, "git_commit", a.git_commit, path);
  write_attribute(root, "config", a.config, path);
  write_attribute(root, "fingerprint", a.fingerprint, path);
  write_attribute(root, "input_sha256", a.input_sha256, path);
  write_attribute(root, "status", std::string("running"), path);
  // Placeholders, so the evidence attributes always exist; finalize() rewrites them.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  write_attribute(root, "logz", nan, path);
  write_attribute(root, "logz_err", nan, path);
  write_attribute(root, "information", nan, path);
  write_attribute(root, "nlike", std::int64_t{0}, path);
  write_attribute(root, "logz_method", std::string(), path);
}

// ----- opening existing files -----

namespace {

/// HDF5 refuses to open a file whose superblock still says "open for writing" (its writer was
/// killed) and suggests h5clear in its error message.
bool status_flags_set(const std::string& hdf5_error) {
  return hdf5_error.find("h5clear") != std::string::npos;
}

/// Runs an hdf5-tools program (h5clear, h5repack) on `path`, its stdout discarded; throws with
/// `why` unless it exits 0.
void run_hdf5_tool(std::vector<std::string> args, const std::string& path, const std::string& why) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error(path + ": cannot run " + args[0] + " to " + why + ": " + std::strerror(rc) +
                             (rc == ENOENT ? " (install hdf5-tools, or put " + args[0] + " on PATH)" : ""));
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR)
      throw std::runtime_error(path + ": waiting for " + args[0] + ": " + std::strerror(errno));
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::string command;
    for (const auto& a : args) command += (command.empty() ? "" : " ") + a;
    throw std::runtime_error(path + ": `" + command + "` failed (wait status " + std::to_string(wstatus) + ")");
  }
}

/// `h5clear -s -i path`: -s resets the superblock status flags, -i moves the end-of-allocation
/// mark past the end of file in case the crash left them inconsistent.
void run_h5clear(const std::string& path) {
  run_hdf5_tool({"h5clear", "-s", "-i", path}, path, "clear the status flags left by a crashed writer");
}

} // namespace

void require_hdf5_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw not_run_file(path, "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw not_run_file(path, "not an HDF5 file");
  }
}

/// Opens for SWMR writing, clearing the status flags first if a crash left them set. (Opening
/// with SWMR_WRITE directly, rather than H5Fstart_swmr_write after truncating, keeps the file
/// readable by SWMR readers even if this process dies while truncating.)
h5::File open_for_resume(const std::string& path) {
  require_hdf5_file(path);
  h5::PropList fapl = h5::latest_format_fapl(path);
  const unsigned flags = H5F_ACC_RDWR | H5F_ACC_SWMR_WRITE;
  hid_t id = H5Fopen(path.c_str(), flags, fapl);
  if (id < 0) {
    const std::string error = h5::error_detail();
    if (!status_flags_set(error))
      throw std::runtime_error(path + ": cannot open for resuming (" + error + ")");
    run_h5clear(path);
    id = H5Fopen(path.c_str(), flags, fapl);
  }
  return h5::File(check(id, path, "opening for resuming"));
}

/// Opens read-only, through SWMR if a writer has it open (or crashed while it had).
h5::File open_for_reading(const std::string& path) {
  require_hdf5_file(path);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  if (id < 0) id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id >= 0) return h5::File(id);
  const std::string error = h5::error_detail();
  if (status_flags_set(error))
    throw UnclosedRunFile(path + ": the program writing this file did not close it (crash or " +
                             "kill?); resume the run with `nubayes run --resume`, or make the " +
                             "file readable with `h5clear -s -i " + path + "`");
  throw std::runtime_error(path + ": cannot open (" + error + ")");
}

// ----- final groups -----

DrawGroup create_draw_group(hid_t file, const std::string& name, hsize_t nchains, hsize_t ndraw,
                            const std::string& path) {
  DrawGroup g;
  g.name = "/" + name;
  g.group = create_group(file, g.name, path);
  g.chain = create_coordinate(file, g.name + "/chain", "chain", nchains, false, path);
  g.draw = create_coordinate(file, g.name + "/draw", "draw", ndraw, false, path);
  g.nchains = nchains;
  g.ndraw = ndraw;
  return g;
}

h5::Dataset write_draws(hid_t file, const DrawGroup& g, const std::string& name,
                        const std::vector<double>& values, const std::string& path) {
  const std::string full = g.name + "/" + name;
  if (values.size() != g.nchains * g.ndraw)
    throw std::invalid_argument(path + ": " + full + " needs " +
                                std::to_string(g.nchains * g.ndraw) + " values");
  h5::Dataset dataset = create_dataset(file, full, H5T_IEEE_F64LE, {g.nchains, g.ndraw}, -1, path);
  attach_scales(dataset, {g.chain, g.draw}, full, path);
  write_all(dataset, H5T_NATIVE_DOUBLE, values.data(), values.size(), path, "writing " + full);
  return dataset;
}

void write_final_attributes(hid_t root, const FinalResults& r, const std::string& path) {
  using h5::write_attribute;
  static const std::set<std::string> reserved = {"schema", "schema_version", "status"};
  for (const auto& [name, value] : r.extra_numbers)
    if (reserved.contains(name)) throw std::invalid_argument("reserved attribute name " + name);
  for (const auto& [name, value] : r.extra_strings)
    if (reserved.contains(name)) throw std::invalid_argument("reserved attribute name " + name);

  write_attribute(root, "logz", r.logz, path);
  write_attribute(root, "logz_err", r.logz_err, path);
  write_attribute(root, "information", r.information, path);
  write_attribute(root, "nlike", r.nlike, path);
  write_attribute(root, "logz_method", r.logz_method, path);
  for (const auto& [name, value] : r.extra_numbers)
    write_attribute(root, name, value, path);
  for (const auto& [name, value] : r.extra_strings)
    write_attribute(root, name, value, path);
  write_attribute(root, "status", std::string("complete"), path); // last: marks the file done
}

/// Writes /posterior, /sample_stats, /log_likelihood and the final attributes into an open file.
void flush_durably(hid_t file, const std::string& path) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), path, "flushing");
  void* handle = nullptr;
  check(H5Fget_vfd_handle(file, H5P_DEFAULT, &handle), path, "flushing");
  if (::fsync(*static_cast<int*>(handle)) != 0)
    throw std::runtime_error(path + ": fsync failed: " + std::strerror(errno));
}

void finalize_on_copy(const std::string& path,
                      const std::function<void(hid_t, const std::string&)>& write) {
  const std::string copy = path + ".finalize.tmp";
  std::string step = "compacting it into " + copy;
  try {
    // h5repack rewrites every object into a fresh file: the space left by rows that crashed runs
    // wrote after their last checkpoint (and truncated on resume) is not carried over.
    std::filesystem::remove(copy);
    run_hdf5_tool({"h5repack", path, copy}, path, "compact the finished file");
    step = "writing the posterior and final attributes";
    {
      h5::File file(check(H5Fopen(copy.c_str(), H5F_ACC_RDWR, h5::latest_format_fapl(copy)), copy,
                          "opening"));
      write(file, copy);
      check(file.close(), copy, "closing");
    }
    step = "renaming " + copy + " over it";
    h5::durable_replace(copy, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(copy, ignored);
    throw std::runtime_error(path + ": finalize failed while " + step + ": " + e.what());
  }
}

} // namespace nubayes::run_format
