#pragma once
// What a model's neutrino sector does to MicroBooNE's Wire-Cell inclusive channels (issue 13,
// item 2): νμ → νe appearance in the two νe channels and disappearance of each channel's signal,
// at the Booster Neutrino Beam baseline. Recipe (docs/microboone.md, "3+1 in MicroBooNE"):
//
//  * True energy. The release's v3 smearing matrices M[t][r] (60 × 60, 0.05 GeV bins, 0–3 GeV;
//    selected νe or νμ CC events with true energy t and reconstructed energy r) give, per analysis
//    bin (0.1 GeV; the overflow bin takes 2.5–3 GeV), the true-energy distribution of the
//    channel's signal, w_r(t) = M[t][r'] summed over the bin's reco columns, normalised to 1.
//  * Baseline. Neutrinos come from a 50 m decay pipe: the flux-averaged L distribution is that of
//    the MiniBooNE 2018 ν-mode Monte-Carlo ntuple (decay point to detector), moved 71 m closer
//    (MicroBooNE at 470 m, MiniBooNE at 541 m from the target), in 40 bins.
//  * Probabilities. P(t) = Σ_L h(L) ⟨P(L/E)⟩ over the true-energy bin (uniform in L/E), from the
//    model's flavour transitions (models/neutrino_sector.h).
//  * Channels (signal = signal+background − background of the release, background unchanged):
//      νeCC FC/PC:  signal_r Σ_t w_r(t) [P_ee(t) + Φνμ/Φνe(t) P_μe(t)]
//                   (oscillated νe have the intrinsic νe's selection and smearing; the flux ratio
//                   is the BNB ν-mode flux at MiniBooNE, the same beam on the same axis)
//      νμCC FC/PC:  signal_r Σ_t w_r(t) P_μμ(t)   (the νμ matrices as shapes only: their totals
//                   do not match the release's νμ CC signal)
//      CCπ⁰ FC/PC:  signal × ⟨P_μμ⟩ over the νμCC FC true-energy distribution
//      NCπ⁰:        signal × ⟨P_μe + P_μμ + P_μτ⟩ (active neutrinos make NC events; νs do not)
//    Backgrounds (cosmics, out-of-volume, NC in the CC channels, misidentified νμ in the νe
//    channels) are left unoscillated: a second-order effect at the mixings the data allow.
#include "microboone_inclusive.h"
#include "neutrino_sector.h"

#include <Eigen/Core>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace nubayes::microboone {

inline constexpr std::size_t kTrueBins = 60; ///< smearing matrices: 0.05 GeV, 0–3 GeV
inline constexpr double kTrueBinGev = 0.05;
inline constexpr std::size_t kBaselineBins = 40; ///< L histogram
inline constexpr double kBaselineShiftM = 71.0;  ///< MiniBooNE (541 m) − MicroBooNE (470 m)

/// The flux-averaged baseline distribution: bin centres [m] and weights summing to 1.
struct Baselines {
  std::vector<double> metres, weights;
};

/// The MiniBooNE 2018 ν-mode ntuple's L (column 3, cm; weight column 4) moved kBaselineShiftM
/// closer, histogrammed in kBaselineBins equal bins between its extremes.
Baselines read_baselines(const std::filesystem::path& inputs);

/// The four transitions the channels need.
struct BeamTransitions {
  Transition mu_e{0, 0, 0}, e_e, mu_mu, mu_tau{0, 0, 0};
  static BeamTransitions of(const NeutrinoSector& sector);
  /// νμ → νe appearance alone (no disappearance anywhere), as the peers' "no background
  /// oscillation" fits and MicroBooNE's appearance-only contour assume.
  static BeamTransitions appearance_only(double sin2_2theta_mue, double dm2_41);
};

class OscillationResponse {
public:
  /// Reads the four v3 smearing matrices (beside the release), the BNB ν-mode flux and the
  /// baselines below `inputs`; `release` gives the channels' signal and background.
  OscillationResponse(const Release& release, const std::filesystem::path& inputs);

  /// The 137-bin prediction (no LEE) of `sector` into `prediction`. A sector that changes no
  /// flavour (P_αα = 1, P_μe = 0) gives the release's prediction exactly.
  void predict(const NeutrinoSector& sector, Eigen::VectorXd& prediction) const {
    predict(BeamTransitions::of(sector), prediction);
  }
  void predict(const BeamTransitions& transitions, Eigen::VectorXd& prediction) const;

  /// The appearance signal alone per νeCC bin (FC then PC, 52 bins), for tests and reports.
  std::vector<double> appearance(const BeamTransitions& transitions) const;

  const Baselines& baselines() const { return baselines_; }
  std::string fingerprint() const;

private:
  using Weights = Eigen::Matrix<double, 26, kTrueBins, Eigen::RowMajor>;
  /// P(t) of one transition per true-energy bin.
  void probabilities(const Transition& t, std::array<double, kTrueBins>& out) const;
  /// Σ_t w_r(t) f(t) for each analysis bin of one channel.
  static void fold(const Weights& w, const std::array<double, kTrueBins>& f,
                   Eigen::Ref<Eigen::VectorXd> out);

  Eigen::VectorXd unoscillated_, signal_, background_; ///< 137, from the release
  std::array<Weights, 4> weights_;                     ///< νe FC, νe PC, νμ FC, νμ PC
  std::array<double, kTrueBins> numu_fc_true_{};       ///< νμCC FC true distribution (sums to 1)
  std::array<double, kTrueBins> flux_ratio_{}; ///< Φνμ/Φνe per true bin (0 where Φνe = 0)
  Baselines baselines_;
  std::string inputs_hash_;
  mutable std::array<double, kTrueBins> sin2_{}; ///< scratch: ⟨sin²⟩ per true bin
  mutable std::array<double, kTrueBins> p_ee_{}, p_me_{}, p_mm_{}, p_mt_{}, scratch_{};
};

} // namespace nubayes::microboone
