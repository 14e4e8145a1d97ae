#include "dark_couplings.h"

#include <cmath>

namespace nubayes::dark {
namespace {

bool finite_non_negative(double x) {
  return std::isfinite(x) && x >= 0.0;
}

} // namespace

bool is_physical(const DarkZdParams& p) {
  return std::isfinite(p.m_N) && finite_non_negative(p.m_ZD) && p.m_ZD > 2.0 * kElectronMass &&
         p.m_N > p.m_ZD && finite_non_negative(p.umu4_sq) && p.umu4_sq < 1.0 &&
         finite_non_negative(p.alpha_D) && finite_non_negative(p.alpha_eps2);
}

bool is_physical(const HeavyZprimeParams& p) {
  return finite_non_negative(p.m4) && p.m4 > 2.0 * kElectronMass && std::isfinite(p.m_Zprime) &&
         p.m_Zprime > p.m4 && finite_non_negative(p.umu4_sq) && finite_non_negative(p.utau4_sq) &&
         p.umu4_sq + p.utau4_sq < 1.0 && finite_non_negative(p.chi_sq) &&
         finite_non_negative(p.alpha_prime);
}

} // namespace nubayes::dark
