#pragma once
// Strict readers for the MiniBooNE detector-side tables (flux, efficiencies, digitised
// distributions) on top of table_reader: layout errors come from read_table with their line; the
// value checks here name the file line of the offending data row too. One std::runtime_error,
// one line, e.g.  inputs/miniboone/efficiency/eg_effs.dat:7: efficiency outside [0, 1]
#include "table_reader.h"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace nubayes::miniboone {

/// File line (1-based) of data row `row` (0-based; blank and '#' lines are not rows); 0 if none.
std::size_t line_of_row(const std::filesystem::path& path, std::size_t row);

/// Throws "path:LINE: what" for data row `row`.
[[noreturn]] void fail_row(const std::filesystem::path& path, std::size_t row,
                           const std::string& what);

/// A table of `columns` numbers per line with exactly `rows` rows.
Table read_rows(const std::filesystem::path& path, std::size_t rows, std::size_t columns);

/// Exactly `count` strictly increasing numbers (bin edges), any line layout.
std::vector<double> read_edges(const std::filesystem::path& path, std::size_t count);

} // namespace nubayes::miniboone
