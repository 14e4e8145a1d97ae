#pragma once
// Decay widths of the dark-sector states [GeV], lifetimes and lab decay lengths, and the three-body
// decay ν₄ → ν e⁻ e⁺ through an off-shell Z′ (full Dalitz integration, finite propagator, m_e
// kept). Conventions: dark_couplings.h; formulas and their sources: models/DARK_SECTOR.md §3.

#include "dark_couplings.h"
#include "dark_kinematics.h"

#include <functional>

namespace nubayes::dark {

/// Γ(V → e⁺e⁻) = (e ε)²/(12π) m_V (1 + 2 m_e²/m_V²) √(1 − 4 m_e²/m_V²)  [= α ε² m_V/3 (…)].
double width_vector_to_ee(double charge_coupling_sq, double m_vector);
double width_zd_to_ee(const DarkZdParams& p);

/// Γ(N → ν V), Dirac N, summed over the light ν, vector V of mass m_V < m_N:
/// g_eff²/(32π) m_N³/m_V² (1 − r²)² (1 + 2r²), r = m_V/m_N, g_eff² = decay_vertex_sq.
/// For dark-zd: (α_D/8) |U_D4|²(1 − |U_D4|²) m_N³/m_ZD² (1 − r²)²(1 + 2r²).
double width_heavy_to_nu_vector(double vertex_sq, double m_heavy, double m_vector);
double width_n_to_nu_zd(const DarkZdParams& p);

/// Longitudinal fraction of V in N → ν V (massless left-handed ν): f_L = m_N²/(m_N² + 2 m_V²); the
/// rest is helicity −1 (the analogue of the W helicity fractions in t → bW).
double longitudinal_fraction(double m_heavy, double m_vector);
/// Density of cos θ of the e⁻ in V → e⁻e⁺ relative to the V helicity axis (vector coupling,
/// electron velocity β in the V frame), normalised on [−1, 1]:
///   [f_L · 2(1 − β²c²) + (1 − f_L)(2 − β² + β²c²)] / (4 − 4β²/3).
double vector_decay_angular_density(double cos_theta, double f_long, double beta);
/// Samples cos θ from vector_decay_angular_density (accept–reject, the bracket is ≤ 2).
double sample_vector_decay_cos_theta(double f_long, double beta, const UniformSource& uniform);

/// Decay of a polarised heavy state (momentum p, mass m, polarisation four-vector Π as from
/// heavy_polarisation) into ν(k) e⁻(p₁) e⁺(p₂) through a vector coupled as ν̄γ^μP_L N and
/// vectorially to e: the spin sum of the unpolarised case is linear in p, and a spin state enters
/// as p → p − mΠ. Returns the ratio of polarised to unpolarised |M|²,
///   w = B(p − mΠ)/B(p),  B(x) = (k·p₁)(x·p₂) + (k·p₂)(x·p₁) + m_e²(k·x),
/// in [0, 2]; the mediator propagator cancels, so it holds for the on-shell Z_D chain and the
/// off-shell Z′ alike.
double polarised_decay_ratio(const FourVector& heavy, const FourVector& polarisation,
                             const FourVector& nu, const FourVector& electron,
                             const FourVector& positron);

/// cτ [cm] for a width [GeV].
double ctau_cm(double width);
/// Lab decay length βγ cτ [cm] = (|p⃗|/m) cτ.
double decay_length_cm(double width, double mass, double lab_momentum);

/// The three-body decay heavy(p, M) → e⁻(p₁) e⁺(p₂) ν(k) through a vector of mass m_V coupled
/// vectorially to e (coupling e ε) and as g ν̄ γ^μ P_L N. Averaged over the N spin:
///   ⟨|M|²⟩ = 8 C² [(k·p₁)(p·p₂) + (k·p₂)(p·p₁) + m_e² (k·p)] / (m₁₂² − m_V²)²,
/// C² = (e ε)² · decay_vertex_sq. Dalitz variables m₁₂² = (p₁+p₂)² (the e⁺e⁻ mass²) and
/// m₂₃² = (p₂+k)². Requires m_V > M (the Z′ is off shell; otherwise N → ν V on shell dominates).
struct ThreeBodyVertex {
  double m_parent = 0;    ///< M [GeV]
  double m_mediator = 0;  ///< m_V [GeV]
  double coupling_sq = 0; ///< C²
  double m_lepton = kElectronMass;
};
ThreeBodyVertex three_body_vertex(const HeavyZprimeParams& p);

/// ⟨|M|²⟩ at a Dalitz point (inside the physical region).
double three_body_matrix_element_sq(const ThreeBodyVertex& v, double m12_sq, double m23_sq);

/// Physical m₂₃² range at fixed m₁₂² for masses (M; m₁, m₂, m₃) (PDG kinematics review, eq. 49.23).
struct DalitzRange {
  double lo = 0, hi = 0;
};
DalitzRange dalitz_m23_range(double m_parent, double m1, double m2, double m3, double m12_sq);

/// Γ = 1/((2π)³ 32 M³) ∫∫ ⟨|M|²⟩ dm₁₂² dm₂₃² for any spin-averaged |M|²(m₁₂², m₂₃²).
double integrate_dalitz(double m_parent, double m1, double m2, double m3,
                        const std::function<double(double, double)>& avg_matrix_element_sq,
                        double rel_tol = 1e-8);
/// The same restricted to m₁₂² in [m12_sq_lo, m12_sq_hi] (clipped to the physical range).
double integrate_dalitz(double m_parent, double m1, double m2, double m3,
                        const std::function<double(double, double)>& avg_matrix_element_sq,
                        double m12_sq_lo, double m12_sq_hi, double rel_tol = 1e-8);

double width_three_body(const ThreeBodyVertex& v);
/// Partial width with the e⁺e⁻ invariant mass² m₁₂² in [m12_sq_lo, m12_sq_hi] (clipped to the
/// physical range).
double partial_width_three_body(const ThreeBodyVertex& v, double m12_sq_lo, double m12_sq_hi);
/// Contact (m_V → ∞, m_e → 0) limit: G² M⁵/(768 π³), G = C/m_V².
double width_three_body_contact(const ThreeBodyVertex& v);
/// Γ(ν₄ → ν e⁺e⁻) for the heavy-zprime model (Dirac ν₄, full phase space). Heavy-Z′ limit:
/// α′ α χ² |U_s4|² S m₄⁵/(48π m_Z′⁴), S = Σ_α |U_α4|².
double width_nu4_to_nu_ee(const HeavyZprimeParams& p);

struct DalitzPoint {
  double m12_sq = 0; ///< (p_e⁻ + p_e⁺)²
  double m23_sq = 0; ///< (p_e⁺ + p_ν)²
};
/// Samples (m₁₂², m₂₃²) from ⟨|M|²⟩ by accept–reject on the Dalitz plane.
class ThreeBodySampler {
public:
  explicit ThreeBodySampler(const ThreeBodyVertex& v);
  DalitzPoint sample(const UniformSource& uniform) const;
  /// Daughters {e⁻, e⁺, ν} in the lab for a parent of lab four-momentum `parent`: a sampled Dalitz
  /// point, the decay plane oriented isotropically (unpolarised parent), then boosted.
  std::array<FourVector, 3> decay(const FourVector& parent, const UniformSource& uniform) const;

private:
  ThreeBodyVertex vertex_;
  double envelope_ = 0; ///< bound on ⟨|M|²⟩ over the Dalitz plane
};

} // namespace nubayes::dark
