#include "icecube_table.h"

#include "reactor.h"
#include "table_reader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace nubayes::icecube {

namespace {

namespace fs = std::filesystem;

/// A sin²2θ row belongs to the grid when it has at least this fraction of the Δm² columns (the
/// grid rows have 85–86 of 86, the sparse rows below them at most 25).
constexpr double kDenseRow = 0.9;

constexpr std::size_t kLlhPoints = 4786; ///< 2DLLHValues.txt of arXiv:2005.12942

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

std::string number_text(double x) {
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

std::string point_text(double s, double dm2) {
  return std::string("(") + number_text(s) + ", " + number_text(dm2) + ")";
}

/// Index i with axis[i] <= x <= axis[i+1] (x inside the axis) and the weight of axis[i+1].
std::pair<std::size_t, double> locate(const std::vector<double>& axis, double x) {
  const auto upper = std::upper_bound(axis.begin(), axis.end(), x);
  std::size_t i = upper == axis.begin() ? 0 : static_cast<std::size_t>(upper - axis.begin()) - 1;
  i = std::min(i, axis.size() - 2);
  return {i, (x - axis[i]) / (axis[i + 1] - axis[i])};
}

} // namespace

LlhTable::LlhTable(const fs::path& path) {
  const Table table = read_table(path, 3);
  hash_ = reactor::kHashSeed;
  reactor::hash_values(hash_, table.values);

  // Group the points by sin²2θ row; the no-sterile point apart.
  std::map<double, std::map<double, double>> rows;
  std::size_t nulls = 0;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const double s = table.row(r)[0], dm2 = table.row(r)[1], v = table.row(r)[2];
    const std::string where =
        std::string("point ") + std::to_string(r + 1) + " " + point_text(s, dm2);
    if (!(s >= 0 && s <= 1)) fail(path, where + ": sin^2(2 theta24) outside [0, 1]");
    if (!(dm2 >= 0)) fail(path, where + ": dm2_41 < 0");
    if (!(v >= 0)) fail(path, where + ": 2 Delta LLH < 0 (values are relative to the best fit)");
    if (s == 0 || dm2 == 0) {
      ++nulls;
      null_ = v;
      continue;
    }
    if (!rows[s].emplace(dm2, v).second) fail(path, where + ": duplicate point");
  }
  if (nulls != 1)
    fail(path, "expected one no-sterile point (sin^2(2 theta24) = 0 or dm2_41 = 0), found " +
                   std::to_string(nulls));
  // The release's point count: a truncated file could lose sparse rows and still form a grid.
  expect_rows(table, kLlhPoints, path, "points");

  // The Δm² columns: every value seen; the grid: the top block of dense rows.
  std::map<double, std::size_t> columns;
  for (const auto& [s, row] : rows)
    for (const auto& [dm2, v] : row)
      columns.emplace(dm2, 0);
  std::vector<double> dense;
  for (const auto& [s, row] : rows)
    if (static_cast<double>(row.size()) >= kDenseRow * static_cast<double>(columns.size()))
      dense.push_back(s);
  if (dense.size() < 2) fail(path, "fewer than two dense sin^2(2 theta24) rows: no grid");
  for (const auto& [s, row] : rows) {
    if (s >= dense.front() && std::find(dense.begin(), dense.end(), s) == dense.end())
      fail(path, std::string("sin^2(2 theta24) row ") + number_text(s) +
                     std::string(" inside the grid has only ") + std::to_string(row.size()) +
                     " of " + std::to_string(columns.size()) + " dm2_41 values");
    if (s < dense.front())
      for (const auto& [dm2, v] : row)
        sparse_.push_back({s, dm2, v});
  }
  // Columns: the Δm² values of the grid rows only.
  std::map<double, std::size_t> grid_columns;
  for (double s : dense)
    for (const auto& [dm2, v] : rows[s])
      grid_columns.emplace(dm2, 0);
  for (auto& [dm2, index] : grid_columns) {
    index = dm2_.size();
    dm2_.push_back(dm2);
  }
  sin2_ = dense;
  const std::size_t nc = dm2_.size();
  for (double x : sin2_)
    log_sin2_.push_back(std::log(x));
  for (double x : dm2_)
    log_dm2_.push_back(std::log(x));

  // Fill the grid; a hole takes the linear interpolation in log Δm² along its row.
  grid_.assign(sin2_.size() * nc, 0.0);
  for (std::size_t i = 0; i < sin2_.size(); ++i) {
    const auto& row = rows[sin2_[i]];
    std::vector<bool> present(nc, false);
    for (const auto& [dm2, v] : row) {
      const std::size_t j = grid_columns[dm2];
      grid_[i * nc + j] = v;
      present[j] = true;
    }
    for (std::size_t j = 0; j < nc; ++j) {
      if (present[j]) continue;
      ++holes_;
      std::size_t lo = j, hi = j;
      while (lo > 0 && !present[lo])
        --lo;
      while (hi + 1 < nc && !present[hi])
        ++hi;
      const bool has_lo = present[lo], has_hi = present[hi];
      double v = 0;
      if (has_lo && has_hi) {
        const double t = (log_dm2_[j] - log_dm2_[lo]) / (log_dm2_[hi] - log_dm2_[lo]);
        v = (1 - t) * grid_[i * nc + lo] + t * grid_[i * nc + hi];
      } else {
        v = grid_[i * nc + (has_lo ? lo : hi)];
      }
      grid_[i * nc + j] = v;
    }
  }
}

double LlhTable::on_grid(double sin2_2theta, double dm2) const {
  const double x = std::clamp(std::log(dm2), log_dm2_.front(), log_dm2_.back());
  const double y = std::clamp(std::log(sin2_2theta), log_sin2_.front(), log_sin2_.back());
  const auto [j, u] = locate(log_dm2_, x);
  const auto [i, t] = locate(log_sin2_, y);
  const std::size_t nc = dm2_.size();
  const double* lo = &grid_[i * nc + j];
  const double* hi = lo + nc;
  return (1 - t) * ((1 - u) * lo[0] + u * lo[1]) + t * ((1 - u) * hi[0] + u * hi[1]);
}

double LlhTable::value(double sin2_2theta, double dm2) const {
  if (!(sin2_2theta > 0) || !(dm2 > 0)) return null_;
  // Below the grid in either variable: ramp from the no-sterile value (linear in that variable).
  const double fs = std::min(1.0, sin2_2theta / sin2_.front());
  const double fd = std::min(1.0, dm2 / dm2_.front());
  const double v = on_grid(sin2_2theta, dm2);
  if (fs == 1 && fd == 1) return v;
  return null_ + fs * fd * (v - null_);
}

} // namespace nubayes::icecube
