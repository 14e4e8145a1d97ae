#include "miniboone_pair_detector.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace nubayes::miniboone {

namespace {

std::array<double, 3> unit_vector(const FourMomentum& p) {
  const double norm = std::hypot(p[1], p[2], p[3]);
  if (!(norm > 0)) throw std::invalid_argument("pair detector: a particle has zero momentum");
  return {p[1] / norm, p[2] / norm, p[3] / norm};
}

double dot(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

} // namespace

double opening_angle(const FourMomentum& a, const FourMomentum& b) {
  // atan2 of |a×b| and a·b: accurate at the small angles that decide "overlapping"
  const auto u = unit_vector(a), v = unit_vector(b);
  const double cross =
      std::hypot(u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]);
  return std::atan2(cross, dot(u, v));
}

double two_ring_mass(const FourMomentum& a, const FourMomentum& b) {
  // 1 − cos θ = 2 sin²(θ/2), exact at small angles
  const double half = 0.5 * opening_angle(a, b);
  return std::sqrt(4 * a[0] * b[0]) * std::sin(half);
}

double mass_cut_gev(double energy_gev, const RingRules& rules) {
  const auto& c = rules.mass_cut;
  return c[0] + c[1] * energy_gev + c[2] * energy_gev * energy_gev;
}

Ring reconstruct_ring(const FourMomentum& e_plus, const FourMomentum& e_minus,
                      const RingRules& rules) {
  Ring ring;
  const double angle_deg = opening_angle(e_plus, e_minus) * 180 / std::numbers::pi;
  const FourMomentum& hard = e_plus[0] >= e_minus[0] ? e_plus : e_minus;
  const FourMomentum& soft = e_plus[0] >= e_minus[0] ? e_minus : e_plus;
  const double threshold = rules.asymmetric_threshold_gev;
  if (angle_deg < rules.max_opening_angle_deg) {
    ring.topology = RingTopology::overlapping;
    ring.visible_energy_gev = e_plus[0] + e_minus[0];
    const auto u = unit_vector(e_plus), v = unit_vector(e_minus);
    std::array<double, 3> sum{};
    for (int i = 0; i < 3; ++i)
      sum[i] = e_plus[0] * u[i] + e_minus[0] * v[i];
    const double norm = std::hypot(sum[0], sum[1], sum[2]);
    for (int i = 0; i < 3; ++i)
      ring.direction[i] = sum[i] / norm;
  } else if (soft[0] < threshold && hard[0] >= threshold) {
    ring.topology = RingTopology::asymmetric;
    ring.visible_energy_gev = hard[0];
    ring.direction = unit_vector(hard);
  } else {
    ring.topology = RingTopology::two_rings;
  }
  ring.cos_theta = ring.direction[2];
  ring.two_ring_mass_gev = two_ring_mass(e_plus, e_minus);
  ring.passes_mass_cut = ring.two_ring_mass_gev < mass_cut_gev(ring.visible_energy_gev, rules);
  ring.accepted =
      ring.topology != RingTopology::two_rings && (!rules.apply_mass_cut || ring.passes_mass_cut);
  return ring;
}

double enu_qe(double energy_gev, double cos_theta, const QeConvention& qe) {
  const double m_eff = qe.initial_nucleon_gev - qe.binding_gev, m = qe.lepton_mass_gev;
  const double p = std::sqrt(std::max(0.0, energy_gev * energy_gev - m * m));
  const double numerator = 2 * m_eff * energy_gev -
                           (m_eff * m_eff + m * m - qe.final_nucleon_gev * qe.final_nucleon_gev);
  const double denominator = 2 * (m_eff - energy_gev + p * cos_theta);
  if (denominator == 0) return std::numeric_limits<double>::infinity();
  return numerator / denominator;
}

double visible_energy_for_enu_qe(double enu_gev, double cos_theta, const QeConvention& qe) {
  const double m_eff = qe.initial_nucleon_gev - qe.binding_gev, m = qe.lepton_mass_gev;
  const double k = m_eff * m_eff + m * m - qe.final_nucleon_gev * qe.final_nucleon_gev;
  // h(E) = numerator − E_ν · denominator: zero exactly where enu_qe(E) = E_ν (denominator > 0)
  auto h = [&](double e) {
    const double p = std::sqrt(std::max(0.0, e * e - m * m));
    return 2 * m_eff * e - k - 2 * enu_gev * (m_eff - e + p * cos_theta);
  };
  if (h(m) >= 0) return m;
  // Newton from the massless-lepton solution E₀ = (2E_ν M′ + K) / (2M′ + 2E_ν(1 − cos θ)),
  // which is already within O(m_ℓ²/E) of the root
  double e = (2 * enu_gev * m_eff + k) / (2 * m_eff + 2 * enu_gev * (1 - cos_theta));
  for (int i = 0; i < 8 && e > m; ++i) {
    const double p = std::sqrt(e * e - m * m);
    const double slope = 2 * m_eff + 2 * enu_gev * (1 - cos_theta * e / p);
    const double step = h(e) / slope;
    e -= step;
    if (std::abs(step) <= 1e-15 * e) return e;
  }
  // fallback: bisection on a bracket (h(m) < 0, h → +∞)
  double lo = m, hi = std::max(1.0, 2 * enu_gev);
  for (int i = 0; h(hi) < 0; ++i) {
    if (i == 200) throw std::runtime_error("visible_energy_for_enu_qe: no solution");
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (h(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

} // namespace nubayes::miniboone
