#include "run_file.h"

#include "h5_handles.h"

#include <hdf5_hl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <set>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nubayes {
namespace {

using h5::check;

constexpr const char* kSchema = "nubayes-run";
constexpr std::int64_t kSchemaVersion = 1;
constexpr const char* kLibraryVersion = "0.1.0";
constexpr const char* kGroup = "/nested_sampling";
constexpr const char* kSample = "sample"; // dimension and coordinate of /nested_sampling
constexpr const char* kTermPrefix = "loglike_";
constexpr hsize_t kChunkRows = 1024;

std::string member(const std::string& name) {
  return std::string(kGroup) + "/" + name;
}

std::runtime_error not_run_file(const std::string& path, const std::string& why) {
  return std::runtime_error(path + ": not a nubayes run file (" + why + ")");
}

// ----- layout -----

struct ColumnSpec {
  std::string name;
  bool integer = false;
};

/// The /nested_sampling columns in file order (after the `sample` coordinate).
std::vector<ColumnSpec> column_specs(const RunFileLayout& layout) {
  std::vector<ColumnSpec> specs;
  for (const auto& v : layout.variables)
    specs.push_back({v.name, false});
  for (const auto& t : layout.terms)
    specs.push_back({kTermPrefix + t, false});
  for (const char* name : {"logl", "logl_birth", "logprior", "logwt"})
    specs.push_back({name, false});
  for (const char* name : {"nlive", "insertion_rank"})
    specs.push_back({name, true});
  return specs;
}

/// Names become HDF5 links in /nested_sampling, and variables and terms also netCDF variables
/// next to the `chain` and `draw` coordinates of /posterior and /log_likelihood.
void validate_layout(const RunFileLayout& layout, const std::string& path) {
  std::set<std::string> seen = {kSample, "chain", "draw"};
  auto check_name = [&](const std::string& name) {
    if (name.empty() || name == "." || name.find('/') != std::string::npos ||
        !seen.insert(name).second)
      throw std::invalid_argument(path + ": invalid or duplicate run-file variable name '" + name +
                                  "'");
  };
  for (const auto& term : layout.terms)
    check_name(term);
  for (const auto& spec : column_specs(layout))
    check_name(spec.name);
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

/// A dataset of shape `dims` (no filters). `extendible`: 1-D, unlimited and chunked.
h5::Dataset create_dataset(hid_t file, const std::string& name, hid_t type,
                           std::vector<hsize_t> dims, bool extendible, const std::string& path) {
  const std::string what = "creating dataset " + name;
  h5::PropList dcpl = ordered_plist(H5P_DATASET_CREATE, path);
  std::vector<hsize_t> maxdims = dims;
  if (extendible) {
    maxdims[0] = H5S_UNLIMITED;
    check(H5Pset_chunk(dcpl, 1, &kChunkRows), path, what);
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
hsize_t length(hid_t dataset, const std::string& path, const std::string& name) {
  h5::Dataspace space(check(H5Dget_space(dataset), path, "reading the shape of " + name));
  hsize_t dims[H5S_MAX_RANK];
  const int rank =
      check(H5Sget_simple_extent_dims(space, dims, nullptr), path, "reading the shape of " + name);
  return rank > 0 ? dims[0] : 1;
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
  h5::Dataset coordinate = create_dataset(file, name, H5T_STD_I64LE, {n}, extendible, path);
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
std::vector<std::string> column_names(hid_t file, const std::string& path) {
  h5::Group group(
      check(H5Gopen2(file, kGroup, H5P_DEFAULT), path, std::string("opening ") + kGroup));
  std::vector<std::string> names = h5::link_names(group, path);
  std::erase(names, std::string(kSample));
  return names;
}

/// Variables are the columns carrying `is_derived`; terms the other `loglike_*` columns.
RunFileLayout read_layout(hid_t file, const std::string& path) {
  RunFileLayout layout;
  for (const auto& name : column_names(file, path)) {
    h5::Dataset dataset = open_dataset(file, member(name), path);
    if (check(H5Aexists(dataset, "is_derived"), path, "reading " + member(name)) > 0)
      layout.variables.push_back(read_variable_meta(dataset, name, path));
    else if (name.starts_with(kTermPrefix))
      layout.terms.push_back(name.substr(std::strlen(kTermPrefix)));
  }
  return layout;
}

void require_schema(hid_t file, const std::string& path) {
  if (check(H5Aexists(file, "schema"), path, "looking up attribute schema") <= 0)
    throw not_run_file(path, "no schema attribute");
  const std::string schema = h5::read_string_attribute(file, "schema", path);
  if (schema != kSchema) throw not_run_file(path, "schema is \"" + schema + "\"");
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

/// HDF5 refuses to open a file whose superblock still says "open for writing" (its writer was
/// killed) and suggests h5clear in its error message.
bool status_flags_set(const std::string& hdf5_error) {
  return hdf5_error.find("h5clear") != std::string::npos;
}

/// Runs `h5clear -s -i path` (hdf5-tools): -s resets the superblock status flags, -i moves the
/// end-of-allocation mark past the end of file in case the crash left them inconsistent.
void run_h5clear(const std::string& path) {
  std::string program = "h5clear", status = "-s", increment = "-i", file = path;
  char* argv[] = {program.data(), status.data(), increment.data(), file.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error(path + ": cannot run h5clear to clear the status flags left by a " +
                             "crashed writer: " + std::strerror(rc) +
                             (rc == ENOENT ? " (install hdf5-tools, or put h5clear on PATH)" : ""));
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR)
      throw std::runtime_error(path + ": waiting for h5clear: " + std::strerror(errno));
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
    throw std::runtime_error(path + ": `h5clear -s -i " + path + "` failed (wait status " +
                             std::to_string(wstatus) + ")");
}

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
    throw std::runtime_error(path + ": the program writing this file did not close it (crash or " +
                             "kill?); resume the run with `nubayes run --resume`, or make the " +
                             "file readable with `h5clear -s -i " + path + "`");
  throw std::runtime_error(path + ": cannot open (" + error + ")");
}

// ----- finalize -----

/// A netCDF/ArviZ group with dimensions chain (1) and draw (ndraw) and their coordinates.
struct DrawGroup {
  std::string name;
  h5::Group group;
  h5::Dataset chain, draw;
};

DrawGroup create_draw_group(hid_t file, const std::string& name, hsize_t ndraw,
                            const std::string& path) {
  DrawGroup g;
  g.name = "/" + name;
  g.group = create_group(file, g.name, path);
  g.chain = create_coordinate(file, g.name + "/chain", "chain", 1, false, path);
  g.draw = create_coordinate(file, g.name + "/draw", "draw", ndraw, false, path);
  return g;
}

/// A float64 [chain, draw] variable of `g`.
h5::Dataset write_draws(hid_t file, const DrawGroup& g, const std::string& name,
                        const std::vector<double>& values, const std::string& path) {
  const std::string full = g.name + "/" + name;
  h5::Dataset dataset = create_dataset(file, full, H5T_IEEE_F64LE, {1, values.size()}, false, path);
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
void write_final_contents(hid_t file, const FinalResults& r, const std::string& path) {
  const hsize_t rows = length(open_dataset(file, member(kSample), path), path, member(kSample));
  for (std::size_t row : r.posterior_rows)
    if (row >= rows)
      throw std::invalid_argument("posterior row " + std::to_string(row) + " is beyond the " +
                                  std::to_string(rows) + " rows of " + kGroup);
  const RunFileLayout layout = read_layout(file, path);
  // The posterior_rows of one /nested_sampling column.
  auto draws = [&](const std::string& column) {
    const std::vector<double> all =
        read_doubles(open_dataset(file, member(column), path), rows, path, member(column));
    std::vector<double> selected;
    selected.reserve(r.posterior_rows.size());
    for (std::size_t row : r.posterior_rows)
      selected.push_back(all[row]);
    return selected;
  };
  const hsize_t ndraw = r.posterior_rows.size();
  {
    const DrawGroup posterior = create_draw_group(file, "posterior", ndraw, path);
    for (const auto& v : layout.variables)
      write_variable_attributes(write_draws(file, posterior, v.name, draws(v.name), path), v, path);
  }
  {
    const DrawGroup stats = create_draw_group(file, "sample_stats", ndraw, path);
    const std::vector<double> loglike = draws("logl"), logprior = draws("logprior");
    std::vector<double> lp(ndraw);
    std::transform(loglike.begin(), loglike.end(), logprior.begin(), lp.begin(), std::plus<>());
    write_draws(file, stats, "loglike", loglike, path);
    write_draws(file, stats, "logprior", logprior, path);
    write_draws(file, stats, "lp", lp, path);
  }
  {
    const DrawGroup loglike = create_draw_group(file, "log_likelihood", ndraw, path);
    for (const auto& term : layout.terms)
      write_draws(file, loglike, term, draws(kTermPrefix + term), path);
  }
  write_final_attributes(file, r, path);
}

/// Opens `copy` (not SWMR), writes the final contents and closes it.
void write_final_file(const std::string& copy, const FinalResults& r) {
  h5::File file(
      check(H5Fopen(copy.c_str(), H5F_ACC_RDWR, h5::latest_format_fapl(copy)), copy, "opening"));
  write_final_contents(file, r, copy);
  check(file.close(), copy, "closing");
}

} // namespace

// ----- RunFile -----

struct RunFile::Impl {
  struct Column {
    std::string name;
    bool integer = false;
    h5::Dataset dataset;
  };

  std::string path;
  RunFileLayout layout;
  h5::File file;               // declared before the datasets, so destroyed after them
  std::vector<Column> columns; // column_specs(layout) order
  h5::Dataset sample;          // the coordinate: append() writes it last, as the commit point
  std::size_t rows = 0;

  /// This object, if it is still open; throws otherwise.
  static Impl& live(const std::unique_ptr<Impl>& impl) {
    h5::silence_errors(); // in case this is another thread than the one that opened the file
    if (!impl || !impl->file.valid())
      throw std::logic_error("RunFile used after finalize() or after being moved from");
    return *impl;
  }

  void create_nested_sampling() {
    create_group(file, kGroup, path);
    sample = create_coordinate(file, member(kSample), kSample, 0, true, path);
    for (const auto& spec : column_specs(layout)) {
      const std::string name = member(spec.name);
      h5::Dataset dataset = create_dataset(
          file, name, spec.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, {0}, true, path);
      attach_scales(dataset, {sample}, name, path);
      columns.push_back({spec.name, spec.integer, std::move(dataset)});
    }
    for (std::size_t i = 0; i < layout.variables.size(); ++i)
      write_variable_attributes(columns[i].dataset, layout.variables[i], path);
  }

  void open_nested_sampling() {
    sample = open_dataset(file, member(kSample), path);
    for (const auto& spec : column_specs(layout))
      columns.push_back({spec.name, spec.integer, open_dataset(file, member(spec.name), path)});
  }

  /// Cuts every dataset back to `committed` rows; refuses (changing nothing) if one is shorter.
  void truncate(std::size_t committed) {
    const hsize_t n = committed;
    for (const Column& c : columns)
      if (length(c.dataset, path, member(c.name)) < n)
        throw std::runtime_error(path + ": cannot resume: " + member(c.name) +
                                 " holds fewer than the " + std::to_string(n) + " committed rows");
    if (length(sample, path, member(kSample)) < n)
      throw std::runtime_error(path + ": cannot resume: the file holds fewer than the " +
                               std::to_string(n) + " committed rows");
    // The coordinate first: readers then never count rows that are being cut.
    check(H5Dset_extent(sample, &n), path, "truncating " + member(kSample));
    for (const Column& c : columns)
      check(H5Dset_extent(c.dataset, &n), path, "truncating " + member(c.name));
    rows = committed;
  }

  /// Extends `dataset` to rows + n and writes `data` at row `rows`.
  void write_rows(hid_t dataset, bool integer, const void* data, std::size_t n,
                  const std::string& name) const {
    const std::string what = "appending to " + member(name);
    const hsize_t start = rows, count = n, end = rows + n;
    check(H5Dset_extent(dataset, &end), path, what);
    h5::Dataspace file_space(check(H5Dget_space(dataset), path, what));
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr), path,
          what);
    h5::Dataspace mem_space(check(H5Screate_simple(1, &count, nullptr), path, what));
    check(H5Dwrite(dataset, integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, mem_space, file_space,
                   H5P_DEFAULT, data),
          path, what);
  }

  /// H5Fflush hands the data to the OS (enough against kill -9); fsync makes it survive a power
  /// cut too, so a checkpoint written after flush() never counts rows the disk does not hold.
  void flush() const {
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), path, "flushing");
    void* handle = nullptr;
    check(H5Fget_vfd_handle(file, H5P_DEFAULT, &handle), path, "flushing");
    if (::fsync(*static_cast<int*>(handle)) != 0)
      throw std::runtime_error(path + ": fsync failed: " + std::strerror(errno));
  }

  /// Closes every object, then the file (which clears its SWMR status flags).
  void close() {
    for (Column& c : columns)
      check(c.dataset.close(), path, "closing " + member(c.name));
    columns.clear();
    check(sample.close(), path, "closing " + member(kSample));
    check(file.close(), path, "closing the file");
  }
};

RunFile::RunFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunFile::RunFile(RunFile&&) noexcept = default;
RunFile& RunFile::operator=(RunFile&&) noexcept = default;
RunFile::~RunFile() = default; // handles close without throwing; H5Fclose flushes

RunFile RunFile::create(const std::string& path, const RunFileLayout& layout,
                        const RunAttributes& attributes) {
  h5::silence_errors();
  validate_layout(layout, path);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->layout = layout;
  h5::PropList fcpl = ordered_plist(H5P_FILE_CREATE, path);
  impl->file =
      h5::File(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, h5::latest_format_fapl(path)),
                     path, "creating the file"));
  write_creation_attributes(impl->file, attributes, path);
  impl->create_nested_sampling();
  // SWMR forbids creating objects and attributes from here on: everything exists already.
  check(H5Fstart_swmr_write(impl->file), path, "starting SWMR writing");
  return RunFile(std::move(impl));
}

