#include "dark_upscattering.h"

#include "dark_integrate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nubayes::dark {

UpscatterVertex upscatter_vertex(const DarkZdParams& p) {
  return {p.m_N, p.m_ZD, mediator_charge_coupling_sq(p) * production_vertex_sq(p)};
}

UpscatterVertex upscatter_vertex(const HeavyZprimeParams& p) {
  return {p.m4, p.m_Zprime, mediator_charge_coupling_sq(p) * production_vertex_sq(p)};
}

UpscatterTarget carbon12_coherent(NuclearFormFactor form_factor) {
  return {UpscatterTarget::Kind::coherent_nucleus, kCarbon12Mass, 6, 12, form_factor};
}

UpscatterTarget free_proton() {
  return {UpscatterTarget::Kind::proton, kProtonMass, 1, 1, NuclearFormFactor::none};
}

double threshold_energy(double m_heavy, double m_target) {
  return m_heavy + m_heavy * m_heavy / (2.0 * m_target);
}

Q2Range q2_range(double e_nu, double m_heavy, double m_target) {
  if (e_nu <= threshold_energy(m_heavy, m_target)) return {};
  const double m2 = m_target * m_target, mn2 = m_heavy * m_heavy;
  const double s = m2 + 2.0 * m_target * e_nu, sqrt_s = std::sqrt(s);
  const double p1 = (s - m2) / (2.0 * sqrt_s); // massless ν: E₁* = p₁*
  const double e3 = (s + mn2 - m2) / (2.0 * sqrt_s);
  const double lambda = (s - mn2 - m2) * (s - mn2 - m2) - 4.0 * mn2 * m2;
  const double p3 = std::sqrt(std::max(lambda, 0.0)) / (2.0 * sqrt_s);
  // Q² = 2 p₁*(E₃* − p₃* cos θ*) − m_N². At the lower end E₃* − p₃* = m_N²/(E₃* + p₃*) avoids the
  // cancellation between E₃* and p₃* at high energy.
  const double lo = 2.0 * p1 * mn2 / (e3 + p3) - mn2;
  const double hi = 2.0 * p1 * (e3 + p3) - mn2;
  return {std::max(lo, 0.0), hi};
}

double scalar_current_contraction(double e_nu, double q2, double m_heavy, double m_target) {
  const double k_kprime = 0.5 * (m_heavy * m_heavy + q2);
  const double k_P = 2.0 * m_target * e_nu - k_kprime; // = k′·P, since (p − p′)·(p + p′) = 0
  const double P2 = 4.0 * m_target * m_target + q2;
  // Symmetric lepton tensor S_μν = 2(k′_μ k_ν + k_μ k′_ν − g_μν k·k′) contracted with P^μ P^ν.
  return 2.0 * (2.0 * k_P * k_P - P2 * k_kprime);
}

double spin_half_current_contraction(double e_nu, double q2, double m_heavy, double m_target,
                                     const NucleonFormFactors& ff) {
  // Spin-averaged hadron tensor H^μν/2 = G_M² Q² (−g^μν + q^μq^ν/q²) + (F₁² + τF₂²) P^μP^ν; its
  // first part contracts with S_μν to (m_N² + Q²)(2Q² − m_N²)  (DARK_SECTOR.md §2.3).
  const double mn2 = m_heavy * m_heavy;
  const double tau = q2 / (4.0 * m_target * m_target);
  const double g_m = ff.f1 + ff.f2;
  return (ff.f1 * ff.f1 + tau * ff.f2 * ff.f2) *
             scalar_current_contraction(e_nu, q2, m_heavy, m_target) +
         g_m * g_m * (mn2 + q2) * (2.0 * q2 - mn2);
}

double reduced_matrix_element_sq(const UpscatterTarget& target, double e_nu, double q2,
                                 double m_heavy) {
  if (target.kind == UpscatterTarget::Kind::coherent_nucleus) {
    const double charge_ff =
        target.charge * nuclear_form_factor(target.form_factor, q2, target.mass_number);
    return charge_ff * charge_ff * scalar_current_contraction(e_nu, q2, m_heavy, target.mass);
  }
  return target.charge * target.charge *
         spin_half_current_contraction(e_nu, q2, m_heavy, target.mass, proton_form_factors(q2));
}

FourVector heavy_polarisation(const UpscatterTarget& target, const FourVector& nu_in,
                              const FourVector& heavy, double m_heavy) {
  const FourVector target_in = {target.mass, 0, 0, 0};
  const FourVector q = nu_in - heavy;
  const FourVector P = target_in + target_in + q; // p + p′
  const double q2 = -dot(q, q);
  const double k_P = dot(nu_in, P), P2 = dot(P, P);
  // Scalar-current part: b = 2(k·P)P − P²k.
  FourVector b{};
  for (int mu = 0; mu < 4; ++mu)
    b[mu] = 2.0 * k_P * P[mu] - P2 * nu_in[mu];
  if (target.kind == UpscatterTarget::Kind::proton) {
    const NucleonFormFactors ff = proton_form_factors(q2);
    const double tau = q2 / (4.0 * target.mass * target.mass), g_m = ff.f1 + ff.f2;
    const double electric = 2.0 * (ff.f1 * ff.f1 + tau * ff.f2 * ff.f2);
    const double magnetic = g_m * g_m;
    for (int mu = 0; mu < 4; ++mu) {
      b[mu] = electric * b[mu] +
              magnetic * (2.0 * q2 * nu_in[mu] + 2.0 * (m_heavy * m_heavy + q2) * q[mu]);
    }
  }
  const double b_k = dot(b, heavy);
  FourVector pol{};
  for (int mu = 0; mu < 4; ++mu)
    pol[mu] = m_heavy * b[mu] / b_k - heavy[mu] / m_heavy;
  return pol;
}

double dsigma_dq2(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu, double q2) {
  const Q2Range range = q2_range(e_nu, v.m_heavy, target.mass);
  if (range.empty() || q2 < range.lo || q2 > range.hi) return 0.0;
  const double propagator = 1.0 / (q2 + v.m_mediator * v.m_mediator);
  // dσ/dt = Σ|M|² / (16π (s − M²)²), s − M² = 2 M E_ν.
  const double flux = 16.0 * kPi * 4.0 * target.mass * target.mass * e_nu * e_nu;
  return v.coupling_sq * propagator * propagator *
         reduced_matrix_element_sq(target, e_nu, q2, v.m_heavy) / flux;
}

double dsigma_derecoil(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu,
                       double e_recoil) {
  return 2.0 * target.mass * dsigma_dq2(v, target, e_nu, 2.0 * target.mass * e_recoil);
}

double sigma(const UpscatterVertex& v, const UpscatterTarget& target, double e_nu, double rel_tol) {
  const Q2Range range = q2_range(e_nu, v.m_heavy, target.mass);
  if (range.empty()) return 0.0;
  const double mv = v.m_mediator;
  if (!(range.lo + mv * mv > 0.0))
    throw std::domain_error("dark::sigma: massless mediator and massless N diverge at Q² = 0");
  // dQ² = (Q² + m_V²)² dv: the integrand in v is the propagator-free, smooth part.
  const auto integrand = [&](double x) {
    const double q2 = std::clamp(q2_from_propagator_variable(x, mv), range.lo, range.hi);
    const double denom = q2 + mv * mv;
    return dsigma_dq2(v, target, e_nu, q2) * denom * denom;
  };
  return integrate(integrand, propagator_variable(range.lo, mv), propagator_variable(range.hi, mv),
                   rel_tol);
}

} // namespace nubayes::dark
