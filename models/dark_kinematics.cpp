#include "dark_kinematics.h"

#include "dark_units.h"

#include <algorithm>
#include <cmath>

namespace nubayes::dark {

double dot(const FourVector& a, const FourVector& b) {
  return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

double invariant_mass_sq(const FourVector& p) {
  return dot(p, p);
}

double invariant_mass(const FourVector& p) {
  return std::sqrt(std::max(invariant_mass_sq(p), 0.0));
}

double momentum(const FourVector& p) {
  return std::sqrt(p[1] * p[1] + p[2] * p[2] + p[3] * p[3]);
}

FourVector operator+(const FourVector& a, const FourVector& b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]};
}

FourVector operator-(const FourVector& a, const FourVector& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]};
}

FourVector boost_from_rest_frame(const FourVector& q, const FourVector& parent) {
  const double m = invariant_mass(parent);
  const double p_dot_q = parent[1] * q[1] + parent[2] * q[2] + parent[3] * q[3];
  // q⃗_lab = q⃗ + P⃗ [P⃗·q⃗ / (M (E + M)) + E_q / M]: no 1/β² so a parent at rest is exact.
  const double factor = p_dot_q / (m * (parent[0] + m)) + q[0] / m;
  return {(parent[0] * q[0] + p_dot_q) / m, q[1] + factor * parent[1], q[2] + factor * parent[2],
          q[3] + factor * parent[3]};
}

FourVector boost_to_rest_frame(const FourVector& q, const FourVector& parent) {
  return boost_from_rest_frame(q, {parent[0], -parent[1], -parent[2], -parent[3]});
}

double two_body_momentum(double m_parent, double m1, double m2) {
  const double a = m_parent * m_parent, b = m1 * m1, c = m2 * m2;
  const double lambda = (a - b - c) * (a - b - c) - 4.0 * b * c;
  return std::sqrt(std::max(lambda, 0.0)) / (2.0 * m_parent);
}

std::array<double, 3> isotropic_direction(const UniformSource& uniform) {
  const double cos_theta = 2.0 * uniform() - 1.0;
  const double sin_theta = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  const double phi = 2.0 * kPi * uniform();
  return {sin_theta * std::cos(phi), sin_theta * std::sin(phi), cos_theta};
}

std::array<FourVector, 2> decay_two_body_isotropic(const FourVector& parent, double m1, double m2,
                                                   const UniformSource& uniform) {
  const double m = invariant_mass(parent);
  const double p = two_body_momentum(m, m1, m2);
  const auto n = isotropic_direction(uniform);
  const FourVector d1 = {std::sqrt(p * p + m1 * m1), p * n[0], p * n[1], p * n[2]};
  const FourVector d2 = {std::sqrt(p * p + m2 * m2), -p * n[0], -p * n[1], -p * n[2]};
  return {boost_from_rest_frame(d1, parent), boost_from_rest_frame(d2, parent)};
}

std::array<double, 3> direction_about_axis(const std::array<double, 3>& axis, double cos_theta,
                                           double phi) {
  // Orthonormal frame (a, b, axis); a is any vector perpendicular to the axis.
  const std::array<double, 3> helper =
      std::abs(axis[2]) < 0.9 ? std::array<double, 3>{0, 0, 1} : std::array<double, 3>{1, 0, 0};
  std::array<double, 3> a = {axis[1] * helper[2] - axis[2] * helper[1],
                             axis[2] * helper[0] - axis[0] * helper[2],
                             axis[0] * helper[1] - axis[1] * helper[0]};
  const double a_norm = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  for (double& x : a)
    x /= a_norm;
  const std::array<double, 3> b = {axis[1] * a[2] - axis[2] * a[1], axis[2] * a[0] - axis[0] * a[2],
                                   axis[0] * a[1] - axis[1] * a[0]};
  const double sin_theta = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  std::array<double, 3> n{};
  for (int i = 0; i < 3; ++i)
    n[i] = cos_theta * axis[i] + sin_theta * (std::cos(phi) * a[i] + std::sin(phi) * b[i]);
  return n;
}

std::array<FourVector, 2> decay_two_body_about_axis(const FourVector& parent, double m1, double m2,
                                                    const std::array<double, 3>& axis,
                                                    double cos_theta, double phi) {
  const double p = two_body_momentum(invariant_mass(parent), m1, m2);
  const auto n = direction_about_axis(axis, cos_theta, phi);
  const FourVector d1 = {std::sqrt(p * p + m1 * m1), p * n[0], p * n[1], p * n[2]};
  const FourVector d2 = {std::sqrt(p * p + m2 * m2), -p * n[0], -p * n[1], -p * n[2]};
  return {boost_from_rest_frame(d1, parent), boost_from_rest_frame(d2, parent)};
}

} // namespace nubayes::dark
