#pragma once
// Monte-Carlo templates of the MiniBooNE signal of the dark-sector models on a mass grid.
//
// At one mass point the event shapes do not depend on the couplings: the rate is proportional to
// the production C² (dark_model_kind.h), and the lifetimes enter only through the probability that
// the pair appears inside the fiducial volume, a function of the lab decay lengths βγ·cτ. So each
// grid point stores, per observable bin, the expected events per POT and per unit C² BEFORE that
// probability, binned in log βγ of the heavy state (and, for dark-zd, of Z_D). A likelihood call
// then sums P_decay(βγ_cell · cτ) × counts over the cells (dark_signal.h).
//
// Generation: E_ν from the half-and-half mixture of the FHC and RHC (νμ + ν̄μ) flux shapes above
// threshold; each event carries an FHC and an RHC weight (flux density / proposal density). ν̄μ
// use the νμ generator: for vector couplings the CP-conjugate process has the same energy and
// angle distributions with e⁺ ↔ e⁻, which the detector does not distinguish. Events on ¹²C
// (coherent) and on the free protons of CH₂, each with the whole tank's targets (818 t); the
// detector response (miniboone_response.h) supplies rings, efficiency and smearing.
// Random numbers: one stream per (grid point, target), Rng(seed, user, 2·point + target), so the
// templates do not depend on how points are spread over ranks.
#include "communicator.h"
#include "dark_mass_grid.h"
#include "miniboone_flux.h"
#include "miniboone_response.h"

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace nubayes::darkfit {

/// Observables of a template, in this order: FHC E_ν^QE (11 official bins), FHC cos θ of the
/// 2020 distribution (20 bins, 200 < E_ν^QE < 1250 MeV), RHC E_ν^QE (11 bins).
struct ObservableLayout {
  std::size_t enu_bins = 11, cos_bins = 20;
  std::size_t fhc_enu() const { return 0; }
  std::size_t fhc_cos() const { return enu_bins; }
  std::size_t rhc_enu() const { return enu_bins + cos_bins; }
  std::size_t size() const { return 2 * enu_bins + cos_bins; }
};

/// Bins in log βγ (natural log).
struct BoostAxis {
  double log_lo = 0, log_hi = 0;
  int bins = 1;
  double centre(int i) const { return log_lo + (i + 0.5) * (log_hi - log_lo) / bins; }
  int bin(double log_beta_gamma) const;
};

struct TemplatePoint {
  BoostAxis heavy_boost;    ///< βγ of N_D / ν₄
  BoostAxis mediator_boost; ///< βγ of Z_D (one bin, unused, for heavy-zprime)
  /// heavy-zprime: Γ(ν₄ → νee) per unit three_body_coupling_sq at this mass point [GeV]; 0 for
  /// dark-zd (its widths are closed-form).
  double width_per_coupling = 0;
  /// [heavy bin][mediator bin][observable]: events per POT per unit production C², for pairs
  /// produced in the tank, after ring selection, efficiency and smearing, before P_decay.
  std::vector<double> counts;

  std::size_t cells() const {
    return static_cast<std::size_t>(heavy_boost.bins) *
           static_cast<std::size_t>(mediator_boost.bins);
  }
};

/// Which e⁺e⁻ pairs count as one electron-like shower.
enum class PairSelection {
  rings, ///< the ring rules of miniboone_pair_detector.h (overlapping < 5°, asymmetric, π⁰ mass
         ///< cut)
  single_shower ///< every pair (the assumption of Bertuzzo et al.: a collimated pair is one shower)
};

struct TemplateSettings {
  long events_per_target = 20000;
  std::uint64_t seed = 1;
  dark::DecayAngles angles = dark::DecayAngles::polarised;
  int boost_bins = 12; ///< per βγ axis
  PairSelection selection = PairSelection::rings;
  /// What makes a pair one ring under PairSelection::rings (opening angle, soft-particle
  /// threshold, π⁰ mass cut); single_shower ignores them. Part of the cache key.
  miniboone::RingRules rings{};
};

/// The read-only pieces every template needs: fluxes, detector response options, observable sizes.
struct TemplateInputs {
  explicit TemplateInputs(const std::filesystem::path& inputs = nubayes::inputs_dir());
  std::filesystem::path inputs;
  miniboone::BnbFlux fhc, rhc;
  miniboone::ResponseOptions response{};
  ObservableLayout layout{};
};

TemplatePoint build_template_point(const MassGrid& grid, std::size_t index,
                                   const TemplateSettings& settings, const TemplateInputs& inputs);

/// Flat form of a point (cache file, MPI transfer): 7 header numbers, then the counts.
std::vector<double> pack(const TemplatePoint& point);
/// Inverse of pack; throws std::runtime_error on an inconsistent length.
TemplatePoint unpack(std::span<const double> packed, const ObservableLayout& layout);
/// Length of pack() for the given model and settings (the longest a point can be).
std::size_t packed_size(DarkModelKind model, const TemplateSettings& settings,
                        const ObservableLayout& layout);

struct TemplateSet {
  MassGrid grid;
  ObservableLayout layout;
  std::vector<TemplatePoint> points; ///< grid.size() points, grid order
};

/// Builds every grid point, point i on rank i mod size, and gathers them on all ranks.
TemplateSet build_templates(const MassGrid& grid, const TemplateSettings& settings,
                            const TemplateInputs& inputs, const Communicator& comm);

} // namespace nubayes::darkfit
