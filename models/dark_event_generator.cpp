#include "dark_event_generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nubayes::dark {

DarkEventGenerator::DarkEventGenerator(const DarkModelParams& params, const UpscatterTarget& target,
                                       ZdDecayAngles zd_angles)
    : params_(params), target_(target), zd_angles_(zd_angles) {
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

  if (three_body_) {
    const auto daughters = three_body_->decay(event.heavy, uniform);
    event.electron = daughters[0];
    event.positron = daughters[1];
    event.nu_out = daughters[2];
  } else {
    decay_dark_zd(event, uniform);
  }
  return event;
}

void DarkEventGenerator::decay_dark_zd(DarkEvent& event, const UniformSource& uniform) const {
  const auto& zd = std::get<DarkZdParams>(params_);
  const auto nu_and_zd = decay_two_body_isotropic(event.heavy, 0.0, zd.m_ZD, uniform);
  event.nu_out = nu_and_zd[0];
  event.mediator = nu_and_zd[1];
  event.decay_length_mediator_cm =
      decay_length_cm(width_mediator_, zd.m_ZD, momentum(event.mediator));
  if (zd_angles_ == ZdDecayAngles::isotropic) {
    const auto pair =
        decay_two_body_isotropic(event.mediator, kElectronMass, kElectronMass, uniform);
    event.electron = pair[0];
    event.positron = pair[1];
    return;
  }
  // Helicity axis: the Z_D direction in the N rest frame, i.e. opposite to N seen from the Z_D.
  const FourVector heavy_in_zd = boost_to_rest_frame(event.heavy, event.mediator);
  const double p_heavy = momentum(heavy_in_zd);
  const std::array<double, 3> axis = {-heavy_in_zd[1] / p_heavy, -heavy_in_zd[2] / p_heavy,
                                      -heavy_in_zd[3] / p_heavy};
  const double beta_e = 2.0 * two_body_momentum(zd.m_ZD, kElectronMass, kElectronMass) / zd.m_ZD;
  const double cos_theta =
      sample_vector_decay_cos_theta(longitudinal_fraction(zd.m_N, zd.m_ZD), beta_e, uniform);
  const auto pair = decay_two_body_about_axis(event.mediator, kElectronMass, kElectronMass, axis,
                                              cos_theta, 2.0 * kPi * uniform());
  event.electron = pair[0];
  event.positron = pair[1];
}

} // namespace nubayes::dark
