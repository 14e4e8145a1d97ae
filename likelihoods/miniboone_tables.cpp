#include "miniboone_tables.h"

#include <fstream>
#include <stdexcept>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

std::size_t line_of_row(const fs::path& path, std::size_t row) {
  std::ifstream in(path);
  std::size_t line = 0, seen = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    const auto first = text.find_first_not_of(" \t\r\f\v");
    if (first == std::string::npos || text[first] == '#') continue;
    if (seen++ == row) return line;
  }
  return 0;
}

void fail_row(const fs::path& path, std::size_t row, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line_of_row(path, row)) + ": " +
                           what);
}

Table read_rows(const fs::path& path, std::size_t rows, std::size_t columns) {
  Table table = read_table(path, columns);
  expect_rows(table, rows, path);
  return table;
}

std::vector<double> read_edges(const fs::path& path, std::size_t count) {
  std::vector<double> edges = read_vector(path, count);
  for (std::size_t i = 0; i + 1 < edges.size(); ++i)
    if (!(edges[i] < edges[i + 1]))
      throw std::runtime_error(path.string() + ": bin edges must increase (entry " +
                               std::to_string(i + 2) + ")");
  return edges;
}

} // namespace nubayes::miniboone
