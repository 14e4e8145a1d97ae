#pragma once
// The MiniBooNE νe-appearance terms, for every model. The predicted excess in each E_ν^QE bin is
// the sum of what the model's neutrino sector gives (νμ → νe, folded through the release's
// full-transmutation Monte Carlo) and the e⁺e⁻ pairs of its new particles that pass the νe
// selection (ModelPoint::miniboone_pairs, times the sample's POT):
//  * miniboone-{nu,nubar,combined}-<year>: the official appearance χ² (miniboone.h, Appearance),
//    ln L = −½(χ² + ln det M + N ln 2π) with the signal-dependent covariance. Samples: 2018
//    (ν 12.84e20 + ν̄ 11.27e20 POT), 2020 (ν 18.75e20 + ν̄ 11.27e20), nu-2018, nubar-2018, nu-2020.
//  * miniboone-angle-2020: the 2020 ν-mode cos θ distribution of the excess
//    (miniboone_excess_shape.h; shape statistic by default), ln L = −χ²/2. Only a pair signal has
//    a cos θ prediction here: the release gives no angular template for oscillated νe CCQE
//    events, so a model without pairs is refused by name (docs/models_on_experiments.md).
#include "experiment.h"
#include "miniboone.h"
#include "miniboone_excess_shape.h"

#include <filesystem>
#include <memory>
#include <string>

namespace nubayes {

/// "miniboone-combined-2018" etc. (miniboone-<sample>, miniboone.h parse_sample); throws
/// std::invalid_argument for another name, std::runtime_error for a data file problem.
std::unique_ptr<Experiment> make_miniboone_energy(const std::string& name,
                                                  miniboone::EnergyRange range,
                                                  const std::filesystem::path& inputs);

/// "miniboone-angle-2020"; its cos θ bins must be the dark templates' (dark_templates.h).
std::unique_ptr<Experiment> make_miniboone_angle(miniboone::ShapeStatistic statistic,
                                                 const std::filesystem::path& inputs);

} // namespace nubayes
