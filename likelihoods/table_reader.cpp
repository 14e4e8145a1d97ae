#include "table_reader.h"

#include "input_files.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#ifndef NUBAYES_INPUTS_DIR
#define NUBAYES_INPUTS_DIR "inputs"
#endif

namespace nubayes {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

[[noreturn]] void fail(const fs::path& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + what);
}

std::string to_text(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

/// The token as it appears in a message: quoted, and cut short if very long.
std::string quoted(std::string_view token) {
  constexpr std::size_t max_shown = 40;
  std::string out = "'";
  out.append(token.substr(0, max_shown));
  if (token.size() > max_shown) out += "...";
  out += '\'';
  return out;
}

double parse_number(std::string_view token, const fs::path& path, std::size_t line) {
  std::string_view digits = token;
  if (digits.size() > 1 && digits.front() == '+') digits.remove_prefix(1); // from_chars rejects '+'
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range)
    fail(path, line, "number out of range: " + quoted(token));
  if (ec != std::errc() || end != digits.data() + digits.size())
    fail(path, line, "not a number: " + quoted(token));
  if (!std::isfinite(value)) fail(path, line, "not a finite number: " + quoted(token));
  return value;
}

constexpr std::string_view blanks = " \t\r\f\v";

/// Calls on_line(line_number, numbers) for each data line (not blank, not a '#' comment).
/// Numbers are separated by blanks, or with `csv` by one comma each (blanks around it allowed).
template <class OnLine>
void for_each_data_line(const fs::path& path, OnLine&& on_line, bool csv = false) {
  const std::string text = read_input_file(path);
  std::vector<double> numbers;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    const std::string_view line(text.data() + start, stop - start);
    start = stop + 1;
    ++line_number;

    numbers.clear();
    std::size_t i = line.find_first_not_of(blanks);
    if (i == std::string_view::npos || line[i] == '#') continue;
    if (csv) {
      for (std::size_t field = i;;) {
        const std::size_t comma = std::min(line.find(',', field), line.size());
        std::string_view token = line.substr(field, comma - field);
        const auto b = token.find_first_not_of(blanks);
        if (b == std::string_view::npos) fail(path, line_number, "empty field");
        token = token.substr(b, token.find_last_not_of(blanks) - b + 1);
        numbers.push_back(parse_number(token, path, line_number));
        if (comma == line.size()) break;
        field = comma + 1;
      }
      on_line(line_number, std::span<const double>(numbers));
      continue;
    }
    while (i != std::string_view::npos) {
      const std::size_t token_end = std::min(line.find_first_of(blanks, i), line.size());
      numbers.push_back(parse_number(line.substr(i, token_end - i), path, line_number));
      i = line.find_first_not_of(blanks, token_end);
    }
    on_line(line_number, std::span<const double>(numbers));
  }
}

std::string count_text(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what;
}

} // namespace

fs::path inputs_dir() {
  if (const char* env = std::getenv("NUBAYES_INPUTS"); env != nullptr && *env != '\0') return env;
  // The source tree's copy while it exists (builds and tests), else the installed copy.
  if (fs::is_directory(NUBAYES_INPUTS_DIR)) return NUBAYES_INPUTS_DIR;
  return NUBAYES_INSTALLED_INPUTS_DIR;
}

std::vector<double> read_vector(const fs::path& path, std::size_t expected_length) {
  std::vector<double> values;
  values.reserve(expected_length);
  for_each_data_line(path, [&](std::size_t line, std::span<const double> numbers) {
    if (values.size() + numbers.size() > expected_length)
      fail(path, line, "more than " + count_text(expected_length, "numbers"));
    values.insert(values.end(), numbers.begin(), numbers.end());
  });
  if (values.size() != expected_length)
    fail(path, "expected " + count_text(expected_length, "numbers") + ", found " +
                   std::to_string(values.size()));
  return values;
}

Eigen::MatrixXd read_matrix(const fs::path& path, std::size_t rows, std::size_t cols, bool csv) {
  Eigen::MatrixXd matrix(rows, cols);
  std::size_t row = 0;
  for_each_data_line(path, [&](std::size_t line, std::span<const double> numbers) {
    if (row == rows) fail(path, line, "more than " + count_text(rows, "rows"));
    if (numbers.size() != cols)
      fail(path, line,
           "expected " + count_text(cols, "numbers") + ", found " + std::to_string(numbers.size()));
    for (std::size_t col = 0; col < cols; ++col)
      matrix(row, col) = numbers[col];
    ++row;
  }, csv);
  if (row != rows)
    fail(path, "expected " + count_text(rows, "rows") + " of " + count_text(cols, "numbers") +
                   ", found " + std::to_string(row) + " rows");
  return matrix;
}

Table read_table(const fs::path& path, std::size_t columns, bool csv) {
  Table table{columns, {}};
  for_each_data_line(path, [&](std::size_t line, std::span<const double> numbers) {
    if (numbers.size() != columns)
      fail(path, line,
           "expected " + count_text(columns, "numbers") + ", found " +
               std::to_string(numbers.size()));
    table.values.insert(table.values.end(), numbers.begin(), numbers.end());
  }, csv);
  if (table.values.empty()) fail(path, "no data");
  return table;
}

void expect_rows(std::size_t found, std::size_t expected, const fs::path& path,
                 std::string_view what) {
  if (found != expected)
    fail(path, "expected " + std::to_string(expected) + " " + std::string(what) + ", found " +
                   std::to_string(found));
}

void check_non_negative(std::span<const double> values, const fs::path& path) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0))
      fail(path, "entry " + std::to_string(i + 1) + " is negative (" + to_text(values[i]) +
                     "); counts must be >= 0");
}

void check_symmetric(const Eigen::MatrixXd& matrix, const fs::path& path, double tolerance) {
  if (matrix.rows() != matrix.cols())
    fail(path, "matrix is " + std::to_string(matrix.rows()) + "x" + std::to_string(matrix.cols()) +
                   ", not square");
  for (Eigen::Index i = 0; i < matrix.rows(); ++i)
    for (Eigen::Index j = i + 1; j < matrix.cols(); ++j) {
      const double a = matrix(i, j), b = matrix(j, i);
      if (std::abs(a - b) > tolerance * std::max(std::abs(a), std::abs(b)))
        fail(path, "matrix not symmetric: (" + std::to_string(i + 1) + "," + std::to_string(j + 1) +
                       ") = " + to_text(a) + " but (" + std::to_string(j + 1) + "," +
                       std::to_string(i + 1) + ") = " + to_text(b));
    }
}

} // namespace nubayes
