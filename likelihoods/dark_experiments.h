#pragma once
// MiniBooNE terms of the dark-sector likelihoods. Each takes the template prediction (events per
// POT per observable, dark_signal.h) and gives one ln L term:
//  * miniboone-{nu,nubar,combined}-<year>: the official appearance χ² (miniboone.h, Appearance) with the
//    signal vector = POT × FHC (ν mode) / RHC (ν̄ mode) E_ν^QE prediction, ln L = −½(χ² + ln det M
//    + N ln 2π) as for 3+1 (sterile_likelihood.cpp). Samples: 2018 (ν 12.84e20 + ν̄ 11.27e20 POT),
//    2020 (ν 18.75e20 + ν̄ 11.27e20), nu-2018, nubar-2018, nu-2020.
//  * miniboone-angle-2020: the 2020 ν-mode cos θ distribution (miniboone_excess_shape.h,
//    excess_chi2; shape statistic by default), ln L = −χ²/2.
#include "dark_templates.h"
#include "miniboone.h"
#include "miniboone_excess_shape.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::darkfit {

class DarkExperiment {
public:
  virtual ~DarkExperiment() = default;
  virtual std::string name() const = 0;
  /// ln L for the per-POT prediction; `chi2` receives the χ².
  virtual double loglike(std::span<const double> per_pot, double& chi2) const = 0;
  virtual std::string fingerprint() const = 0;
  /// Signal events per beam mode (ν first) at the last loglike call, for reporting.
  virtual std::vector<double> last_signal_totals() const { return {}; }
  /// The predicted distributions beside their data, for posterior-predictive plots.
  virtual std::vector<Observable> observables(std::span<const double> per_pot) const = 0;
};

/// "miniboone-combined-2018" etc.; nullptr for an unknown name. Throws std::runtime_error for a
/// data file problem.
std::unique_ptr<DarkExperiment> make_energy_experiment(const std::string& name,
                                                       miniboone::EnergyRange range,
                                                       const ObservableLayout& layout,
                                                       const std::filesystem::path& inputs);
/// "miniboone-angle-2020"; nullptr for an unknown name.
std::unique_ptr<DarkExperiment> make_angle_experiment(const std::string& name,
                                                      miniboone::ShapeStatistic statistic,
                                                      const ObservableLayout& layout,
                                                      const std::filesystem::path& inputs);

/// Names for error messages and help.
inline constexpr const char* kDarkExperimentNames =
    "miniboone-combined-2018, miniboone-combined-2020, miniboone-nu-2018, "
    "miniboone-nubar-2018, "
    "miniboone-nu-2020, miniboone-angle-2020";

} // namespace nubayes::darkfit
