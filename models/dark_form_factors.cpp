#include "dark_form_factors.h"

#include "dark_units.h"

#include <cmath>

namespace nubayes::dark {
namespace {

constexpr double kHelmSkinFm = 0.9;
constexpr double kDiffusenessFm = 0.52;

double half_density_radius_fm(double mass_number) {
  return 1.23 * std::cbrt(mass_number) - 0.60;
}

double momentum_fm(double q2) {
  return std::sqrt(std::max(q2, 0.0)) / kHbarCGeVFm;
}

} // namespace

double helm_radius_fm(double mass_number) {
  const double c = half_density_radius_fm(mass_number);
  const double a = kDiffusenessFm, s = kHelmSkinFm;
  return std::sqrt(c * c + 7.0 / 3.0 * kPi * kPi * a * a - 5.0 * s * s);
}

double helm_form_factor(double q2, double mass_number) {
  const double q = momentum_fm(q2);
  const double x = q * helm_radius_fm(mass_number);
  // 3 j₁(x)/x = 3 (sin x − x cos x)/x³, with its series below x ~ 1e-2 where the difference
  // cancels.
  const double x2 = x * x;
  const double spherical = x < 1e-2 ? 1.0 - x2 / 10.0 + x2 * x2 / 280.0
                                    : 3.0 * (std::sin(x) - x * std::cos(x)) / (x2 * x);
  return spherical * std::exp(-0.5 * q * q * kHelmSkinFm * kHelmSkinFm);
}

double symmetrised_fermi_form_factor(double q2, double mass_number) {
  const double c = half_density_radius_fm(mass_number), a = kDiffusenessFm;
  const double q = momentum_fm(q2);
  if (q * c <
      1e-3) { // 1 − Q²⟨r²⟩/6 with ⟨r²⟩ = (3/5) c² + (7/5) π² a²; the closed form cancels here
    return 1.0 - q * q * (0.6 * c * c + 1.4 * kPi * kPi * a * a) / 6.0;
  }
  const double pqa = kPi * q * a, qc = q * c;
  const double bracket = pqa / std::tanh(pqa) * std::sin(qc) - qc * std::cos(qc);
  return 3.0 / (qc * (qc * qc + pqa * pqa)) * pqa / std::sinh(pqa) * bracket;
}

double nuclear_form_factor(NuclearFormFactor kind, double q2, double mass_number) {
  switch (kind) {
  case NuclearFormFactor::helm:
    return helm_form_factor(q2, mass_number);
  case NuclearFormFactor::symmetrised_fermi:
    return symmetrised_fermi_form_factor(q2, mass_number);
  case NuclearFormFactor::none:
    break;
  }
  return 1.0;
}

NucleonFormFactors proton_form_factors(double q2) {
  const double dipole = 1.0 / std::pow(1.0 + q2 / kProtonDipoleMassSq, 2);
  const double g_e = dipole, g_m = (1.0 + kProtonAnomalousMoment) * dipole;
  const double tau = q2 / (4.0 * kProtonMass * kProtonMass);
  return {(g_e + tau * g_m) / (1.0 + tau), (g_m - g_e) / (1.0 + tau)};
}

} // namespace nubayes::dark