RunFile RunFile::reopen(const std::string& path, std::size_t committed_rows) {
  h5::silence_errors();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->file = open_for_resume(path);
  require_schema(impl->file, path);
  impl->layout = read_layout(impl->file, path);
  impl->open_nested_sampling();
  impl->truncate(committed_rows);
  impl->flush();
  return RunFile(std::move(impl));
}

void RunFile::append(const SampleRows& block) {
  Impl& m = Impl::live(impl_);
  const std::size_t n = block.n, nv = m.layout.variables.size(), nt = m.layout.terms.size();
  auto expect = [&](std::size_t size, std::size_t wanted, const char* what) {
    if (size != wanted)
      throw std::invalid_argument(m.path + ": append: " + what + " has " + std::to_string(size) +
                                  " entries, expected " + std::to_string(wanted));
  };
  expect(block.values.size(), n * nv, "values");
  expect(block.terms.size(), n * nt, "terms");
  for (const auto* v : {&block.logl, &block.logl_birth, &block.logprior, &block.logwt})
    expect(v->size(), n, "a per-row column");
  for (const auto* v : {&block.nlive, &block.insertion_rank})
    expect(v->size(), n, "a per-row column");
  if (n == 0) return;

  auto column = m.columns.begin();
  std::vector<double> strided(n);
  auto write_strided = [&](const std::vector<double>& source, std::size_t stride) {
    for (std::size_t j = 0; j < stride; ++j, ++column) {
      for (std::size_t i = 0; i < n; ++i)
        strided[i] = source[i * stride + j];
      m.write_rows(column->dataset, false, strided.data(), n, column->name);
    }
  };
  write_strided(block.values, nv);
  write_strided(block.terms, nt);
  for (const auto* v : {&block.logl, &block.logl_birth, &block.logprior, &block.logwt}) {
    m.write_rows(column->dataset, false, v->data(), n, column->name);
    ++column;
  }
  for (const auto* v : {&block.nlive, &block.insertion_rank}) {
    m.write_rows(column->dataset, true, v->data(), n, column->name);
    ++column;
  }

  std::vector<std::int64_t> index(n);
  std::iota(index.begin(), index.end(), static_cast<std::int64_t>(m.rows));
  m.write_rows(m.sample, true, index.data(), n, kSample); // last: commits the rows
  m.rows += n;
}

