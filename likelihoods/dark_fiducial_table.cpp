#include "dark_fiducial_table.h"

#include "miniboone_geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nubayes::miniboone {

FiducialDecayTable::FiducialDecayTable() {
  const int points = static_cast<int>((kLogMax - kLogMin) * kPointsPerDecade) + 1;
  p_.resize(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i)
    p_[static_cast<std::size_t>(i)] = std::log(decay_in_fiducial_from_tank(
        std::pow(10.0, kLogMin + static_cast<double>(i) / kPointsPerDecade)));
}

double FiducialDecayTable::single(double lambda_m) const {
  if (!(lambda_m < std::numeric_limits<double>::infinity())) return 0;
  if (!(lambda_m > 0)) return std::exp(p_.front());
  const double x = (std::log10(lambda_m) - kLogMin) * kPointsPerDecade;
  if (x <= 0) return std::exp(p_.front()); // prompt: P(1 μm) differs from P(0) by 1e-7
  const double last = static_cast<double>(p_.size() - 1);
  if (x >= last) return std::exp(p_.back()) * std::pow(10.0, kLogMax) / lambda_m; // P ∝ 1/λ tail
  const auto i = static_cast<std::size_t>(x);
  const double f = x - static_cast<double>(i);
  return std::exp(p_[i] + f * (p_[i + 1] - p_[i]));
}

double FiducialDecayTable::two_step(double lambda1_m, double lambda2_m) const {
  const double a = std::max(lambda1_m, lambda2_m), b = std::min(lambda1_m, lambda2_m);
  if (!(a < std::numeric_limits<double>::infinity())) return 0;
  if (!(a > 0)) return single(0);
  if (a - b > 1e-2 * a) return (a * single(a) - b * single(b)) / (a - b);
  // nearly equal: the derivative d[λP]/dλ at the mean, by a symmetric difference
  const double m = 0.5 * (a + b), h = 0.01 * m;
  return ((m + h) * single(m + h) - (m - h) * single(m - h)) / (2 * h);
}

} // namespace nubayes::miniboone
