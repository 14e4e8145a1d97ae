#pragma once
// Fast decay-inside-fiducial probabilities for the dark-sector likelihoods. The exact function
// (miniboone_geometry.h, decay_in_fiducial_from_tank) is a quadrature: too slow for the hundreds
// of calls one likelihood evaluation makes, so it is tabulated once in log λ and interpolated.
//
// Two-step decays (dark-zd: N → ν Z_D, then Z_D → e⁺e⁻) are treated as collinear: the pair appears
// at d = d₁ + d₂ along the N direction, d_i exponential with means λ₁, λ₂. The density of d is
// then [e^{−d/λ₁} − e^{−d/λ₂}]/(λ₁ − λ₂) = [λ₁ f₁(d) − λ₂ f₂(d)]/(λ₁ − λ₂) with f_i the single
// exponential densities, and since P is linear in the displacement density,
//   P₂(λ₁, λ₂) = [λ₁ P(λ₁) − λ₂ P(λ₂)] / (λ₁ − λ₂)   (→ d[λP]/dλ for λ₁ = λ₂).
// Z_D and N are nearly collinear for m_ZD ≪ m_N; the approximation only matters when both decay
// lengths are comparable to the tank, far from the prompt benchmarks.
#include <vector>

namespace nubayes::miniboone {

class FiducialDecayTable {
public:
  /// Tabulates decay_in_fiducial_from_tank (pairs produced anywhere in the tank).
  FiducialDecayTable();

  /// P(decay inside the fiducial sphere | produced uniformly in the tank) for lab decay length
  /// `lambda_m` [m]: the prompt value below 1e-6 m, the 1/λ tail beyond 1e8 m, 0 for +inf.
  double single(double lambda_m) const;
  /// The same for the collinear sum of two exponential flights (see the header comment).
  double two_step(double lambda1_m, double lambda2_m) const;

private:
  static constexpr double kLogMin = -6, kLogMax = 8; ///< log10 λ [m]
  static constexpr int kPointsPerDecade = 50;
  /// ln P at log10 λ = kLogMin + i / kPointsPerDecade (ln P is linear in ln λ in both limits)
  std::vector<double> p_;
};

} // namespace nubayes::miniboone
