#include "miniboone_geometry.h"

#include "gauss_legendre.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace nubayes::miniboone {

// ---- derivation of decay_inside_probability ------------------------------------------------
// Slice the sphere into lines parallel to the direction of flight, at impact parameter b from the
// centre; each is a chord of length L = 2√(R² − b²), and the production points on it are uniform
// on [0, L], so the distance to the exit, d, is uniform on [0, L] too. Per chord,
//   ∫₀ᴸ (1 − e^{−s/λ}) ds = L − λ(1 − e^{−L/λ}).
// The chords' area element is 2πb db = (π/2) L dL (L from 2R down to 0), and V = 4πR³/3:
//   P = (1/V)(π/2) ∫₀^{2R} L [L − λ(1 − e^{−L/λ})] dL
//     = 1 − (3λ/(8R³)) [2R² − λ²(1 − e^{−2R/λ}(1 + 2R/λ))]
//     = 1 − 3/(2x) + 3 g(x)/x³,  x = 2R/λ,  g(x) = 1 − e^{−x}(1 + x) = Σ_{n≥2} (−1)ⁿ (n−1) xⁿ/n!.
// Substituting the series, P = 3 Σ_{n≥4} (−1)ⁿ (n−1) x^{n−3}/n! = 3x/8 − x²/10 + …, so
// P → 3R/(4λ) for λ → ∞. The same slicing gives the mean exit distance exactly:
//   ⟨d⟩ = (1/V)(π/2) ∫₀^{2R} L · (L/2) dL = (π/16)(2R)⁴ / (4πR³/3) = 3R/4,
// which is why P → ⟨d⟩/λ.
double decay_inside_probability(double decay_length_m, double radius) {
  if (!(radius > 0)) throw std::invalid_argument("decay_inside_probability: radius must be > 0");
  if (!(decay_length_m >= 0))
    throw std::invalid_argument("decay_inside_probability: decay length must be >= 0");
  if (decay_length_m == 0) return 1.0;
  const double x = 2 * radius / decay_length_m;
  if (x >= 1) return 1 - 1.5 / x + 3 * (-std::expm1(-x) - x * std::exp(-x)) / (x * x * x);
  // series: terms fall like xⁿ/n!, 30 terms are far below rounding for x < 1
  double sum = 0, power = x, factorial = 24; // x^{n−3}, n!
  for (int n = 4; n < 34; ++n) {
    sum += ((n % 2 == 0) ? 1 : -1) * (n - 1) * power / factorial;
    power *= x;
    factorial *= n + 1;
  }
  return 3 * sum;
}

TargetCounts ch2_targets(double mass_tonnes, double molar_mass_g_per_mol) {
  const double molecules = mass_tonnes * 1e6 / molar_mass_g_per_mol * kAvogadro;
  return {molecules, 2 * molecules};
}

double fiducial_mass_tonnes(double tank_mass_tonnes, double fiducial_radius_m,
                            double tank_radius_m) {
  return tank_mass_tonnes * std::pow(fiducial_radius_m / tank_radius_m, 3);
}

double chord_to_sphere(const std::array<double, 3>& point, const std::array<double, 3>& direction,
                       double radius) {
  // |p + s u| = R  ⇒  s = −p·u + √((p·u)² − |p|² + R²)
  const double pu = point[0] * direction[0] + point[1] * direction[1] + point[2] * direction[2];
  const double pp = point[0] * point[0] + point[1] * point[1] + point[2] * point[2];
  const double disc = pu * pu - pp + radius * radius;
  if (pp > radius * radius || disc < 0) return 0;
  return -pu + std::sqrt(disc);
}

namespace {

/// a + e^{−a} − 1 without cancellation.
double a_plus_expm1(double a) {
  if (a > 0.1) return a + std::expm1(-a);
  double sum = 0, term = a * a / 2;
  for (int n = 2; n < 20; ++n) {
    sum += term;
    term *= -a / (n + 1);
  }
  return sum;
}

} // namespace

// Same slicing as above, now with chords of the tank (half-length T) through the fiducial sphere
// (half-length F ≤ T, same midpoint). A particle produced at position t ∈ [−T, T] along its chord
// decays in [−F, F] with probability e^{−(−F−t)/λ} − e^{−(F−t)/λ} (t < −F), 1 − e^{−(F−t)/λ}
// (|t| ≤ F), 0 (t > F); integrating over t,
//   G(F) = 2F − λ(1 − e^{−2F/λ}) e^{−(T−F)/λ}
//        = λ[a + expm1(−a)] + λ expm1(−a) expm1(−c),  a = 2F/λ, c = (T−F)/λ   (no cancellation).
// With b db = −F dF (b = impact parameter, T² = F² + R_t² − R_f²), P = (2π/V_tank) ∫₀^{R_f} F G dF.
double decay_in_fiducial_from_tank(double decay_length_m, double fiducial_radius_m,
                                   double tank_radius_m) {
  if (!(fiducial_radius_m > 0 && tank_radius_m >= fiducial_radius_m))
    throw std::invalid_argument("decay_in_fiducial_from_tank: need 0 < R_fid <= R_tank");
  if (!(decay_length_m >= 0))
    throw std::invalid_argument("decay_in_fiducial_from_tank: decay length must be >= 0");
  const double ratio3 = std::pow(fiducial_radius_m / tank_radius_m, 3);
  if (decay_length_m == 0) return ratio3;
  static const GaussLegendre rule(20);
  const double lambda = decay_length_m, rf = fiducial_radius_m;
  const double shell2 = tank_radius_m * tank_radius_m - rf * rf;
  auto integrand = [&](double f) {
    const double a = 2 * f / lambda;
    const double c = (std::sqrt(f * f + shell2) - f) / lambda;
    return f * lambda * (a_plus_expm1(a) + std::expm1(-a) * std::expm1(-c));
  };
  // Panels refined geometrically towards F = 0, where e^{−2F/λ} varies on the scale λ.
  std::vector<double> edges{0};
  for (double e = rf * 1e-9; e < 0.1 * rf; e *= 10)
    edges.push_back(e);
  for (int k = 1; k <= 10; ++k)
    edges.push_back(rf * k / 10.0);
  double integral = 0;
  for (std::size_t p = 0; p + 1 < edges.size(); ++p)
    integral += rule.integrate(integrand, edges[p], edges[p + 1]);
  const double tank_volume = 4.0 / 3.0 * std::numbers::pi * std::pow(tank_radius_m, 3);
  return 2 * std::numbers::pi * integral / tank_volume;
}

} // namespace nubayes::miniboone
