#include "neutrino_sector.h"

#include "sterile3p1.h"

#include <cmath>
#include <sstream>

namespace nubayes {

namespace {

bool is_probability(double u) {
  return u >= 0 && u <= 1;
} // false for NaN

} // namespace

bool is_physical(const NeutrinoSector& s) {
  return std::isfinite(s.dm2_41) && s.dm2_41 >= 0 && is_probability(s.ue4_sq) &&
         is_probability(s.umu4_sq) && is_probability(s.utau4_sq) &&
         s.ue4_sq + s.umu4_sq + s.utau4_sq <= 1;
}

double fourth_column_sq(const NeutrinoSector& s, Flavour alpha) {
  switch (alpha) {
  case Flavour::e: return s.ue4_sq;
  case Flavour::mu: return s.umu4_sq;
  case Flavour::tau: return s.utau4_sq;
  }
  return 0;
}

double Transition::at(double x) const {
  if (!oscillates()) return constant;
  const double s = std::sin(wavenumber * x);
  return constant + amplitude * (s * s);
}

double Transition::mean(double x_lo, double x_hi) const {
  if (!oscillates()) return constant;
  return constant + amplitude * sterile3p1::mean_sin2(wavenumber, x_lo, x_hi);
}

Transition transition(const NeutrinoSector& s, Flavour from, Flavour to) {
  const double delta = from == to ? 1.0 : 0.0;
  // U_α4 U_β4 with real, non-negative fourth-column entries; for α = β it is |U_α4|² exactly
  // (no square root), which keeps the 3+1 formulas bit-identical to sterile3p1.h.
  const double a = fourth_column_sq(s, from), b = fourth_column_sq(s, to);
  const double product = from == to ? a : std::sqrt(a * b);
  Transition t;
  if (s.nu4_oscillates) {
    t.constant = delta;
    // 4|U_α4|²|U_β4|² for α ≠ β (= sin²2θμe), 4|U_α4|²(1 − |U_α4|²) for α = β (= sin²2θαα).
    const double sin2_2theta = from == to ? 4 * a * (1 - a) : 4 * a * b;
    t.amplitude = from == to ? -sin2_2theta : sin2_2theta;
    t.wavenumber = sterile3p1::wavenumber(s.dm2_41);
    if (t.wavenumber == 0) t.amplitude = 0; // Δm²41 = 0: nothing oscillates
    return t;
  }
  const double amplitude = delta - product;
  t.constant = amplitude * amplitude;
  return t;
}

TwoFlavourEquivalent two_flavour_equivalent(const NeutrinoSector& s, Flavour from, Flavour to,
                                            double averaged_dm2) {
  const Transition t = transition(s, from, to);
  if (t.oscillates()) return {std::abs(t.amplitude), s.dm2_41};
  if (s.nu4_oscillates) return {0, s.dm2_41}; // zero mixing or Δm²41 = 0: no effect at all
  const double shift = from == to ? 1 - t.constant : t.constant;
  if (shift == 0) return {0, averaged_dm2};
  return {2 * std::abs(shift), averaged_dm2};
}

NeutrinoSector averaged_equivalent(const NeutrinoSector& s) {
  if (s.nu4_oscillates) return s;
  NeutrinoSector out = s;
  out.nu4_oscillates = true;
  out.dm2_41 = kAveragedDm2;
  return out;
}

std::string describe(const Transition& t, double dm2_41) {
  std::ostringstream out;
  out.precision(6);
  if (t.oscillates())
    out << "oscillating nu4: " << t.constant << (t.amplitude < 0 ? " - " : " + ")
        << std::abs(t.amplitude) << " sin^2(1.267 * " << dm2_41 << " eV^2 * L/E)";
  else
    out << "no oscillation in L/E: P = " << t.constant;
  return out.str();
}

} // namespace nubayes
