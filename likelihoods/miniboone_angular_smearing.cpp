#include "miniboone_angular_smearing.h"

#include "gauss_legendre.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace nubayes::miniboone {

namespace {

constexpr double kDegree = std::numbers::pi / 180;
constexpr double kTailT = 40; ///< e^{−40} ≈ 4e-18: the Rayleigh tail beyond is dropped

/// Fraction of azimuths with cos θ′ <= u at deflection α.
double azimuth_fraction(double u, double theta, double alpha) {
  alpha = std::min(alpha, std::numbers::pi); // deflections beyond π: negligible for σ ≲ 20°
  const double a = std::cos(theta) * std::cos(alpha), b = std::sin(theta) * std::sin(alpha);
  if (b <= 1e-300) return a <= u ? 1.0 : 0.0;
  const double k = (u - a) / b;
  if (k >= 1) return 1;
  if (k <= -1) return 0;
  return 1 - std::acos(k) / std::numbers::pi;
}

} // namespace

double AngularResolution::sigma_rad(double energy_gev) const {
  if (!(energy_gev > 0)) return 0;
  return std::max(0.0, constant_deg + log_slope_deg * std::log(1 / energy_gev)) * kDegree;
}

double cos_theta_cdf(double u, double theta_rad, double sigma_rad) {
  if (u >= 1) return 1;
  if (u < -1) return 0;
  // no smearing: P(cos θ′ < u), so that a bin [lo, hi) holds cos θ = lo
  if (!(sigma_rad > 0)) return std::cos(theta_rad) < u ? 1.0 : 0.0;
  // |θ′ − θ| <= α, and P(α > 8.5σ) = e^{−36} ≈ 2e-16: far edges are 0 or 1
  const double theta_u = std::acos(std::clamp(u, -1.0, 1.0));
  if (theta_rad - theta_u > 8.5 * sigma_rad) return 1;
  if (theta_u - theta_rad > 8.5 * sigma_rad) return 0;
  static const GaussLegendre rule(12);
  // kinks of the azimuth fraction where |k| = 1: α = |θ_u − θ| and α = θ_u + θ (θ_u = arccos u)
  std::array<double, 12> breaks{0, kTailT, 0.5, 1.5, 3.0, 5.0, 8.0, 12.0, 18.0, 26.0}; // e^{−t}
  std::size_t count = 10;
  for (double alpha : {std::abs(theta_u - theta_rad), theta_u + theta_rad}) {
    const double t = alpha * alpha / (2 * sigma_rad * sigma_rad);
    if (t > 0 && t < kTailT) breaks[count++] = t;
  }
  std::sort(breaks.begin(), breaks.begin() + count);
  double cdf = 0;
  for (std::size_t i = 0; i + 1 < count; ++i)
    cdf += rule.integrate(
        [&](double t) {
          return std::exp(-t) * azimuth_fraction(u, theta_rad, sigma_rad * std::sqrt(2 * t));
        },
        breaks[i], breaks[i + 1]);
  return std::clamp(cdf, 0.0, 1.0);
}

void cos_theta_bin_probabilities(double theta_rad, double sigma_rad, std::span<const double> edges,
                                 std::span<double> out) {
  if (edges.size() != out.size() + 1)
    throw std::invalid_argument("cos_theta_bin_probabilities: need edges.size() == out.size() + 1");
  // bins [lo, hi); the last edge at 1 closes the last bin (cos θ′ = 1 included)
  double lower = edges[0] <= -1 ? 0.0 : cos_theta_cdf(edges[0], theta_rad, sigma_rad);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double upper =
        edges[i + 1] >= 1 ? 1.0 : cos_theta_cdf(edges[i + 1], theta_rad, sigma_rad);
    out[i] = std::max(0.0, upper - lower);
    lower = upper;
  }
}

} // namespace nubayes::miniboone
