#include "dark_event_generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nubayes::dark {

DarkEventGenerator::DarkEventGenerator(const DarkModelParams& params, const UpscatterTarget& target,
                                       DecayAngles angles)
    : params_(params), target_(target), angles_(angles) {
  if (!std::visit([](const auto& p) { return is_physical(p); }, params_))
    throw std::invalid_argument("DarkEventGenerator: parameters outside the physical region");
  if (const auto* zd = std::get_if<DarkZdParams>(&params_)) {
    vertex_ = upscatter_vertex(*zd);
    width_heavy_ = width_n_to_nu_zd(*zd);
    width_mediator_ = width_zd_to_ee(*zd);
  } else {
    const auto& zp = std::get<HeavyZprimeParams>(params_);
    vertex_ = upscatter_vertex(zp);
    three_body_.emplace(three_body_vertex(zp));
    width_heavy_ = width_nu4_to_nu_ee(zp);
  }
  // Form-factor cut-off of the Q² spectrum: F² ≈ exp(−Q² r_n²/3) for a nucleus, dipole for the
  // proton.
  const double cutoff_sq =
      target_.kind == UpscatterTarget::Kind::proton
          ? kProtonDipoleMassSq
          : 3.0 * kHbarCGeVFm * kHbarCGeVFm / std::pow(helm_radius_fm(target_.mass_number), 2);
  proposal_mass_ = std::sqrt(std::min(vertex_.m_mediator * vertex_.m_mediator, cutoff_sq));
}

std::optional<DarkEvent> DarkEventGenerator::generate(double e_nu,
                                                      const UniformSource& uniform) const {
  const Q2Range range = q2_range(e_nu, vertex_.m_heavy, target_.mass);
  if (range.empty()) return std::nullopt;
  const double mu = proposal_mass_, mn = vertex_.m_heavy, mt = target_.mass;

  if (!(range.lo + mu * mu > 0.0))
    throw std::domain_error(
        "DarkEventGenerator: massless mediator and massless N diverge at Q² = 0");
  // Q² from the density 1/(Q² + μ²)², i.e. uniform in v; weight = dσ/dQ² / pdf.
  const double v_lo = propagator_variable(range.lo, mu), v_hi = propagator_variable(range.hi, mu);
  const double q2 = std::clamp(q2_from_propagator_variable(v_lo + (v_hi - v_lo) * uniform(), mu),
                               range.lo, range.hi);
  const double inverse_pdf = (q2 + mu * mu) * (q2 + mu * mu) * (v_hi - v_lo);

  DarkEvent event;
  event.e_nu = e_nu;
  event.q2 = q2;
  event.weight_cm2 = dsigma_dq2(vertex_, target_, e_nu, q2) * inverse_pdf * kGeVm2ToCm2;

  // Heavy state: energy from the recoil E_R = Q²/(2 M_T), polar angle from t = (k − k′)².
  const double e_heavy = e_nu - q2 / (2.0 * mt);
  const double p_heavy = std::sqrt(std::max(e_heavy * e_heavy - mn * mn, 0.0));
  const double cos_theta =
      std::clamp((2.0 * e_nu * e_heavy - mn * mn - q2) / (2.0 * e_nu * p_heavy), -1.0, 1.0);
  const double sin_theta = std::sqrt(1.0 - cos_theta * cos_theta);
  const double phi = 2.0 * kPi * uniform();
  event.nu_in = {e_nu, 0, 0, e_nu};
  event.heavy = {e_heavy, p_heavy * sin_theta * std::cos(phi), p_heavy * sin_theta * std::sin(phi),
                 p_heavy * cos_theta};
  event.recoil = event.nu_in + FourVector{mt, 0, 0, 0} - event.heavy;
  event.beta_gamma_heavy = p_heavy / mn;
  event.decay_length_heavy_cm = decay_length_cm(width_heavy_, mn, p_heavy);

  event.heavy_polarisation = heavy_polarisation(target_, event.nu_in, event.heavy, mn);

  const DecayProducts decay =
      three_body_ ? decay_heavy_sterile(*three_body_, event.heavy, event.heavy_polarisation,
                                        angles_, uniform)
                  : decay_dark_neutrino(std::get<DarkZdParams>(params_), event.heavy,
                                        event.heavy_polarisation, angles_, uniform);
  event.nu_out = decay.nu;
  event.mediator = decay.mediator;
  event.electron = decay.electron;
  event.positron = decay.positron;
  if (!three_body_) {
    const double m_zd = std::get<DarkZdParams>(params_).m_ZD;
    event.decay_length_mediator_cm =
        decay_length_cm(width_mediator_, m_zd, momentum(event.mediator));
  }
  return event;
}

} // namespace nubayes::dark
