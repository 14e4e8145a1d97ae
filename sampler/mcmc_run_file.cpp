#include "mcmc_run_file.h"

#include "run_file_format.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace nubayes {
namespace {

using h5::check;
using namespace run_format;

constexpr const char* kGroup = "/mcmc";

std::string member(const std::string& name) {
  return std::string(kGroup) + "/" + name;
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "\n" : "") + items[i];
  return out;
}

std::vector<std::string> split_lines(const std::string& text, std::size_t expected,
                                     const std::string& path, const std::string& what) {
  std::vector<std::string> items;
  if (expected == 0) return items;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    items.push_back(line);
  if (text.ends_with('\n')) items.push_back("");
  while (items.size() < expected && text.empty())
    items.push_back("");
  if (items.size() != expected)
    throw not_run_file(path, member("samples") + " attribute " + what + " has " +
                                 std::to_string(items.size()) + " entries for " +
                                 std::to_string(expected) + " variables");
  return items;
}

/// A [chain, draw, extra...] dataset growing along draw.
struct Series {
  std::string name;
  hid_t type = H5T_IEEE_F64LE;
  hsize_t width = 0; ///< size of the third axis (0: a 2-D dataset)
  h5::Dataset dataset;
};

hsize_t chunk_draws(hsize_t nchains, hsize_t width) {
  const hsize_t per_draw = nchains * std::max<hsize_t>(width, 1);
  return std::clamp<hsize_t>(65536 / std::max<hsize_t>(per_draw, 1), 16, 4096);
}

/// Reads draws [from, to) of a [chain, draw(, width)] dataset into [chain][draw][k] order.
std::vector<double> read_block(hid_t dataset, hsize_t nchains, hsize_t from, hsize_t to,
                               hsize_t width, const std::string& path, const std::string& name) {
  const hsize_t n = to > from ? to - from : 0;
  std::vector<double> out(nchains * n * std::max<hsize_t>(width, 1));
  if (out.empty()) return out;
  const std::string what = "reading " + name;
  h5::Dataspace file_space(check(H5Dget_space(dataset), path, what));
  std::vector<hsize_t> start{0, from}, count{nchains, n};
  if (width > 0) {
    start.push_back(0);
    count.push_back(width);
  }
  check(
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      path, what);
  h5::Dataspace mem_space(
      check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), path, what));
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, mem_space, file_space, H5P_DEFAULT, out.data()), path,
        what);
  return out;
}

/// Length of the draw axis (axis 1) of a dataset.
hsize_t draw_length(hid_t dataset, const std::string& path, const std::string& name) {
  const std::vector<hsize_t> dims = shape(dataset, path, name);
  if (dims.size() < 2) throw not_run_file(path, name + " is not a [chain, draw] dataset");
  return dims[1];
}

bool has_link(hid_t file, const std::string& name, const std::string& path) {
  return check(H5Lexists(file, name.c_str(), H5P_DEFAULT), path, "looking up " + name) > 0;
}

McmcFileLayout read_mcmc_layout(hid_t file, const std::string& path) {
  McmcFileLayout layout;
  h5::Group group(
      check(H5Gopen2(file, kGroup, H5P_DEFAULT), path, std::string("opening ") + kGroup));
  layout.burn_draws =
      static_cast<std::size_t>(h5::read_number_attribute(group, "burn_draws", path));
  layout.algorithm = optional_string_attribute(group, "algorithm", path);
  layout.nchains = static_cast<std::size_t>(
      length(open_dataset(file, member("chain"), path), path, member("chain")));
  const auto nvars = static_cast<std::size_t>(
      length(open_dataset(file, member("parameter"), path), path, member("parameter")));
  if (has_link(file, member("term"), path)) {
    h5::Dataset term = open_dataset(file, member("term"), path);
    const auto nterms = static_cast<std::size_t>(length(term, path, member("term")));
    layout.terms =
        split_lines(optional_string_attribute(term, "names", path), nterms, path, "term names");
  }
  if (has_link(file, member("rung"), path))
    layout.nrungs = static_cast<std::size_t>(
        length(open_dataset(file, member("rung"), path), path, member("rung")));
  h5::Dataset samples = open_dataset(file, member("samples"), path);
  auto field = [&](const char* name) {
    return split_lines(optional_string_attribute(samples, name, path), nvars, path, name);
  };
  const auto names = field("names"), latex = field("latex"), units = field("units"),
             prior = field("prior"), derived = field("is_derived");
  for (std::size_t i = 0; i < nvars; ++i)
    layout.variables.push_back({names[i], latex[i], units[i], prior[i], derived[i] == "1"});
  return layout;
}

} // namespace

