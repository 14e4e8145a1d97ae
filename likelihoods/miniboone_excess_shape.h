#pragma once
// Likelihood of a predicted MiniBooNE νe-like signal against the digitised excess distributions
// (inputs/miniboone/digitized_2018, digitized_2020; see their MANIFEST.md): reconstructed cos θ
// of the electron-like ring to the beam (the "MiniBooNE angle" likelihood) and visible energy,
// of νe CCQE candidates, neutrino mode unless stated; 2020: 200 < E_ν^QE < 1250 MeV; 2018: the
// selection is not settled (taken as 200–3000 MeV, see miniboone_response.h and the MANIFEST).
//
// Per bin: observed d_i, predicted background b_i, excess x_i = d_i − b_i, error σ_i of the data
// point. 2018: σ_i = half the digitised error bar (upper − lower)/2 — these are the statistical
// errors of the data (σ = √d within 7 % in every bin but rows 17 and 19 of the ν E_vis), the plots
// show the background's systematic error separately, which was not digitised. 2020: no error bars
// were digitised, σ_i = √d_i. Statistics (ShapeStatistic):
//  * shape: χ² = Σ (x_i − N s_i/S)² / σ_i², N = Σ x, S = Σ s: the prediction s is normalised to
//    the observed excess, only its shape is tested (one degree of freedom fewer). Default.
//  * rate:  χ² = Σ (x_i − s_i)² / σ_i²: shape and normalisation.
//  * poisson: −2 ln(L/L_sat) = 2 Σ [b_i + s_i − d_i + d_i ln(d_i/(b_i + s_i))] on the data with
//    background + signal (the digitised d_i are not integers; the formula does not need them to
//    be).
// Background systematics (~10–15 % per bin, correlated) are not included: the digitised
// distributions carry none; the full-covariance νe fit is likelihoods/miniboone.h.
#include "table_reader.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace nubayes::miniboone {

enum class Distribution {
  costheta_nu_2018, ///< 10 bins of 0.2 in cos θ, 12.84e20 POT (arXiv:1805.12028)
  evis_nu_2018,     ///< 19 bins of 0.1 GeV, 0.1–2.0 GeV (x column of the digitisation is off;
                    ///< rows are mapped to the bins by index, checked evenly spaced)
  evis_nubar_2018,  ///< ν̄ mode, 19 bins of 0.1 GeV, 0.1–2.0 GeV, 11.27e20 POT
  costheta_nu_2020, ///< 20 bins of 0.1 in cos θ, 18.75e20 POT (arXiv:2006.16883)
  evis_nu_2020,     ///< 23 bins of 50 MeV, 0.1–1.25 GeV
};

std::string_view distribution_name(Distribution distribution); ///< e.g. "costheta-nu-2018"

struct DigitisedDistribution {
  Distribution distribution{};
  std::vector<double> edges;      ///< bin edges: cos θ, or E_vis [GeV]
  std::vector<double> data;       ///< events per bin
  std::vector<double> background; ///< events per bin
  std::vector<double> error;      ///< σ of the data point, events

  std::size_t bins() const { return data.size(); }
  std::vector<double> excess() const; ///< data − background
};

/// Reads the distribution's files under `inputs`/miniboone/; throws std::runtime_error with one
/// line naming the file (and line) on a missing/garbled file, a wrong row count, a bin centre
/// that does not fall in its bin (or, for evis-nu-2018, rows not evenly spaced), a negative count
/// or an error bar with upper < lower.
DigitisedDistribution load_distribution(Distribution distribution,
                                        const std::filesystem::path& inputs = inputs_dir());

enum class ShapeStatistic { shape, rate, poisson };

/// −2 ln L (χ²) of `prediction` (signal events per bin of the distribution). Throws
/// std::invalid_argument on a wrong size, a negative or non-finite entry, or (shape) a prediction
/// with zero total.
double excess_chi2(const DigitisedDistribution& distribution, std::span<const double> prediction,
                   ShapeStatistic statistic = ShapeStatistic::shape);

} // namespace nubayes::miniboone
