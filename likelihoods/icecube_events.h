#pragma once
// IceCube IC86-2011 one-year sterile search (PRL 117 (2016) 071801, arXiv:1605.01990), refitted
// from its public release (inputs/icecube/IC86_2011_1605.01990/MANIFEST.md): 20 145 up-going
// muon events binned in 10 muon-energy-proxy × 21 cos θ_reco bins;
//   N[p, c] = Σ_e ( T_ν[p, c, e] Φ_ν[c, e] P_ν[c, e] + T_ν̄[p, c, e] Φ_ν̄[c, e] P_ν̄[c, e] ),
// T the nominal response array (livetime included), Φ the bin-averaged Honda–Gaisser flux (kaon +
// pion), P = P(νμ→νμ) through the Earth (models/earth_propagation.h) averaged over the (cos θ,
// E_true) bin by `oversampling`² sub-points. The release's flux and response share the cos θ
// binning: the true zenith is taken equal to the reconstructed one (≲1° at these energies).
// Likelihood: Poisson in the bins with predicted events, μ_b = k Σ_e N_be (E_e/E_0)^−Δγ, with
// the normalisation k (free: k = Σn/ΣN; with a prior of width σ about 1: the root of a
// quadratic) and the spectral-index shift Δγ (Gaussian prior, golden-section search) profiled:
//   χ² = 2 Σ [μ − n + n ln(n/μ)] + ((k − 1)/σ)² + (Δγ/σ_γ)²,   ln L = −χ²/2 + Σ ln Pois(n | n).
// No other systematics (the paper's DOM efficiency, ice, π/K and ν/ν̄ nuisances are not modelled).
//
// Not thread-safe: evaluations reuse mutable scratch buffers.
#include "earth_propagation.h"
#include "sterile3p1.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nubayes::icecube {

inline constexpr std::size_t kProxyBins = 10, kCosBins = 21, kTrueBins = 200;
/// Detector depth (centre of IceCube, ~1.95 km under the ice surface) and the mean production
/// height of TeV atmospheric neutrinos (~20 km); both only shift the path by ≲ 20 km.
inline constexpr double kDetectorDepth = 1.95, kProductionHeight = 20.0; ///< [km]
/// Pivot of the spectral-index shift [GeV] (near the sample's median true energy).
inline constexpr double kPivot = 2000.0;

struct EventsOptions {
  std::filesystem::path inputs;
  double norm_error = 0; ///< 0: free normalisation; else the prior width about 1
  int oversampling = 2;  ///< sub-points per bin in E_true and in cos θ
  /// Prior width of the spectral-index shift Δγ (flux × (E/kPivot)^−Δγ), profiled; 0: no shift.
  double spectral_index_error = 0.05;
  double shell_thickness = 400; ///< largest PREM sub-shell [km]
};

class Events {
public:
  explicit Events(const EventsOptions& options);

  /// Expected events per (proxy, cos θ) bin, row-major [p][c], before the normalisation.
  void expected(const sterile3p1::Params& p, std::vector<double>& out) const;
  /// χ² (see above) at p; the fitted normalisation and spectral-index shift to *norm, *tilt.
  double chi2(const sterile3p1::Params& p, double* norm = nullptr, double* tilt = nullptr) const;
  /// Σ ln Pois(n | n) over the bins used.
  double saturated_loglike() const { return saturated_; }

  std::size_t observed_total() const { return observed_total_; }
  const std::vector<double>& observed() const { return observed_; }
  /// Σ T·Φ over all bins (P = 1).
  double no_oscillation_total() const;
  const EventsOptions& options() const { return options_; }
  std::uint64_t hash() const { return hash_; }

private:
  EventsOptions options_;
  std::vector<double> weight_nu_, weight_nubar_; ///< T·Φ, [p][c][e]
  std::vector<double> observed_;                 ///< [p][c]
  std::vector<bool> used_;                       ///< bins with a prediction
  std::vector<bool> needed_;                     ///< (cos, E_true) cells with weight, [c][e]
  std::size_t observed_total_ = 0;
  double saturated_ = 0;
  std::vector<double> energies_;                   ///< sub-point energies [GeV], [e][k]
  std::vector<std::vector<earth::Segment>> paths_; ///< sub-point paths, [c][j]
  earth::EarthModel earth_;
  std::uint64_t hash_ = 0;
  /// χ² at spectral shift `tilt` from rate_, k profiled.
  double profiled(double tilt, double* norm) const;

  std::vector<double> log_energy_; ///< ln(E_e / kPivot) at the true-energy bin centres
  mutable std::vector<double> prob_nu_, prob_nubar_, expected_; ///< [c][e], [c][e], [p][c]
  mutable std::vector<double> rate_, tilt_factor_;              ///< [b][e], [e]
};

} // namespace nubayes::icecube
