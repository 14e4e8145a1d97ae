#pragma once
// The 3+1 sterile-neutrino likelihood: the model's parameters, the experiments chosen in
// [data] experiments, one ln L term per experiment (written to /log_likelihood), and the
// derived mixing angles.
#include "likelihood.h"
#include "model_options.h"
#include "prior.h"
#include "sterile3p1.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes {

/// One experiment as a function of the 3+1 parameters.
class OscillationExperiment {
public:
  virtual ~OscillationExperiment() = default;
  virtual std::string name() const = 0;
  /// ln L at p; `chi2` receives the χ² (the data-driven part, for reporting).
  virtual double loglike(const sterile3p1::Params& p, double& chi2) const = 0;
  virtual std::string fingerprint() const = 0;
  /// Predicted distributions beside their data at p (for posterior-predictive plots).
  virtual std::vector<Observable> observables(const sterile3p1::Params&) const { return {}; }
};

/// An experiment whose model object gives a χ² (Gaussian data): ln L = −χ²/2.
template <class Chi2Model>
class Chi2Experiment : public OscillationExperiment {
public:
  template <class Options>
  Chi2Experiment(std::string name, const Options& options) : name_(std::move(name)), model_(options) {}
  std::string name() const override { return name_; }
  double loglike(const sterile3p1::Params& p, double& chi2) const override {
    chi2 = model_.chi2(p);
    return -0.5 * chi2;
  }
  std::string fingerprint() const override { return model_.fingerprint(); }

private:
  std::string name_;
  Chi2Model model_;
};

/// Experiment names `[data] experiments` accepts, with a line of description each.
std::string oscillation_experiments_help();

class Sterile3p1Likelihood : public LogLikelihood {
public:
  /// `parameter_names` in [prior] order; each must be one of dm2_41, Ue4_sq, Umu4_sq, Utau4_sq.
  Sterile3p1Likelihood(std::vector<std::string> parameter_names,
                       std::vector<std::unique_ptr<OscillationExperiment>> experiments);

  std::vector<std::string> term_names() const override;
  std::vector<std::string> derived_names() const override;
  double evaluate(std::span<const double> theta, std::span<double> terms,
                  std::span<double> derived) const override;
  std::string fingerprint() const override;
  std::vector<double> last_chi2() const override { return last_chi2_; }
  std::vector<Observable> observables(std::span<const double> theta) const override;

private:
  sterile3p1::Params params_at(std::span<const double> theta) const;
  std::vector<int> slot_; ///< for each theta entry: 0 dm2_41, 1 Ue4_sq, 2 Umu4_sq, 3 Utau4_sq
  std::vector<std::unique_ptr<OscillationExperiment>> experiments_;
  mutable std::vector<double> last_chi2_;
};

struct SterileSetup {
  std::unique_ptr<LogLikelihood> likelihood;
  std::vector<PriorSpec> priors;
  std::string datasets;
};

/// Builds the 3+1 problem from [data] options (experiments, miniboone_range) and the [prior]
/// lines (defaults when empty). Throws OptionError naming the [data] key, or
/// std::invalid_argument for bad [prior] names.
SterileSetup make_sterile3p1(const ModelOptions& data, const std::vector<PriorSpec>& user_priors);

} // namespace nubayes