// ----- McmcRunFile -----

struct McmcRunFile::Impl {
  std::string path;
  McmcFileLayout layout;
  h5::File file; // declared before the datasets, so destroyed after them
  std::vector<Series> series;
  h5::Dataset draw; // the coordinate: append() extends it last, as the commit point
  std::size_t draws = 0;

  static Impl& live(const std::unique_ptr<Impl>& impl) {
    h5::silence_errors();
    if (!impl || !impl->file.valid())
      throw std::logic_error("McmcRunFile used after finalize() or after a move");
    return *impl;
  }

  std::vector<Series> series_specs() const {
    std::vector<Series> s;
    s.push_back({"samples", H5T_IEEE_F64LE, layout.variables.size(), {}});
    s.push_back({"log_likelihood", H5T_IEEE_F64LE, 0, {}});
    s.push_back({"log_prior", H5T_IEEE_F64LE, 0, {}});
    s.push_back({"log_posterior", H5T_IEEE_F64LE, 0, {}});
    s.push_back({"accepted", H5T_STD_I8LE, 0, {}});
    if (!layout.terms.empty())
      s.push_back({"loglike_terms", H5T_IEEE_F64LE, layout.terms.size(), {}});
    if (layout.nrungs > 0) s.push_back({"rung_log_likelihood", H5T_IEEE_F64LE, layout.nrungs, {}});
    return s;
  }

  void create_objects() {
    const hsize_t nc = layout.nchains;
    h5::Group group = create_group(file, kGroup, path);
    h5::write_attribute(group, "burn_draws", static_cast<std::int64_t>(layout.burn_draws), path);
    h5::write_attribute(group, "algorithm", layout.algorithm, path);
    h5::Dataset chain = create_coordinate(file, member("chain"), "chain", nc, false, path);
    draw = create_coordinate(file, member("draw"), "draw", 0, true, path);
    h5::Dataset parameter = create_coordinate(file, member("parameter"), "parameter",
                                              layout.variables.size(), false, path);
    h5::Dataset term, rung;
    if (!layout.terms.empty()) {
      term = create_coordinate(file, member("term"), "term", layout.terms.size(), false, path);
      h5::write_attribute(term, "names", join_lines(layout.terms), path);
    }
    if (layout.nrungs > 0)
      rung = create_coordinate(file, member("rung"), "rung", layout.nrungs, false, path);
    for (Series& s : series_specs()) {
      const std::string name = member(s.name);
      std::vector<hsize_t> dims{nc, 0};
      if (s.width > 0) dims.push_back(s.width);
      s.dataset = create_dataset(file, name, s.type, dims, 1, path, chunk_draws(nc, s.width));
      const hid_t third = s.name == "samples"         ? hid_t(parameter)
                          : s.name == "loglike_terms" ? hid_t(term)
                                                      : hid_t(rung);
      if (s.width > 0)
        attach_scales(s.dataset, {chain, draw, third}, name, path);
      else
        attach_scales(s.dataset, {chain, draw}, name, path);
      series.push_back(std::move(s));
    }
    std::vector<std::string> names, latex, units, prior, derived;
    for (const auto& v : layout.variables) {
      names.push_back(v.name);
      latex.push_back(v.latex);
      units.push_back(v.units);
      prior.push_back(v.prior);
      derived.push_back(v.is_derived ? "1" : "0");
    }
    const hid_t samples = series.front().dataset;
    h5::write_attribute(samples, "names", join_lines(names), path);
    h5::write_attribute(samples, "latex", join_lines(latex), path);
    h5::write_attribute(samples, "units", join_lines(units), path);
    h5::write_attribute(samples, "prior", join_lines(prior), path);
    h5::write_attribute(samples, "is_derived", join_lines(derived), path);
  }

  void open_objects() {
    draw = open_dataset(file, member("draw"), path);
    for (Series& s : series_specs()) {
      s.dataset = open_dataset(file, member(s.name), path);
      series.push_back(std::move(s));
    }
  }

  void truncate(std::size_t committed) {
    for (const Series& s : series)
      if (draw_length(s.dataset, path, member(s.name)) < committed)
        throw std::runtime_error(path + ": cannot resume: " + member(s.name) +
                                 " holds fewer than the " + std::to_string(committed) +
                                 " committed draws");
    const hsize_t n = committed;
    check(H5Dset_extent(draw, &n), path, "truncating " + member("draw"));
    for (const Series& s : series) {
      std::vector<hsize_t> dims{layout.nchains, n};
      if (s.width > 0) dims.push_back(s.width);
      check(H5Dset_extent(s.dataset, dims.data()), path, "truncating " + member(s.name));
    }
    draws = committed;
  }

