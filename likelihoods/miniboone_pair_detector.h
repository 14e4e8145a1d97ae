#pragma once
// How MiniBooNE sees an e⁺e⁻ pair from a dark-sector decay: the interface between a generator's
// lab-frame four-momenta and the νe-CCQE-like observables.
//
// Conventions: four-momenta are (E, px, py, pz) in GeV, beam along +z, lab frame (detector at
// rest). A pair is ONE electron-like ring, and so a νe CCQE candidate, when it is
//  * overlapping: opening angle below RingRules::max_opening_angle_deg (default 5°); the ring is
//    both particles; or
//  * asymmetric: the softer particle's total energy is below RingRules::asymmetric_threshold_gev
//    (default 30 MeV) and the harder one's is not; the ring is the harder particle alone (the soft
//    one makes too little light for a second ring).
// Otherwise it is two rings (π⁰-like) and rejected. Overlapping wins when both hold.
// Accepted pairs must also pass MiniBooNE's π⁰ invariant-mass cut m_γγ < c₀ + c₁E + c₂E²
// (GeV; E = the ring's visible energy in GeV). Default coefficients (0.03203, 0.007417, 0.02738),
// as in mhostert/MiniBooNE-DarkNews src/fastbnb/fastmc.py (mee_cut_func, "invariant mass
// criteria from Patterson"): m_γγ < 42.6 MeV at E = 0.5 GeV, 66.8 MeV at 1 GeV. (A brief quoted
// 0.3203 + 0.7417E + 0.2738E², ten times larger in every term, which no π⁰ could fail; we take
// it for a misplaced decimal point.)
// m_γγ of a pair: the mass a two-ring (two-photon) fit would find if it resolved both particles,
// m_γγ² = 2 E₊ E₋ (1 − cos θ₊₋) (massless showers, true energies and opening angle) — for an
// overlapping pair this is what the π⁰ fitter's two-ring hypothesis reconstructs; it differs from
// the pair's invariant mass only by O(m_e²).
// Visible energy: the sum of the total energies of the ring's particles. Direction: the
// energy-weighted mean of the particles' unit vectors, Σ Eᵢ p̂ᵢ / |Σ Eᵢ p̂ᵢ|.
#include <array>

namespace nubayes::miniboone {

using FourMomentum = std::array<double, 4>; ///< E, px, py, pz [GeV], beam along +z

/// What the generator hands over per event.
struct PairEvent {
  FourMomentum e_plus{};
  FourMomentum e_minus{};
  double parent_beta_gamma = 0; ///< βγ = |p|/m of the decaying parent, for its decay length
  /// Expected number of parents of such pairs produced in the whole tank for the exposure
  /// (POT · Φ · σ · N_targets with the tank's 818 t, ch2_targets()); the detector applies the
  /// decay-inside-fiducial probability and the efficiency (miniboone_response.h).
  double weight = 0;
};

struct RingRules {
  double max_opening_angle_deg = 5.0;     ///< overlapping below this opening angle
  double asymmetric_threshold_gev = 0.03; ///< softer particle below this: asymmetric
  std::array<double, 3> mass_cut{0.03203, 0.007417, 0.02738}; ///< c₀ [GeV], c₁, c₂ [1/GeV]
  bool apply_mass_cut = true;
};

enum class RingTopology { overlapping, asymmetric, two_rings };

struct Ring {
  RingTopology topology = RingTopology::two_rings;
  double visible_energy_gev = 0;
  std::array<double, 3> direction{0, 0, 1}; ///< unit vector
  double cos_theta = 1;                     ///< to the beam (+z)
  double two_ring_mass_gev = 0;             ///< m_γγ of the pair
  bool passes_mass_cut = false;
  /// One electron-like ring that passes the mass cut (if applied): a νe CCQE candidate.
  bool accepted = false;
};

/// Opening angle of the two momenta [rad].
double opening_angle(const FourMomentum& a, const FourMomentum& b);
/// m_γγ = √(2 E_a E_b (1 − cos θ_ab)) [GeV].
double two_ring_mass(const FourMomentum& a, const FourMomentum& b);
/// The cut value c₀ + c₁E + c₂E² [GeV] at visible energy `energy_gev`.
double mass_cut_gev(double energy_gev, const RingRules& rules);

Ring reconstruct_ring(const FourMomentum& e_plus, const FourMomentum& e_minus,
                      const RingRules& rules = {});

/// Reconstructed CCQE neutrino energy of an electron-like ring, as for νe n → e⁻ p with the
/// struck nucleon at rest and bound by `binding`:
///   E_ν^QE = [2M′E − (M′² + m_ℓ² − M_f²)] / [2(M′ − E + p cos θ)],  M′ = M_i − E_B, p = √(E² −
///   m_ℓ²).
/// E = the ring's visible energy (taken as the lepton's total energy). Our default is MiniBooNE's
/// νe convention as coded in MiniBooNE-DarkNews (reco_EnuCCQE): neutron → proton, no binding,
/// electron mass. QeConvention::elastic_proton() (M_i = M_f = m_p, E_B = 0, m_ℓ = 0) reduces it to
/// E_ν^QE = m_p E / (m_p − E(1 − cos θ)). Returns +inf or a negative value where the denominator
/// is ≤ 0 (backward rings of high energy: no CCQE solution).
struct QeConvention {
  double initial_nucleon_gev = 0.93956542; ///< neutron (PDG 2022)
  double final_nucleon_gev = 0.93827209;   ///< proton
  double binding_gev = 0;
  double lepton_mass_gev = 0.00051099895;
  static QeConvention elastic_proton() { return {0.93827209, 0.93827209, 0, 0}; }
};

double enu_qe(double energy_gev, double cos_theta, const QeConvention& qe = {});

/// The visible energy E ≥ m_ℓ with enu_qe(E, cos θ) = `enu_gev` (enu_qe increases with E below
/// its pole): Newton from the massless-lepton closed form, bisection as a fallback; m_ℓ if
/// enu_gev <= enu_qe(m_ℓ, cos θ).
double visible_energy_for_enu_qe(double enu_gev, double cos_theta, const QeConvention& qe = {});

} // namespace nubayes::miniboone
