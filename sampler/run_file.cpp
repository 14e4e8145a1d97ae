#include "run_file.h"

#include "mcmc_run_file.h"
#include "run_file_format.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>
#include <stdexcept>

namespace nubayes {
namespace {

using h5::check;
using namespace run_format;

constexpr const char* kGroup = "/nested_sampling";
constexpr const char* kSample = "sample"; // dimension and coordinate of /nested_sampling

std::string member(const std::string& name) {
  return std::string(kGroup) + "/" + name;
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
    const DrawGroup posterior = create_draw_group(file, "posterior", 1, ndraw, path);
    for (const auto& v : layout.variables)
      write_variable_attributes(write_draws(file, posterior, v.name, draws(v.name), path), v, path);
  }
  {
    const DrawGroup stats = create_draw_group(file, "sample_stats", 1, ndraw, path);
    const std::vector<double> loglike = draws("logl"), logprior = draws("logprior");
    std::vector<double> lp(ndraw);
    std::transform(loglike.begin(), loglike.end(), logprior.begin(), lp.begin(), std::plus<>());
    write_draws(file, stats, "loglike", loglike, path);
    write_draws(file, stats, "logprior", logprior, path);
    write_draws(file, stats, "lp", lp, path);
  }
  {
    const DrawGroup loglike = create_draw_group(file, "log_likelihood", 1, ndraw, path);
    for (const auto& term : layout.terms)
      write_draws(file, loglike, term, draws(kTermPrefix + term), path);
  }
  write_final_attributes(file, r, path);
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
          file, name, spec.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE, {0}, 0, path);
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

  void flush() const { flush_durably(file, path); }

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
  const std::string path = m.path;
  try {
    m.flush();
    m.close();
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": finalize failed while closing the SWMR file: " + e.what());
  }
  finalize_on_copy(path, [&](hid_t file, const std::string& copy) { write_final_contents(file, results, copy); });
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
  if (check(H5Lexists(file, "/mcmc", H5P_DEFAULT), path, "looking up /mcmc") > 0) {
    read_mcmc_contents(file, path, contents);
    return contents;
  }
  RunFileLayout layout = read_layout(file, path);
  contents.variables = std::move(layout.variables);
  contents.terms = std::move(layout.terms);

  // The coordinate is extended last by the writer, so it bounds the rows that every column holds;
  // opening it first means no column opened later can look shorter.
  // In a finished file every column has exactly the coordinate's rows; anything else is damage.
  // A file still being written, or left by a SIGKILL, may have columns of other lengths: HDF5
  // does not persist the extents of several datasets in the writer's order, so the rows that
  // every column holds (the shortest) are the committed ones, as resume takes them.
  h5::Dataset sample = open_dataset(file, member(kSample), path);
  hsize_t rows = length(sample, path, member(kSample));
  std::vector<std::pair<std::string, h5::Dataset>> columns;
  for (const auto& name : column_names(file, path)) {
    columns.emplace_back(name, open_dataset(file, member(name), path));
    const hsize_t n = length(columns.back().second, path, member(name));
    if (n != rows && contents.complete())
      throw BadRunFile(path + ": damaged run file: " + member(name) + " has " + std::to_string(n) +
                       " rows, " + member(kSample) + " has " + std::to_string(rows));
    rows = std::min(rows, n);
  }
  contents.rows = rows;
  for (const auto& [name, dataset] : columns)
    contents.columns[name] = read_doubles(dataset, rows, path, member(name));
  return contents;
}

} // namespace nubayes