  /// Appends n draws of one series; `data` is draw-major ([draw][chain][k]).
  template <typename T>
  void write(const Series& s, const std::vector<T>& data, std::size_t n, hid_t memtype) {
    const hsize_t nc = layout.nchains, w = std::max<hsize_t>(s.width, 1);
    if (data.size() != n * nc * w)
      throw std::invalid_argument(path + ": append: " + s.name + " has " +
                                  std::to_string(data.size()) + " values, expected " +
                                  std::to_string(n * nc * w));
    std::vector<T> chain_major(data.size());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t k = 0; k < w; ++k)
          chain_major[(c * n + i) * w + k] = data[(i * nc + c) * w + k];
    const std::string what = "appending to " + member(s.name);
    std::vector<hsize_t> end{nc, draws + n}, start{0, draws}, count{nc, n};
    if (s.width > 0) {
      end.push_back(s.width);
      start.push_back(0);
      count.push_back(s.width);
    }
    check(H5Dset_extent(s.dataset, end.data()), path, what);
    h5::Dataspace file_space(check(H5Dget_space(s.dataset), path, what));
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          path, what);
    h5::Dataspace mem_space(
        check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), path, what));
    check(H5Dwrite(s.dataset, memtype, mem_space, file_space, H5P_DEFAULT, chain_major.data()),
          path, what);
  }

  const Series& find(const std::string& name) const {
    for (const auto& s : series)
      if (s.name == name) return s;
    throw std::logic_error(path + ": no " + member(name));
  }

  void close() {
    for (Series& s : series)
      check(s.dataset.close(), path, "closing " + member(s.name));
    series.clear();
    check(draw.close(), path, "closing " + member("draw"));
    check(file.close(), path, "closing the file");
  }
};

McmcRunFile::McmcRunFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
McmcRunFile::McmcRunFile(McmcRunFile&&) noexcept = default;
McmcRunFile& McmcRunFile::operator=(McmcRunFile&&) noexcept = default;
McmcRunFile::~McmcRunFile() = default;

McmcRunFile McmcRunFile::create(const std::string& path, const McmcFileLayout& layout,
                                const RunAttributes& attributes) {
  h5::silence_errors();
  if (layout.nchains == 0)
    throw std::invalid_argument(path + ": an MCMC run file needs at least one chain");
  for (const auto& v : layout.variables)
    if (v.name.empty() || v.name.find('\n') != std::string::npos)
      throw std::invalid_argument(path + ": invalid run-file variable name '" + v.name + "'");
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->layout = layout;
  h5::PropList fcpl = ordered_plist(H5P_FILE_CREATE, path);
  impl->file =
      h5::File(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, h5::latest_format_fapl(path)),
                     path, "creating the file"));
  write_creation_attributes(impl->file, attributes, path);
  impl->create_objects();
  check(H5Fstart_swmr_write(impl->file), path, "starting SWMR writing");
  return McmcRunFile(std::move(impl));
}

McmcRunFile McmcRunFile::reopen(const std::string& path, std::size_t committed_draws) {
  h5::silence_errors();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->file = open_for_resume(path);
  require_schema(impl->file, path);
  impl->layout = read_mcmc_layout(impl->file, path);
  impl->open_objects();
  impl->truncate(committed_draws);
  flush_durably(impl->file, path);
  return McmcRunFile(std::move(impl));
}

void McmcRunFile::append(const McmcDraws& d) {
  Impl& m = Impl::live(impl_);
  if (d.n == 0) return;
  m.write(m.find("samples"), d.values, d.n, H5T_NATIVE_DOUBLE);
  m.write(m.find("log_likelihood"), d.logl, d.n, H5T_NATIVE_DOUBLE);
  m.write(m.find("log_prior"), d.logprior, d.n, H5T_NATIVE_DOUBLE);
  std::vector<double> lp(d.logl.size());
  for (std::size_t i = 0; i < lp.size(); ++i)
    lp[i] = d.logl[i] + d.logprior[i];
  m.write(m.find("log_posterior"), lp, d.n, H5T_NATIVE_DOUBLE);
  m.write(m.find("accepted"), d.accepted, d.n, H5T_NATIVE_INT8);
  if (!m.layout.terms.empty()) m.write(m.find("loglike_terms"), d.terms, d.n, H5T_NATIVE_DOUBLE);
  if (m.layout.nrungs > 0)
    m.write(m.find("rung_log_likelihood"), d.rung_logl, d.n, H5T_NATIVE_DOUBLE);
  // The coordinate last: it commits the draws.
  const hsize_t end = m.draws + d.n, start = m.draws, count = d.n;
  check(H5Dset_extent(m.draw, &end), m.path, "appending to " + member("draw"));
  std::vector<std::int64_t> index(d.n);
  for (std::size_t i = 0; i < d.n; ++i)
    index[i] = static_cast<std::int64_t>(m.draws + i);
  h5::Dataspace file_space(check(H5Dget_space(m.draw), m.path, "appending to draw"));
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr), m.path,
        "appending to draw");
  h5::Dataspace mem_space(check(H5Screate_simple(1, &count, nullptr), m.path, "appending to draw"));
  check(H5Dwrite(m.draw, H5T_NATIVE_INT64, mem_space, file_space, H5P_DEFAULT, index.data()),
        m.path, "appending to draw");
  m.draws += d.n;
}

