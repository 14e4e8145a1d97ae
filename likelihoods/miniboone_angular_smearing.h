#pragma once
// Angular resolution of the electron-like ring, as deterministic bin-migration probabilities in
// cos θ (θ = angle to the beam). The reconstructed direction is the true one deflected by a polar
// angle α with a two-dimensional Gaussian (Rayleigh) distribution of width σ per axis,
// f(α) = α/σ² exp(−α²/2σ²), and a uniform azimuth φ around it:
//   cos θ′ = cos θ cos α + sin θ sin α cos φ.
// For fixed α the fraction of azimuths with cos θ′ <= u is 1 − arccos(k)/π, k = (u − cos θ cos α) /
// (sin θ sin α) clamped to [−1, 1]; the CDF P(cos θ′ <= u) is that averaged over α, by
// Gauss–Legendre panels in t = α²/2σ² (f dα = e^{−t} dt) broken at the kinks |k| = 1 — accurate to
// ~1e-7. Width: σ(E) = constant_deg + log_slope_deg · ln(1 GeV / E), default (2.7°, 1°) — the fit
// to R. Patterson's thesis used by mhostert/MiniBooNE-DarkNews (src/fastbnb/fastmc.py: "(log(1/E) +
// 2.7) degrees"; there it is the width of a one-dimensional normal deflection, here of each axis of
// a two-dimensional one: an open modelling choice). 2.7° at 1 GeV, 4.3° at 0.2 GeV.
#include <span>

namespace nubayes::miniboone {

struct AngularResolution {
  double constant_deg = 2.7;  ///< σ at 1 GeV
  double log_slope_deg = 1.0; ///< dσ/d ln(1/E)

  /// σ [rad] at visible energy `energy_gev`, never below 0 (0 = no smearing).
  double sigma_rad(double energy_gev) const;
};

/// P(cos θ′ <= u) for true polar angle `theta_rad` and per-axis width `sigma_rad` (σ = 0: the step
/// P(cos θ < u)).
double cos_theta_cdf(double u, double theta_rad, double sigma_rad);

/// out[i] = P(edges[i] <= cos θ′ < edges[i+1]); sums to 1 when the edges span [−1, 1].
void cos_theta_bin_probabilities(double theta_rad, double sigma_rad, std::span<const double> edges,
                                 std::span<double> out);

} // namespace nubayes::miniboone
