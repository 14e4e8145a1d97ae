#include "dark_decays.h"

#include "dark_integrate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nubayes::dark {

double width_vector_to_ee(double charge_coupling_sq, double m_vector) {
  const double r = kElectronMass * kElectronMass / (m_vector * m_vector);
  if (r >= 0.25) return 0.0;
  return charge_coupling_sq / (12.0 * kPi) * m_vector * (1.0 + 2.0 * r) * std::sqrt(1.0 - 4.0 * r);
}

double width_zd_to_ee(const DarkZdParams& p) {
  return width_vector_to_ee(mediator_charge_coupling_sq(p), p.m_ZD);
}

double width_heavy_to_nu_vector(double vertex_sq, double m_heavy, double m_vector) {
  if (m_vector >= m_heavy) return 0.0;
  const double r2 = m_vector * m_vector / (m_heavy * m_heavy);
  // The 1/m_V² is the longitudinal polarisation (Goldstone-equivalence enhancement).
  return vertex_sq / (32.0 * kPi) * std::pow(m_heavy, 3) / (m_vector * m_vector) * (1.0 - r2) *
         (1.0 - r2) * (1.0 + 2.0 * r2);
}

double width_n_to_nu_zd(const DarkZdParams& p) {
  return width_heavy_to_nu_vector(decay_vertex_sq(p), p.m_N, p.m_ZD);
}

double longitudinal_fraction(double m_heavy, double m_vector) {
  return m_heavy * m_heavy / (m_heavy * m_heavy + 2.0 * m_vector * m_vector);
}

namespace {
// Unnormalised helicity-weighted |M|² of V → e⁻e⁺ (from ε·J with J the vector-current trace).
double vector_decay_bracket(double c, double f_long, double beta) {
  const double b2 = beta * beta;
  return f_long * 2.0 * (1.0 - b2 * c * c) + (1.0 - f_long) * (2.0 - b2 + b2 * c * c);
}
} // namespace

double vector_decay_angular_density(double cos_theta, double f_long, double beta) {
  return vector_decay_bracket(cos_theta, f_long, beta) / (4.0 - 4.0 * beta * beta / 3.0);
}

double sample_vector_decay_cos_theta(double f_long, double beta, const UniformSource& uniform) {
  for (;;) {
    const double c = 2.0 * uniform() - 1.0;
    if (2.0 * uniform() < vector_decay_bracket(c, f_long, beta)) return c;
  }
}

double polarised_decay_ratio(const FourVector& heavy, const FourVector& polarisation,
                             const FourVector& nu, const FourVector& electron,
                             const FourVector& positron) {
  const double m = invariant_mass(heavy), me2 = invariant_mass_sq(electron);
  const auto bracket = [&](const FourVector& x) {
    return dot(nu, electron) * dot(x, positron) + dot(nu, positron) * dot(x, electron) +
           me2 * dot(nu, x);
  };
  FourVector shifted{};
  for (int mu = 0; mu < 4; ++mu)
    shifted[mu] = heavy[mu] - m * polarisation[mu];
  return bracket(shifted) / bracket(heavy);
}

double ctau_cm(double width) {
  return kHbarCGeVCm / width;
}

double decay_length_cm(double width, double mass, double lab_momentum) {
  return lab_momentum / mass * ctau_cm(width);
}

ThreeBodyVertex three_body_vertex(const HeavyZprimeParams& p) {
  return {p.m4, p.m_Zprime, mediator_charge_coupling_sq(p) * decay_vertex_sq(p), kElectronMass};
}

