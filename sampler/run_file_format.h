#pragma once
// The HDF5 building blocks every run file shares, whatever wrote it (nested sampling or MCMC):
// netCDF-4-readable datasets and dimension scales, the root attributes, opening files left by a
// crashed writer, the ArviZ [chain, draw] groups, durable flushes and the finalize-on-a-copy
// step. Internal to the run-file writers and readers; layout documented in README.md.
#include "h5_handles.h"
#include "run_file.h"

#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes::run_format {

inline constexpr const char* kSchema = "nubayes-run";
inline constexpr std::int64_t kSchemaVersion = 1;
inline constexpr const char* kLibraryVersion = "0.1.0";
inline constexpr const char* kTermPrefix = "loglike_";
inline constexpr hsize_t kChunkRows = 1024;

BadRunFile not_run_file(const std::string& path, const std::string& why);

/// Tracks and indexes creation order of links and attributes: netCDF-4 readers require it.
h5::PropList ordered_plist(hid_t cls, const std::string& path);
h5::Group create_group(hid_t file, const std::string& name, const std::string& path);
/// A dataset of shape `dims` (no filters). With `grow_axis` >= 0 that axis is unlimited and the
/// dataset chunked (`chunk_length` along it, the full extent along the others).
h5::Dataset create_dataset(hid_t file, const std::string& name, hid_t type,
                           std::vector<hsize_t> dims, int grow_axis, const std::string& path,
                           hsize_t chunk_length = kChunkRows);
h5::Dataset open_dataset(hid_t file, const std::string& name, const std::string& path);
/// Writes a whole dataset from memory of type `memtype`.
void write_all(hid_t dataset, hid_t memtype, const void* data, std::size_t n,
               const std::string& path, const std::string& what);
/// The extent of every axis of a dataset.
std::vector<hsize_t> shape(hid_t dataset, const std::string& path, const std::string& name);
/// Length of a 1-D dataset (first axis otherwise).
hsize_t length(hid_t dataset, const std::string& path, const std::string& name);
/// The first `n` entries of a 1-D dataset, converted to double by HDF5 (int64 included).
std::vector<double> read_doubles(hid_t dataset, hsize_t n, const std::string& path,
                                 const std::string& name);
/// A 1-D int64 coordinate 0..n-1 that is also the dimension scale `dim` (a netCDF dimension).
h5::Dataset create_coordinate(hid_t file, const std::string& name, const std::string& dim,
                              hsize_t n, bool extendible, const std::string& path);
void attach_scales(hid_t dataset, std::initializer_list<hid_t> scales, const std::string& name,
                   const std::string& path);
void write_variable_attributes(hid_t dataset, const VariableMeta& v, const std::string& path);
std::string optional_string_attribute(hid_t obj, const char* name, const std::string& path);
VariableMeta read_variable_meta(hid_t dataset, const std::string& name, const std::string& path);

void require_schema(hid_t file, const std::string& path);
/// schema, sampler, model, ..., status = "running", and NaN placeholders for the evidence.
void write_creation_attributes(hid_t root, const RunAttributes& a, const std::string& path);

void require_hdf5_file(const std::string& path);
/// Opens for SWMR writing, clearing the status flags first if a crash left them set.
h5::File open_for_resume(const std::string& path);
/// Opens read-only, through SWMR if a writer has it open (or crashed while it had).
h5::File open_for_reading(const std::string& path);

/// A netCDF/ArviZ group with dimensions chain and draw and their coordinates.
struct DrawGroup {
  std::string name;
  h5::Group group;
  h5::Dataset chain, draw;
  hsize_t nchains = 0, ndraw = 0;
};
DrawGroup create_draw_group(hid_t file, const std::string& name, hsize_t nchains, hsize_t ndraw,
                            const std::string& path);
/// A float64 [chain, draw] variable of `g`; `values` chain after chain.
h5::Dataset write_draws(hid_t file, const DrawGroup& g, const std::string& name,
                        const std::vector<double>& values, const std::string& path);
/// logz, logz_err, ..., the extras, then status = "complete" (last: it marks the file done).
void write_final_attributes(hid_t root, const FinalResults& r, const std::string& path);

/// H5Fflush hands the data to the OS (enough against kill -9); fsync makes it survive a power
/// cut too, so a checkpoint written after this never counts rows the disk does not hold.
void flush_durably(hid_t file, const std::string& path);
/// Copies the closed file at `path`, lets `write` add the final contents to the copy (opened
/// without SWMR), and renames the copy over `path`: a file never looks complete unless it is.
void finalize_on_copy(const std::string& path,
                      const std::function<void(hid_t, const std::string&)>& write);

} // namespace nubayes::run_format
