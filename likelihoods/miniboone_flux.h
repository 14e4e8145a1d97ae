#pragma once
// Booster Neutrino Beam flux at MiniBooNE, official release tables (inputs/miniboone/flux/, see its
// MANIFEST.md; MiniBooNE, PRD 79, 072002 (2009), arXiv:0806.1449), and the event-count integral
//   events = POT · N_targets · ∫ Φ(E) σ(E) dE.
// The tables are histograms: 200 bins of 50 MeV from 0 to 10 GeV, columns Elo Ehi [GeV] and the
// νμ, ν̄μ, νe, ν̄e fluxes in ν / cm² / POT / 50 MeV at the detector (averaged over the 610.6 cm
// tank radius). Here the flux is a step function of E: density() = table value / bin width.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <limits>
#include <string_view>
#include <vector>

#include "table_reader.h"

namespace nubayes::miniboone {

enum class HornMode { fhc, rhc }; ///< neutrino mode (+174 kA), antineutrino mode (−174 kA)
enum class Flavour { numu = 0, numubar = 1, nue = 2, nuebar = 3 };

std::string_view horn_mode_name(HornMode mode); ///< "fhc", "rhc"

class BnbFlux {
public:
  static constexpr std::size_t kBins = 200;

  /// Reads inputs/miniboone/flux/MiniBooNE_{nu,nubar}_mode_flux.dat under `inputs`. Throws
  /// std::runtime_error (one line naming the file) on a missing file, a garbled number, a wrong
  /// column count, non-contiguous or decreasing bin edges, or a negative flux.
  BnbFlux(HornMode mode, const std::filesystem::path& inputs = inputs_dir());

  HornMode mode() const { return mode_; }
  std::size_t bins() const { return low_.size(); }
  double low_edge(std::size_t bin) const { return low_[bin]; }   ///< [GeV]
  double high_edge(std::size_t bin) const { return high_[bin]; } ///< [GeV]
  /// ν / cm² / POT in bin `bin` (the table value).
  double per_bin(Flavour flavour, std::size_t bin) const;
  /// dΦ/dE [ν / cm² / POT / GeV] at `energy_gev`; 0 outside the table.
  double density(Flavour flavour, double energy_gev) const;
  /// ∫ Φ dE over [e_min, e_max] ∩ table [ν / cm² / POT]; partial bins count pro rata.
  double integral(Flavour flavour, double e_min_gev = 0,
                  double e_max_gev = std::numeric_limits<double>::infinity()) const;
  /// Flux-weighted mean energy [GeV].
  double mean_energy(Flavour flavour) const;

  /// POT · N_targets · ∫ Φ(E) σ(E) dE with σ in cm² per target, E in GeV; the integral is an
  /// n-point Gauss–Legendre rule inside each flux bin (exact for polynomial σ of degree < 2n).
  double expected_events(Flavour flavour, double pot, double targets,
                         const std::function<double(double)>& sigma_cm2, int nodes = 8) const;

private:
  HornMode mode_;
  std::vector<double> low_, high_;
  std::vector<double> flux_[4]; ///< per bin, indexed by Flavour
};

} // namespace nubayes::miniboone
