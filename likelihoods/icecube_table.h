#pragma once
// IceCube eight-year high-energy sterile search (PRL 125 (2020) 141801, arXiv:2005.12942): the
// official 2ΔLLH surface over (sin²2θ24, Δm²41), read from inputs/icecube/8yr_2005.12942/ and
// interpolated. Inputs and provenance: inputs/icecube/8yr_2005.12942/MANIFEST.md; the rules at the
// edges and holes are in docs/icecube.md.
//
// The file is 4786 scattered points: the no-sterile point (0, 0), a grid of 54 sin²2θ24 rows
// (0.0025…1, 20 per decade) × 86 Δm²41 columns (0.0071…141 eV²) with 10 isolated holes, and 151
// points in 8 sparse rows below the grid (sin²2θ24 = 0.001…0.0022). The surface used here:
//  * on the grid: bilinear in (log Δm², log sin²2θ); a hole is filled by linear interpolation in
//    log Δm² between the nearest points of its row (constant beyond a row's last point);
//  * 0 < sin²2θ < the grid's first row: linear in sin²2θ from the no-sterile value at 0 to that row
//    (the sparse rows are not used; they agree with this ramp to 0.05, the table's own noise);
//  * Δm² below the grid: linear in Δm² from the no-sterile value at Δm² = 0 to the first column
//    (the effect vanishes as Δm² → 0);
//  * Δm² above the grid: the last column (oscillations fully averaged, no Δm² dependence left).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nubayes::icecube {

class LlhTable {
public:
  /// Reads and checks the file; errors are one line naming the file (and the line).
  explicit LlhTable(const std::filesystem::path& path);

  /// 2ΔLLH at (sin²2θ24 in [0, 1], Δm²41 >= 0 [eV²]).
  double value(double sin2_2theta, double dm2) const;

  double null_value() const { return null_; } ///< 2ΔLLH of the no-sterile point (0, 0)
  const std::vector<double>& sin2_axis() const { return sin2_; }
  const std::vector<double>& dm2_axis() const { return dm2_; }
  /// The grid value at (row i, column j), holes filled.
  double grid(std::size_t i, std::size_t j) const { return grid_[i * dm2_.size() + j]; }
  std::size_t holes() const { return holes_; }
  /// The points of the sparse rows below the grid (sin²2θ, Δm², 2ΔLLH), not used by value().
  const std::vector<std::array<double, 3>>& sparse() const { return sparse_; }
  std::uint64_t hash() const { return hash_; }

private:
  /// Bilinear in the logarithms, both arguments clamped to the grid.
  double on_grid(double sin2_2theta, double dm2) const;

  std::vector<double> sin2_, dm2_;         ///< grid axes, increasing
  std::vector<double> log_sin2_, log_dm2_; ///< their logarithms
  std::vector<double> grid_;               ///< row-major, sin2_ rows × dm2_ columns
  std::vector<std::array<double, 3>> sparse_;
  double null_ = 0;
  std::size_t holes_ = 0;
  std::uint64_t hash_ = 0;
};

} // namespace nubayes::icecube
