#pragma once
// Four-vector helpers for the dark-sector event generator: (E, px, py, pz) in GeV, metric
// (+,−,−,−). Random numbers come from a caller-supplied uniform source on [0, 1), so models/ stays
// independent of the sampler's RNG (tests and callers wrap nubayes::Rng or any engine).

#include <array>
#include <functional>

namespace nubayes::dark {

using FourVector = std::array<double, 4>;
using UniformSource = std::function<double()>;

double dot(const FourVector& a, const FourVector& b);
double invariant_mass_sq(const FourVector& p);
double invariant_mass(const FourVector& p); ///< √max(p², 0)
double momentum(const FourVector& p);       ///< |p⃗|
FourVector operator+(const FourVector& a, const FourVector& b);
FourVector operator-(const FourVector& a, const FourVector& b);

/// q given in the rest frame of a particle with lab four-momentum `parent` → q in the lab.
FourVector boost_from_rest_frame(const FourVector& q, const FourVector& parent);

/// q given in the lab → q in the rest frame of `parent`.
FourVector boost_to_rest_frame(const FourVector& q, const FourVector& parent);

/// Källén λ^{1/2}(a, b, c) / (2 √a) with a = M², b = m₁², c = m₂²: the two-body momentum.
double two_body_momentum(double m_parent, double m1, double m2);

/// Unit vector isotropic on the sphere.
std::array<double, 3> isotropic_direction(const UniformSource& uniform);

/// Isotropic two-body decay of `parent` (lab four-momentum, mass from its invariant) into masses
/// m1, m2; returns the two daughters' lab four-momenta.
std::array<FourVector, 2> decay_two_body_isotropic(const FourVector& parent, double m1, double m2,
                                                   const UniformSource& uniform);

/// Unit vector at polar angle θ (cos_theta) and azimuth phi about the unit vector `axis`.
std::array<double, 3> direction_about_axis(const std::array<double, 3>& axis, double cos_theta,
                                           double phi);

/// Two-body decay of `parent` into masses m1, m2 with daughter 1 at polar angle θ (cos_theta) and
/// azimuth phi about `axis` (a unit 3-vector in the parent rest frame reached by a pure boost from
/// the lab); returns the two daughters' lab four-momenta.
std::array<FourVector, 2> decay_two_body_about_axis(const FourVector& parent, double m1, double m2,
                                                    const std::array<double, 3>& axis,
                                                    double cos_theta, double phi);

} // namespace nubayes::dark
