#include "four_flavour_vacuum.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

namespace nubayes::four_flavour {

namespace {

/// The rotation by θ in the (i, j) plane, i < j: c on (i,i) and (j,j), s at (i,j), −s at (j,i).
Mixing rotation(int i, int j, double theta) {
  Mixing r{};
  for (int a = 0; a < 4; ++a)
    r[a][a] = 1;
  const double c = std::cos(theta), s = std::sin(theta);
  r[i][i] = c;
  r[j][j] = c;
  r[i][j] = s;
  r[j][i] = -s;
  return r;
}

Mixing product(const Mixing& a, const Mixing& b) {
  Mixing out{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double sum = 0;
      for (int k = 0; k < 4; ++k)
        sum += a[i][k] * b[k][j];
      out[i][j] = sum;
    }
  return out;
}

void check_flavour(int alpha) {
  if (alpha < 0 || alpha > 3) throw std::invalid_argument("four_flavour: flavour index out of range");
}

} // namespace

Mixing mixing_matrix(const Angles& a) {
  Mixing u = rotation(0, 1, a.theta12);
  u = product(rotation(0, 2, a.theta13), u);
  u = product(rotation(1, 2, a.theta23), u);
  u = product(rotation(0, 3, a.theta14), u);
  u = product(rotation(1, 3, a.theta24), u);
  u = product(rotation(2, 3, a.theta34), u);
  return u;
}

Angles angles_from_fourth_column(double ue4_sq, double umu4_sq, double utau4_sq,
                                 const Angles& three_flavour) {
  const auto in_unit = [](double v) { return v >= 0 && v <= 1; };
  if (!in_unit(ue4_sq) || !in_unit(umu4_sq) || !in_unit(utau4_sq) ||
      !(ue4_sq + umu4_sq + utau4_sq <= 1))
    throw std::invalid_argument("four_flavour: |U_a4|^2 must lie in [0, 1] with a sum <= 1");
  Angles a = three_flavour;
  a.theta14 = std::asin(std::sqrt(ue4_sq));
  const double rest_e = 1 - ue4_sq;
  a.theta24 = rest_e > 0 ? std::asin(std::sqrt(std::min(1.0, umu4_sq / rest_e))) : 0.0;
  const double rest_mu = 1 - ue4_sq - umu4_sq;
  a.theta34 = rest_mu > 0 ? std::asin(std::sqrt(std::min(1.0, utau4_sq / rest_mu))) : 0.0;
  return a;
}

std::array<double, kNumPairs> pair_splittings(const Splittings& s) {
  const double m[4] = {0, s.dm2_21, s.dm2_31, s.dm2_41};
  std::array<double, kNumPairs> out{};
  for (std::size_t p = 0; p < kNumPairs; ++p)
    out[p] = m[kPairs[p].first] - m[kPairs[p].second];
  return out;
}

std::array<double, kNumPairs> sin2_coefficients(const Mixing& u, int alpha, int beta) {
  check_flavour(alpha);
  check_flavour(beta);
  std::array<double, kNumPairs> out{};
  for (std::size_t p = 0; p < kNumPairs; ++p) {
    const auto [j, k] = kPairs[p];
    out[p] = 4 * u[alpha][j] * u[beta][j] * u[alpha][k] * u[beta][k];
  }
  return out;
}

double probability(const Mixing& u, const Splittings& splittings, int alpha, int beta,
                   double l_over_e) {
  const auto a = sin2_coefficients(u, alpha, beta);
  const auto dm2 = pair_splittings(splittings);
  double p = alpha == beta ? 1.0 : 0.0;
  for (std::size_t i = 0; i < kNumPairs; ++i) {
    const double s = std::sin(kPhase * dm2[i] * l_over_e);
    p -= a[i] * s * s;
  }
  return p;
}

double probability_from_amplitude(const Mixing& u, const Splittings& splittings, int alpha,
                                  int beta, double l_over_e) {
  check_flavour(alpha);
  check_flavour(beta);
  const double m[4] = {0, splittings.dm2_21, splittings.dm2_31, splittings.dm2_41};
  std::complex<double> amplitude = 0;
  for (int j = 0; j < 4; ++j)
    amplitude += u[alpha][j] * u[beta][j] * std::polar(1.0, -2 * kPhase * m[j] * l_over_e);
  return std::norm(amplitude);
}

} // namespace nubayes::four_flavour