double three_body_matrix_element_sq(const ThreeBodyVertex& v, double m12_sq, double m23_sq) {
  const double mm = v.m_parent * v.m_parent, me2 = v.m_lepton * v.m_lepton;
  const double m13_sq = mm + 2.0 * me2 - m12_sq - m23_sq;
  // Dot products of p (parent), p₁ (e⁻), p₂ (e⁺), k (ν, massless) from the invariants.
  const double k_p1 = 0.5 * (m13_sq - me2), k_p2 = 0.5 * (m23_sq - me2);
  const double p_p1 = 0.5 * (mm + me2 - m23_sq), p_p2 = 0.5 * (mm + me2 - m13_sq);
  const double k_p = 0.5 * (mm - m12_sq);
  const double propagator = 1.0 / (m12_sq - v.m_mediator * v.m_mediator);
  return 8.0 * v.coupling_sq * propagator * propagator * (k_p1 * p_p2 + k_p2 * p_p1 + me2 * k_p);
}

DalitzRange dalitz_m23_range(double m_parent, double m1, double m2, double m3, double m12_sq) {
  const double m12 = std::sqrt(m12_sq);
  const double e2 = (m12_sq - m1 * m1 + m2 * m2) / (2.0 * m12);
  const double e3 = (m_parent * m_parent - m12_sq - m3 * m3) / (2.0 * m12);
  const double p2 = std::sqrt(std::max(e2 * e2 - m2 * m2, 0.0));
  const double p3 = std::sqrt(std::max(e3 * e3 - m3 * m3, 0.0));
  const double sum = (e2 + e3) * (e2 + e3);
  return {sum - (p2 + p3) * (p2 + p3), sum - (p2 - p3) * (p2 - p3)};
}

double integrate_dalitz(double m_parent, double m1, double m2, double m3,
                        const std::function<double(double, double)>& avg_matrix_element_sq,
                        double rel_tol) {
  return integrate_dalitz(m_parent, m1, m2, m3, avg_matrix_element_sq, (m1 + m2) * (m1 + m2),
                          (m_parent - m3) * (m_parent - m3), rel_tol);
}

double integrate_dalitz(double m_parent, double m1, double m2, double m3,
                        const std::function<double(double, double)>& avg_matrix_element_sq,
                        double m12_sq_lo, double m12_sq_hi, double rel_tol) {
  const double lo = std::max(m12_sq_lo, (m1 + m2) * (m1 + m2));
  const double hi = std::min(m12_sq_hi, (m_parent - m3) * (m_parent - m3));
  if (!(hi > lo)) return 0.0;
  const auto inner = [&](double m12_sq) {
    const DalitzRange r = dalitz_m23_range(m_parent, m1, m2, m3, m12_sq);
    return integrate([&](double m23_sq) { return avg_matrix_element_sq(m12_sq, m23_sq); }, r.lo,
                     r.hi, rel_tol);
  };
  const double two_pi = 2.0 * kPi;
  return integrate(inner, lo, hi, rel_tol) /
         (two_pi * two_pi * two_pi * 32.0 * std::pow(m_parent, 3));
}

double width_three_body(const ThreeBodyVertex& v) {
  return partial_width_three_body(v, 0.0, v.m_parent * v.m_parent);
}

double partial_width_three_body(const ThreeBodyVertex& v, double m12_sq_lo, double m12_sq_hi) {
  if (v.m_mediator <= v.m_parent)
    throw std::domain_error("width_three_body: mediator must be heavier than the decaying state");
  const auto msq = [&](double m12_sq, double m23_sq) {
    return three_body_matrix_element_sq(v, m12_sq, m23_sq);
  };
  return integrate_dalitz(v.m_parent, v.m_lepton, v.m_lepton, 0.0, msq, m12_sq_lo, m12_sq_hi);
}

double width_three_body_contact(const ThreeBodyVertex& v) {
  const double g_sq = v.coupling_sq / std::pow(v.m_mediator, 4);
  return g_sq * std::pow(v.m_parent, 5) / (768.0 * std::pow(kPi, 3));
}

double width_nu4_to_nu_ee(const HeavyZprimeParams& p) {
  return width_three_body(three_body_vertex(p));
}

