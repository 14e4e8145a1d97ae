#include "earth_propagation.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace nubayes::earth {

namespace {

/// PREM regions: outer radius [km] and density ρ(x) = a0 + a1 x + a2 x² + a3 x³, x = r/6371 km.
struct Region {
  double r_outer;
  std::array<double, 4> a;
};
constexpr std::array<Region, 10> kPrem{{
    {1221.5, {13.0885, 0, -8.8381, 0}},             // inner core
    {3480.0, {12.5815, -1.2638, -3.6426, -5.5281}}, // outer core
    {5701.0, {7.9565, -6.4761, 5.5283, -3.0807}},   // lower mantle
    {5771.0, {5.3197, -1.4836, 0, 0}},              // transition zone
    {5971.0, {11.2494, -8.0298, 0, 0}},
    {6151.0, {7.1089, -3.8045, 0, 0}},
    {6346.6, {2.6910, 0.6924, 0, 0}}, // LVZ and LID
    {6356.0, {2.900, 0, 0, 0}},       // lower crust
    {6368.0, {2.600, 0, 0, 0}},       // upper crust
    {6371.0, {1.020, 0, 0, 0}},       // ocean
}};
constexpr double kCoreRadius = 3480.0;
constexpr double kYeCore = 0.4656, kYeMantle = 0.4957;

double polynomial(const std::array<double, 4>& a, double r) {
  const double x = r / kEarthRadius;
  return a[0] + x * (a[1] + x * (a[2] + x * a[3]));
}

} // namespace

double prem_density(double r) {
  for (const Region& region : kPrem)
    if (r <= region.r_outer) return polynomial(region.a, r);
  return 0;
}

EarthModel EarthModel::prem(double max_thickness) {
  if (!(max_thickness >= 1))
    throw std::invalid_argument("earth: PREM sub-shells must be at least 1 km thick");
  std::vector<Shell> shells;
  double r_in = 0;
  for (const Region& region : kPrem) {
    const double width = region.r_outer - r_in;
    const int pieces = std::max(1, static_cast<int>(std::ceil(width / max_thickness)));
    for (int k = 0; k < pieces; ++k) {
      const double lo = r_in + width * k / pieces, hi = r_in + width * (k + 1) / pieces;
      // Simpson: exact for the cubic polynomial, i.e. the radial mean of ρ over [lo, hi].
      const double mean = (polynomial(region.a, lo) + 4 * polynomial(region.a, 0.5 * (lo + hi)) +
                           polynomial(region.a, hi)) /
                          6;
      shells.push_back({lo, hi, mean, hi <= kCoreRadius ? kYeCore : kYeMantle});
    }
    r_in = region.r_outer;
  }
  return EarthModel(std::move(shells));
}

EarthModel EarthModel::uniform(double density, double ye) {
  return EarthModel({Shell{0, kEarthRadius, density, ye}});
}

int EarthModel::shell_at(double r) const {
  for (std::size_t i = 0; i < shells_.size(); ++i)
    if (r <= shells_[i].r_outer) return static_cast<int>(i);
  return -1;
}

double path_length(double cos_zenith, double depth, double height) {
  const double rd = kEarthRadius - depth, rs = kEarthRadius + height;
  return -rd * cos_zenith + std::sqrt(rd * rd * cos_zenith * cos_zenith - rd * rd + rs * rs);
}