void RunFile::flush() {
  Impl::live(impl_).flush();
}

std::size_t RunFile::rows() const {
  return Impl::live(impl_).rows;
}

std::vector<double> RunFile::read_column(const std::string& name) const {
  const Impl& m = Impl::live(impl_);
  if (name == kSample) return read_doubles(m.sample, m.rows, m.path, member(name));
  for (const auto& c : m.columns)
    if (c.name == name) return read_doubles(c.dataset, m.rows, m.path, member(name));
  throw std::invalid_argument(m.path + ": no column " + name + " in " + kGroup);
}

void RunFile::finalize(const FinalResults& results) {
  Impl& m = Impl::live(impl_);
  const std::string& path = m.path;
  const std::string copy = path + ".finalize.tmp";
  std::string step = "closing the SWMR file";
  try {
    m.flush();
    m.close();
    step = "copying it to " + copy;
    std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
    step = "writing the posterior and final attributes";
    write_final_file(copy, results);
    step = "renaming " + copy + " over it";
    h5::durable_replace(copy, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(copy, ignored);
    throw std::runtime_error(path + ": finalize failed while " + step + ": " + e.what());
  }
}

const std::string& RunFile::path() const {
  static const std::string none;
  return impl_ ? impl_->path : none;
}

// ----- reading -----

RunFileContents read_run_file(const std::string& path) {
  h5::silence_errors();
  h5::File file = open_for_reading(path);
  require_schema(file, path);
  RunFileContents contents;
  for (const auto& name : h5::attribute_names(file, path)) {
    const H5T_class_t cls = h5::attribute_class(file, name, path);
    if (cls == H5T_STRING)
      contents.string_attributes[name] = h5::read_string_attribute(file, name, path);
    else if (cls == H5T_INTEGER || cls == H5T_FLOAT)
      contents.number_attributes[name] = h5::read_number_attribute(file, name, path);
  }
  RunFileLayout layout = read_layout(file, path);
  contents.variables = std::move(layout.variables);
  contents.terms = std::move(layout.terms);

  // The coordinate is extended last by the writer, so it bounds the rows that every column holds;
  // opening it first means no column opened later can look shorter.
  h5::Dataset sample = open_dataset(file, member(kSample), path);
  hsize_t rows = length(sample, path, member(kSample));
  std::vector<std::pair<std::string, h5::Dataset>> columns;
  for (const auto& name : column_names(file, path)) {
    columns.emplace_back(name, open_dataset(file, member(name), path));
    rows = std::min(rows, length(columns.back().second, path, member(name)));
  }
  contents.rows = rows;
  for (const auto& [name, dataset] : columns)
    contents.columns[name] = read_doubles(dataset, rows, path, member(name));
  return contents;
}

} // namespace nubayes
