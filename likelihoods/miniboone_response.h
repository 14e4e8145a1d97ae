#pragma once
// MiniBooNE detector response to e⁺e⁻ pairs: pair → ring (miniboone_pair_detector.h), decay inside
// the fiducial volume (miniboone_geometry.h), selection efficiency (miniboone_efficiency.h) and
// Gaussian energy resolution, accumulated into deterministic histograms of
//  * E_ν^QE in the 11 official νe bins (200–3000 MeV, from the data release's bin-edge file;
//    the first 9 are the 200–1250 MeV window), and
//  * E_vis and cos θ in the bins of the digitised 2018 and 2020 distributions
//    (miniboone_excess_shape.h), for events with E_ν^QE inside a window: 200–1250 MeV for 2020
//    (the paper's selection; the digitised totals match the release's 200–1250 MeV counts to
//    0.5 %), 200–3000 MeV by default for 2018 (its E_vis distribution runs to 2 GeV, which
//    E_ν^QE < 1250 MeV would forbid, and its totals, 2395 data / 1954 background, are nearer the
//    release's 200–3000 MeV counts 2187 / 1827 than the 200–1250 ones 1959 / 1591; unsettled,
//    see inputs/miniboone/digitized_2018/MANIFEST.md).
// The smearing is analytic: an event of true visible energy E contributes to a bin the Gaussian
// probability that the measured energy E′ falls in it (bin migration; no random numbers). E_ν^QE
// rises monotonically with E′ at fixed cos θ, so "E_ν^QE′ in [a, b]" is "E′ in [E(a), E(b)]"
// (visible_energy_for_enu_qe) and every histogram entry is a difference of two normal CDFs.
// The reconstructed angle is smeared in the cos θ histograms (miniboone_angular_smearing.h, also
// deterministic); E_ν^QE and the E_ν^QE windows use the true angle: a 3° error moves E_ν^QE by
// ~E²/m_N · sin θ · δθ ≈ 5 MeV at 0.5 GeV and 20°, far below the ~90 MeV energy resolution.
// The efficiency is evaluated at the true visible energy
// (the efficiency tables are in generated energy).
//
// Normalisation convention: PairEvent::weight is the number of such pairs PRODUCED in the whole
// tank (targets: the tank's 818 t of CH₂, ch2_targets()), for the exposure of the histograms. An
// event then counts weight × P(decays inside R < 5 m) × ε_in_fiducial(E_vis) × migration. With
// ProductionVolume::fiducial the weight is for targets inside R < 5 m only (450 t) and the decay
// probability is decay_inside_probability (production and decay in the fiducial sphere).
#include "miniboone_angular_smearing.h"
#include "miniboone_efficiency.h"
#include "miniboone_excess_shape.h"
#include "miniboone_pair_detector.h"
#include "table_reader.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace nubayes::miniboone {

/// σ(E) = stochastic · √(E/GeV) GeV + constant. Defaults (0.12, 0.01 GeV) as in
/// mhostert/MiniBooNE-DarkNews src/fastbnb/fastmc.py (STOCHASTIC, NOISE), which cites the
/// MiniBooNE reconstruction paper J. Phys. Conf. Ser. 120, 052003 (2008): 12 %/√E, i.e. 12 % at
/// 1 GeV. stochastic = constant = 0 turns smearing off (bins by the true energy).
struct EnergyResolution {
  double stochastic = 0.12;   ///< σ/E = stochastic/√(E/GeV)
  double constant_gev = 0.01; ///< added to σ [GeV]

  double sigma(double energy_gev) const;
  /// P(lo <= E′ < hi | E) [GeV]; an indicator of [lo, hi) when σ = 0.
  double probability(double energy_gev, double lo_gev, double hi_gev) const;
  /// Migration matrix: element (i, j) = P(E′ in reco bin i | true energy true_gev[j]); each
  /// column sums to 1 minus the probability of falling outside [edges.front(), edges.back()).
  std::vector<std::vector<double>> migration(std::span<const double> true_gev,
                                             std::span<const double> reco_edges_gev) const;
};

enum class ProductionVolume { tank, fiducial };

struct ResponseOptions {
  RingRules rules{};
  QeConvention qe{};
  EnergyResolution resolution{};
  AngularResolution angular{}; ///< {0, 0}: no angular smearing
  EfficiencyTable efficiency = EfficiencyTable::electron_photon_2012;
  ProductionVolume production = ProductionVolume::tank;
  /// E_ν^QE windows [GeV] of the 2018 and 2020 E_vis and cos θ distributions
  double window_2018_lo_gev = 0.2, window_2018_hi_gev = 3.0;
  double window_2020_lo_gev = 0.2, window_2020_hi_gev = 1.25;
};

/// Bin edges of every observable: E_ν^QE [GeV] from the release
/// (inputs/miniboone/2018/fhc/miniboone_binboundaries_nue_lowe.txt, MeV there), the rest from
/// the digitised distributions.
struct ObservableBinnings {
  std::vector<double> enu_qe_gev, evis_2018_gev, costheta_2018, evis_2020_gev, costheta_2020;
  explicit ObservableBinnings(const std::filesystem::path& inputs = inputs_dir());
};

/// Expected signal events per bin.
struct SignalHistograms {
  std::vector<double> enu_qe;    ///< 11 official bins, 200–3000 MeV
  std::vector<double> evis_2018; ///< bins of Distribution::evis_nu_2018 / evis_nubar_2018
  std::vector<double> costheta_2018;
  std::vector<double> evis_2020;
  std::vector<double> costheta_2020;
  double accepted = 0; ///< Σ weight × P_decay × ε over accepted rings, before any binning
};

/// The histogram to compare with `distribution` (binned alike): e.g.
///   excess_chi2(load_distribution(Distribution::costheta_nu_2020),
///               prediction_for(response.histograms(), Distribution::costheta_nu_2020))
/// is the "MiniBooNE angle" likelihood. The 2018 E_vis histogram serves both beam modes; the
/// exposure is in the events' weights.
std::span<const double> prediction_for(const SignalHistograms& histograms,
                                       Distribution distribution);

/// Accumulates the expected signal of generated pairs. Not thread-safe (one per thread/rank).
class PairResponse {
public:
  PairResponse(const ResponseOptions& options, const std::filesystem::path& inputs = inputs_dir());

  /// Adds one generated pair; the parent's lab decay length is βγ · cτ (`parent_ctau_m` in m;
  /// 0 = prompt). Throws std::invalid_argument on a negative/non-finite weight or cτ.
  void add(const PairEvent& event, double parent_ctau_m);
  void clear();

  const SignalHistograms& histograms() const { return histograms_; }
  const ObservableBinnings& binnings() const { return binnings_; }
  const ResponseOptions& options() const { return options_; }
  /// P(decay inside the fiducial sphere) for lab decay length `lambda_m`, per options().production.
  double decay_probability(double lambda_m) const;

private:
  void fill_window(std::vector<double>& histogram, std::span<const double> edges, double energy,
                   double e_window_lo, double e_window_hi, double weight) const;

  ResponseOptions options_;
  ObservableBinnings binnings_;
  Efficiency efficiency_;
  SignalHistograms histograms_;
};

} // namespace nubayes::miniboone