void McmcRunFile::flush() {
  const Impl& m = Impl::live(impl_);
  flush_durably(m.file, m.path);
}

std::size_t McmcRunFile::draws() const {
  return Impl::live(impl_).draws;
}

const McmcFileLayout& McmcRunFile::layout() const {
  return Impl::live(impl_).layout;
}

std::vector<std::vector<std::vector<double>>>
McmcRunFile::read_variables(const std::vector<std::size_t>& vs, std::size_t from) const {
  const Impl& m = Impl::live(impl_);
  const std::size_t nc = m.layout.nchains, nv = m.layout.variables.size();
  for (std::size_t v : vs)
    if (v >= nv) throw std::invalid_argument("read_variables: no variable " + std::to_string(v));
  const std::vector<double> block =
      read_block(m.find("samples").dataset, nc, from, m.draws, nv, m.path, member("samples"));
  const std::size_t n = m.draws > from ? m.draws - from : 0;
  std::vector<std::vector<std::vector<double>>> out(
      vs.size(), std::vector<std::vector<double>>(nc, std::vector<double>(n)));
  for (std::size_t k = 0; k < vs.size(); ++k)
    for (std::size_t c = 0; c < nc; ++c)
      for (std::size_t i = 0; i < n; ++i)
        out[k][c][i] = block[(c * n + i) * nv + vs[k]];
  return out;
}

std::vector<std::vector<std::vector<double>>> McmcRunFile::read_rung_logl(std::size_t from) const {
  const Impl& m = Impl::live(impl_);
  const std::size_t nc = m.layout.nchains, k = m.layout.nrungs;
  if (k == 0) return {};
  const std::vector<double> block = read_block(m.find("rung_log_likelihood").dataset, nc, from,
                                               m.draws, k, m.path, member("rung_log_likelihood"));
  const std::size_t n = m.draws > from ? m.draws - from : 0;
  std::vector<std::vector<std::vector<double>>> out(
      k, std::vector<std::vector<double>>(nc, std::vector<double>(n)));
  for (std::size_t c = 0; c < nc; ++c)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t r = 0; r < k; ++r)
        out[r][c][i] = block[(c * n + i) * k + r];
  return out;
}

