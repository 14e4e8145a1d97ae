#pragma once
// Strict readers for the whitespace-separated numeric text files under inputs/ (data releases,
// covariance matrices, Monte-Carlo ntuples). Blank lines and lines starting with '#' are skipped;
// everything else must be finite numbers in the expected layout. Any problem is one
// std::runtime_error, one line, naming the file (and the line where there is one), e.g.
//   inputs/miniboone/2018/fhc/miniboone_numu.txt:1: expected 8 numbers, found 7
#include <Eigen/Core>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace nubayes {

/// A numeric table read from a file: rows() rows of `columns` numbers, stored row-major.
struct Table {
  std::size_t columns = 0;
  std::vector<double> values;

  std::size_t rows() const { return columns == 0 ? 0 : values.size() / columns; }
  std::span<const double> row(std::size_t i) const {
    return {values.data() + i * columns, columns};
  }
};

/// The input-data directory: $NUBAYES_INPUTS if set and not empty, else the source tree's inputs/
/// (compiled in as NUBAYES_INPUTS_DIR) while it exists, else the installed share/nubayes/inputs.
std::filesystem::path inputs_dir();

/// Every number in the file, whatever the line layout; there must be exactly `expected_length`.
std::vector<double> read_vector(const std::filesystem::path& path, std::size_t expected_length);

/// Exactly `rows` lines of `cols` numbers each. `csv`: numbers separated by commas instead of
/// blanks (e.g. the PROSPECT release), each field a number.
Eigen::MatrixXd read_matrix(const std::filesystem::path& path, std::size_t rows, std::size_t cols,
                            bool csv = false);

/// One or more lines of `columns` numbers each (one table row per line); `csv` as above.
Table read_table(const std::filesystem::path& path, std::size_t columns, bool csv = false);

/// The shape check every reader makes of what it read: throws unless `found` == `expected`, one
/// line naming the file and both counts, e.g. "inputs/lsnd/DAR_mubar.dat: expected 53 rows, found
/// 52". `what` names the unit ("rows", "bins", "events", "rows (120 x 120 grid)").
void expect_rows(std::size_t found, std::size_t expected, const std::filesystem::path& path,
                 std::string_view what = "rows");
inline void expect_rows(const Table& table, std::size_t expected, const std::filesystem::path& path,
                        std::string_view what = "rows") {
  expect_rows(table.rows(), expected, path, what);
}

/// Throws unless every value is >= 0 (event counts); the message names the file and the entry.
void check_non_negative(std::span<const double> values, const std::filesystem::path& path);

/// Throws unless the matrix is square and |a_ij - a_ji| <= tolerance * max(|a_ij|, |a_ji|); the
/// message names the file and the first offending (row, column), 1-based.
void check_symmetric(const Eigen::MatrixXd& matrix, const std::filesystem::path& path,
                     double tolerance = 0.0);

} // namespace nubayes
