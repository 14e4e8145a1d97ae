#pragma once
// Shared by the νe-disappearance tests: 3+1 points with a given sin²2θee, and the grid scan in
// (sin²2θee, Δm²41) that finds an experiment's best fit.
#include "sterile3p1.h"

#include <cmath>
#include <functional>
#include <iostream>
#include <string>

namespace nubayes::testing {

/// 3+1 parameters with the given sin²2θee = 4|Ue4|²(1 − |Ue4|²).
inline sterile3p1::Params params(double sin2_2theta, double dm2) {
  return {dm2, 0.5 * (1 - std::sqrt(1 - sin2_2theta)), 0, 0};
}

struct BestFit {
  double chi2 = INFINITY, sin2_2theta = 0, dm2 = 0;
};

/// The scan grid: `dm2_points` values of Δm² log-spaced from `dm2_lo` to `dm2_lo` × `dm2_ratio`,
/// and sin²2θ = 0, `sin2_step`, …, `sin2_steps` × `sin2_step`.
struct ScanGrid {
  double dm2_lo = 0, dm2_ratio = 1;
  int dm2_points = 1;
  double sin2_step = 0;
  int sin2_steps = 0;
};

/// The grid point of least χ², printed with `label`.
inline BestFit scan(const std::function<double(const sterile3p1::Params&)>& chi2,
                    const ScanGrid& grid, const std::string& label) {
  BestFit best;
  for (int i = 0; i < grid.dm2_points; ++i) {
    const double dm2 = grid.dm2_lo * std::pow(grid.dm2_ratio, i / (grid.dm2_points - 1.0));
    for (int j = 0; j <= grid.sin2_steps; ++j) {
      const double s = grid.sin2_step * j;
      const double c = chi2(params(s, dm2));
      if (c < best.chi2) best = {c, s, dm2};
    }
  }
  std::cout << label << ": best chi2 " << best.chi2 << " at sin2_2theta " << best.sin2_2theta
            << ", dm2 " << best.dm2 << " eV2\n";
  return best;
}

} // namespace nubayes::testing