void McmcRunFile::finalize(const FinalResults& results,
                           const std::map<std::string, VariableDiagnostics>& diagnostics,
                           const std::vector<double>& betas) {
  Impl& m = Impl::live(impl_);
  const std::string path = m.path;
  const McmcFileLayout layout = m.layout;
  const hsize_t total = m.draws, burn = std::min<hsize_t>(layout.burn_draws, total);
  try {
    flush_durably(m.file, path);
    m.close();
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": finalize failed while closing the SWMR file: " + e.what());
  }
  finalize_on_copy(path, [&](hid_t file, const std::string& copy) {
    const hsize_t nc = layout.nchains, nv = layout.variables.size(), nt = layout.terms.size();
    const hsize_t ndraw = total - burn;
    auto block = [&](const char* name, hsize_t width) {
      return read_block(open_dataset(file, member(name), copy), nc, burn, total, width, copy,
                        member(name));
    };
    // Column k of a [chain][draw][width] block, chain after chain.
    auto column = [&](const std::vector<double>& b, hsize_t width, hsize_t k) {
      std::vector<double> out(nc * ndraw);
      for (hsize_t i = 0; i < nc * ndraw; ++i)
        out[i] = b[i * width + k];
      return out;
    };
    {
      const std::vector<double> samples = block("samples", nv);
      const DrawGroup posterior = create_draw_group(file, "posterior", nc, ndraw, copy);
      for (hsize_t v = 0; v < nv; ++v) {
        const VariableMeta& meta = layout.variables[v];
        h5::Dataset ds = write_draws(file, posterior, meta.name, column(samples, nv, v), copy);
        write_variable_attributes(ds, meta, copy);
        if (const auto it = diagnostics.find(meta.name); it != diagnostics.end()) {
          h5::write_attribute(ds, "rhat", it->second.rhat, copy);
          h5::write_attribute(ds, "ess_bulk", it->second.ess_bulk, copy);
          h5::write_attribute(ds, "ess_tail", it->second.ess_tail, copy);
          h5::write_attribute(ds, "tau", it->second.tau, copy);
        }
      }
    }
    {
      const DrawGroup stats = create_draw_group(file, "sample_stats", nc, ndraw, copy);
      write_draws(file, stats, "loglike", block("log_likelihood", 0), copy);
      write_draws(file, stats, "logprior", block("log_prior", 0), copy);
      write_draws(file, stats, "lp", block("log_posterior", 0), copy);
      write_draws(file, stats, "accepted", block("accepted", 0), copy);
    }
    {
      const DrawGroup loglike = create_draw_group(file, "log_likelihood", nc, ndraw, copy);
      if (nt > 0) {
        const std::vector<double> terms = block("loglike_terms", nt);
        for (hsize_t t = 0; t < nt; ++t)
          write_draws(file, loglike, layout.terms[t], column(terms, nt, t), copy);
      }
    }
    if (!betas.empty()) {
      const std::string name = member("betas");
      h5::Dataset ds = create_dataset(file, name, H5T_IEEE_F64LE, {betas.size()}, -1, copy);
      attach_scales(ds, {open_dataset(file, member("rung"), copy)}, name, copy);
      write_all(ds, H5T_NATIVE_DOUBLE, betas.data(), betas.size(), copy, "writing " + name);
    }
    write_final_attributes(file, results, copy);
  });
}

// ----- reading -----

void read_mcmc_contents(hid_t file, const std::string& path, RunFileContents& contents) {
  const McmcFileLayout layout = read_mcmc_layout(file, path);
  contents.variables = layout.variables;
  contents.terms = layout.terms;
  contents.mcmc_algorithm = layout.algorithm;
  // The coordinate is extended last by the writer: it bounds what every dataset holds.
  hsize_t total = length(open_dataset(file, member("draw"), path), path, member("draw"));
  std::vector<std::pair<std::string, h5::Dataset>> sets;
  for (const char* name : {"samples", "log_likelihood", "log_prior", "accepted"}) {
    sets.emplace_back(name, open_dataset(file, member(name), path));
    total = std::min(total, draw_length(sets.back().second, path, member(name)));
  }
  if (!layout.terms.empty()) {
    sets.emplace_back("loglike_terms", open_dataset(file, member("loglike_terms"), path));
    total = std::min(total, draw_length(sets.back().second, path, member("loglike_terms")));
  }
  const hsize_t nc = layout.nchains, burn = std::min<hsize_t>(layout.burn_draws, total),
                n = total - burn;
  contents.mcmc_chains = nc;
  contents.mcmc_draws = total;
  contents.mcmc_burn = layout.burn_draws;
  contents.rows = nc * n;
  auto columns_of = [&](const h5::Dataset& ds, hsize_t width, const std::string& name,
                        const std::vector<std::string>& column_names) {
    const std::vector<double> b = read_block(ds, nc, burn, total, width, path, member(name));
    const hsize_t w = std::max<hsize_t>(width, 1);
    for (hsize_t k = 0; k < w; ++k) {
      std::vector<double> col(nc * n);
      for (hsize_t i = 0; i < nc * n; ++i)
        col[i] = b[i * w + k];
      contents.columns[column_names[k]] = std::move(col);
    }
  };
  std::vector<std::string> var_names;
  for (const auto& v : layout.variables)
    var_names.push_back(v.name);
  std::vector<std::string> term_names;
  for (const auto& t : layout.terms)
    term_names.push_back(kTermPrefix + t);
  for (const auto& [name, ds] : sets) {
    if (name == "samples")
      columns_of(ds, layout.variables.size(), name, var_names);
    else if (name == "log_likelihood")
      columns_of(ds, 0, name, {"logl"});
    else if (name == "log_prior")
      columns_of(ds, 0, name, {"logprior"});
    else if (name == "accepted")
      columns_of(ds, 0, name, {"accepted"});
    else
      columns_of(ds, layout.terms.size(), name, term_names);
  }
  contents.columns["logwt"] = std::vector<double>(nc * n, 0.0);
}

} // namespace nubayes
