#pragma once
// The mass grid of the dark-sector templates. Kinematics (and so every template shape) depend only
// on the two masses; the grid is logarithmic in the heavy mass (m_N or m₄) and in the ratio
// r = m_mediator / m_heavy, which keeps the physical region (r < 1 for dark-zd, r > 1 for
// heavy-zprime: on-shell vs off-shell mediator) a rectangle, so every cell has four usable corners.
// Between grid points the templates are interpolated bilinearly in (ln m_heavy, ln r).
#include "dark_model_kind.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace nubayes::darkfit {

/// `points` values spaced evenly in ln x from lo to hi.
struct LogAxis {
  double lo = 1, hi = 1;
  int points = 1;
  double at(int i) const;
  /// Lower grid index and the fraction towards the next one; nullopt outside [lo, hi].
  std::optional<std::pair<int, double>> locate(double x) const;
};

struct GridCell {
  std::array<std::size_t, 4> corner{}; ///< grid indices
  std::array<double, 4> weight{};      ///< bilinear weights, summing to 1
};

struct MassGrid {
  DarkModelKind model = DarkModelKind::dark_zd;
  LogAxis heavy; ///< m_N or m₄ [GeV]
  LogAxis ratio; ///< m_ZD/m_N or m_Z′/m₄

  std::size_t size() const;
  /// (m_heavy, m_mediator) of grid point `index` = i_heavy · ratio.points + i_ratio.
  std::pair<double, double> masses(std::size_t index) const;
  /// The interpolation cell of a mass pair; nullopt outside the grid.
  std::optional<GridCell> locate(double m_heavy, double m_mediator) const;
  /// Text that identifies the grid (part of the cache key).
  std::string describe() const;
};

/// Named grids: "default" (the production grid: dark-zd m_N 0.1–0.6 GeV, m_ZD/m_N 0.016–0.9;
/// heavy-zprime m₄ 0.05–0.5 GeV, m_Z′/m₄ 1.1–60) and "small" (same ranges, 3 × 3 points, for smoke
/// tests). Throws std::invalid_argument naming the accepted values.
MassGrid named_grid(DarkModelKind kind, const std::string& name);
/// Generated events per target (¹²C, proton) and grid point for a named grid.
long named_grid_events(const std::string& name);

} // namespace nubayes::darkfit