std::vector<Segment> path(const EarthModel& earth, double cos_zenith, double depth, double height) {
  // Position s from the detector towards the source: r(s)² = rd² + s² + 2 rd s cosθ.
  const double rd = kEarthRadius - depth;
  const double total = path_length(cos_zenith, depth, height);
  std::vector<double> cuts{0, total};
  for (const Shell& shell : earth.shells()) {
    const double disc = rd * rd * cos_zenith * cos_zenith - rd * rd + shell.r_outer * shell.r_outer;
    if (disc <= 0) continue;
    for (double s : {-rd * cos_zenith - std::sqrt(disc), -rd * cos_zenith + std::sqrt(disc)})
      if (s > 0 && s < total) cuts.push_back(s);
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<Segment> out;
  // From the source (s = total) down to the detector (s = 0).
  for (std::size_t k = cuts.size() - 1; k > 0; --k) {
    const double length = cuts[k] - cuts[k - 1];
    if (length <= 0) continue;
    const double s = 0.5 * (cuts[k] + cuts[k - 1]);
    const double r = std::sqrt(std::max(0.0, rd * rd + s * s + 2 * rd * s * cos_zenith));
    const int shell = earth.shell_at(r);
    if (!out.empty() && out.back().shell == shell)
      out.back().length += length;
    else
      out.push_back({shell, length});
  }
  return out;
}

Mixing mixing_from(const sterile3p1::Params& p) {
  constexpr double deg = std::numbers::pi / 180;
  Mixing m;
  m.theta12 = 33.44 * deg;
  m.theta13 = 8.57 * deg;
  m.theta23 = 49.2 * deg;
  m.dm2_21 = 7.42e-5;
  m.dm2_31 = 2.517e-3;
  m.dm2_41 = p.dm2_41;
  const auto angle = [](double s2) { return std::asin(std::sqrt(std::clamp(s2, 0.0, 1.0))); };
  m.theta14 = angle(p.ue4_sq);
  const double c14sq = 1 - p.ue4_sq;
  m.theta24 = c14sq > 0 ? angle(p.umu4_sq / c14sq) : 0;
  const double c14c24sq = 1 - p.ue4_sq - p.umu4_sq;
  m.theta34 = c14c24sq > 0 ? angle(p.utau4_sq / c14c24sq) : 0;
  return m;
}

Matrix4 mixing_matrix(const Mixing& m) {
  const auto rotation = [](int i, int j, double theta) {
    Matrix4 r = Matrix4::Identity();
    r(i, i) = r(j, j) = std::cos(theta);
    r(i, j) = std::sin(theta);
    r(j, i) = -std::sin(theta);
    return r;
  };
  return rotation(2, 3, m.theta34) * rotation(1, 3, m.theta24) * rotation(0, 3, m.theta14) *
         rotation(1, 2, m.theta23) * rotation(0, 2, m.theta13) * rotation(0, 1, m.theta12);
}

Propagator::Propagator(const Mixing& mixing, const EarthModel& earth)
    : earth_(earth), shells_(earth.shells().size() + 1) {
  const Matrix4 u = mixing_matrix(mixing);
  const Eigen::Vector4d dm2(0, mixing.dm2_21, mixing.dm2_31, mixing.dm2_41);
  mass2_ = u * dm2.asDiagonal() * u.transpose();
}

void Propagator::diagonalise(double v_cc, double v_s, Eigensystem& out) const {
  // 2E·H in eV² keeps the entries of order Δm².
  Matrix4 h = mass2_;
  h(0, 0) += 2 * energy_ev_ * v_cc;
  h(3, 3) += 2 * energy_ev_ * v_s;
  const Eigen::SelfAdjointEigenSolver<Matrix4> solver(h);
  out.vectors = solver.eigenvectors();
  out.phase_per_km = solver.eigenvalues() * (kInvHbarC / (2 * energy_ev_));
}

void Propagator::set_energy(double energy, bool anti) {
  energy_ev_ = energy * 1e9;
  const double sign = anti ? -1 : 1;
  const auto& shells = earth_.shells();
  for (std::size_t i = 0; i < shells.size(); ++i) {
    const double v_cc = kSqrt2GfNa * shells[i].density * shells[i].ye;
    const double v_s = 0.5 * kSqrt2GfNa * shells[i].density * (1 - shells[i].ye);
    diagonalise(sign * v_cc, sign * v_s, shells_[i]);
  }
  diagonalise(0, 0, shells_.back());
}

State Propagator::evolve(int alpha, const std::vector<Segment>& segments) const {
  if (alpha < 0 || alpha > 3) throw std::out_of_range("earth: flavour index must be 0..3");
  // Real and imaginary parts apart: W is real, so each step is four real 4×4 products.
  Eigen::Vector4d re = Eigen::Vector4d::Zero(), im = Eigen::Vector4d::Zero();
  re(alpha) = 1;
  for (const Segment& seg : segments) {
    const Eigensystem& e =
        seg.shell < 0 ? shells_.back() : shells_[static_cast<std::size_t>(seg.shell)];
    const Eigen::Vector4d a_re = e.vectors.transpose() * re, a_im = e.vectors.transpose() * im;
    Eigen::Vector4d b_re, b_im;
    for (int k = 0; k < 4; ++k) {
      const double phi = e.phase_per_km(k) * seg.length;
      const double c = std::cos(phi), s = std::sin(phi);
      // multiply by e^{−iφ}
      b_re(k) = a_re(k) * c + a_im(k) * s;
      b_im(k) = a_im(k) * c - a_re(k) * s;
    }
    re = e.vectors * b_re;
    im = e.vectors * b_im;
  }
  State out;
  for (int k = 0; k < 4; ++k)
    out(k) = {re(k), im(k)};
  return out;
}

double Propagator::probability(int alpha, int beta, const std::vector<Segment>& segments) const {
  return std::norm(evolve(alpha, segments)(beta));
}

} // namespace nubayes::earth