ThreeBodySampler::ThreeBodySampler(const ThreeBodyVertex& v) : vertex_(v) {
  if (v.m_mediator <= v.m_parent)
    throw std::domain_error("ThreeBodySampler: mediator must be heavier than the decaying state");
  // ⟨|M|²⟩ is a quadratic in m₂₃² at fixed m₁₂², so its maximum on each line is at an end or at the
  // vertex; scanning the ends and the middle on a fine m₁₂² grid and adding 10 % bounds it safely.
  const double me = v.m_lepton, lo = 4.0 * me * me, hi = v.m_parent * v.m_parent;
  constexpr int kSteps = 400;
  for (int i = 0; i <= kSteps; ++i) {
    const double m12_sq = lo + (hi - lo) * i / kSteps;
    const DalitzRange r = dalitz_m23_range(v.m_parent, me, me, 0.0, m12_sq);
    for (double f : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      envelope_ =
          std::max(envelope_, three_body_matrix_element_sq(v, m12_sq, r.lo + f * (r.hi - r.lo)));
    }
  }
  envelope_ *= 1.1;
}

DalitzPoint ThreeBodySampler::sample(const UniformSource& uniform) const {
  const double me = vertex_.m_lepton, mm = vertex_.m_parent * vertex_.m_parent;
  const double lo12 = 4.0 * me * me, hi12 = mm;
  const double lo23 = me * me, hi23 = (vertex_.m_parent - me) * (vertex_.m_parent - me);
  for (;;) {
    const double m12_sq = lo12 + (hi12 - lo12) * uniform();
    const double m23_sq = lo23 + (hi23 - lo23) * uniform();
    const DalitzRange r = dalitz_m23_range(vertex_.m_parent, me, me, 0.0, m12_sq);
    if (m23_sq < r.lo || m23_sq > r.hi) continue;
    const double w = three_body_matrix_element_sq(vertex_, m12_sq, m23_sq);
    if (w > envelope_) throw std::logic_error("ThreeBodySampler: envelope exceeded");
    if (uniform() * envelope_ < w) return {m12_sq, m23_sq};
  }
}

std::array<FourVector, 3> ThreeBodySampler::decay(const FourVector& parent,
                                                  const UniformSource& uniform) const {
  const DalitzPoint d = sample(uniform);
  const double m = vertex_.m_parent, me = vertex_.m_lepton, me2 = me * me;
  const double m13_sq = m * m + 2.0 * me2 - d.m12_sq - d.m23_sq;
  // Rest-frame energies from the invariants: E₁ from (p − p₁)² = m₂₃², E₃ from (p − k)² = m₁₂².
  const double e1 = (m * m + me2 - d.m23_sq) / (2.0 * m);
  const double e3 = (m * m - d.m12_sq) / (2.0 * m);
  const double p1 = std::sqrt(std::max(e1 * e1 - me2, 0.0)), p3 = e3;
  // Angle between e⁻ and ν from (p₁ + k)² = m₁₃².
  const double cos13 = std::clamp((me2 + 2.0 * e1 * e3 - m13_sq) / (2.0 * p1 * p3), -1.0, 1.0);
  // Isotropic orientation: e⁻ direction n, decay plane at a uniform azimuth about n.
  const auto n = isotropic_direction(uniform);
  const auto nu_dir = direction_about_axis(n, cos13, 2.0 * kPi * uniform());
  const FourVector electron = {e1, p1 * n[0], p1 * n[1], p1 * n[2]};
  const FourVector neutrino = {e3, p3 * nu_dir[0], p3 * nu_dir[1], p3 * nu_dir[2]};
  const FourVector rest_parent = {m, 0, 0, 0};
  const FourVector positron = rest_parent - electron - neutrino;
  return {boost_from_rest_frame(electron, parent), boost_from_rest_frame(positron, parent),
          boost_from_rest_frame(neutrino, parent)};
}

} // namespace nubayes::dark
