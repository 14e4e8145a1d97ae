#include "dark_decay_chain.h"

#include <stdexcept>

namespace nubayes::dark {
namespace {

DecayProducts unpolarised_dark_neutrino(const DarkZdParams& p, const FourVector& heavy,
                                        bool zd_isotropic, const UniformSource& uniform) {
  DecayProducts out;
  const auto nu_and_zd = decay_two_body_isotropic(heavy, 0.0, p.m_ZD, uniform);
  out.nu = nu_and_zd[0];
  out.mediator = nu_and_zd[1];
  if (zd_isotropic) {
    const auto pair = decay_two_body_isotropic(out.mediator, kElectronMass, kElectronMass, uniform);
    out.electron = pair[0];
    out.positron = pair[1];
    return out;
  }
  // Helicity axis: the Z_D direction in the N rest frame, i.e. opposite to N seen from the Z_D.
  const FourVector heavy_in_zd = boost_to_rest_frame(heavy, out.mediator);
  const double p_heavy = momentum(heavy_in_zd);
  const std::array<double, 3> axis = {-heavy_in_zd[1] / p_heavy, -heavy_in_zd[2] / p_heavy,
                                      -heavy_in_zd[3] / p_heavy};
  const double beta_e = 2.0 * two_body_momentum(p.m_ZD, kElectronMass, kElectronMass) / p.m_ZD;
  const double cos_theta =
      sample_vector_decay_cos_theta(longitudinal_fraction(p.m_N, p.m_ZD), beta_e, uniform);
  const auto pair = decay_two_body_about_axis(out.mediator, kElectronMass, kElectronMass, axis,
                                              cos_theta, 2.0 * kPi * uniform());
  out.electron = pair[0];
  out.positron = pair[1];
  return out;
}

// Accept–reject on top of an unpolarised proposal: P(accept) = ratio/2 ≤ 1.
template <class Proposal>
DecayProducts polarised(const FourVector& heavy, const std::optional<FourVector>& polarisation,
                        const Proposal& propose, const UniformSource& uniform) {
  if (!polarisation) throw std::invalid_argument("polarised decay needs a polarisation vector");
  for (;;) {
    DecayProducts out = propose();
    const double ratio =
        polarised_decay_ratio(heavy, *polarisation, out.nu, out.electron, out.positron);
    if (2.0 * uniform() < ratio) return out;
  }
}

} // namespace

DecayProducts decay_dark_neutrino(const DarkZdParams& p, const FourVector& heavy,
                                  const std::optional<FourVector>& polarisation, DecayAngles angles,
                                  const UniformSource& uniform) {
  const bool zd_isotropic = angles == DecayAngles::isotropic;
  const auto propose = [&] { return unpolarised_dark_neutrino(p, heavy, zd_isotropic, uniform); };
  if (angles != DecayAngles::polarised) return propose();
  return polarised(heavy, polarisation, propose, uniform);
}

DecayProducts decay_heavy_sterile(const ThreeBodySampler& sampler, const FourVector& heavy,
                                  const std::optional<FourVector>& polarisation, DecayAngles angles,
                                  const UniformSource& uniform) {
  const auto propose = [&] {
    const auto d = sampler.decay(heavy, uniform);
    return DecayProducts{d[2], {}, d[0], d[1]};
  };
  if (angles != DecayAngles::polarised) return propose();
  return polarised(heavy, polarisation, propose, uniform);
}

} // namespace nubayes::dark
