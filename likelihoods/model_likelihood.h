#pragma once
// ln L of any model on any set of experiments: the model gives the point, each experiment one
// term (written to /log_likelihood), and `nubayes eval` can ask what each term used.
#include "likelihood.h"
#include "physics_model.h"
#include "prior.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes {

class ModelLikelihood : public LogLikelihood {
public:
  /// Throws OptionError on [data] experiments if an experiment needs a prediction the model
  /// cannot give (Experiment::needs_pair_signal).
  ModelLikelihood(std::unique_ptr<PhysicsModel> model,
                  std::vector<std::unique_ptr<Experiment>> experiments);

  std::vector<std::string> term_names() const override;
  std::vector<std::string> derived_names() const override;
  double evaluate(std::span<const double> theta, std::span<double> terms,
                  std::span<double> derived) const override;
  std::string fingerprint() const override;
  std::vector<double> last_chi2() const override { return last_chi2_; }
  std::vector<Observable> observables(std::span<const double> theta) const override;

  /// Per term, the model's predictions it used at theta, e.g. "lsnd: P(numubar->nuebar), decay
  /// at rest = no oscillation in L/E: P = 0; e+e- pairs: none: ...". First line: the model.
  std::vector<std::string> report(std::span<const double> theta) const;

  const PhysicsModel& model() const { return *model_; }

private:
  std::unique_ptr<PhysicsModel> model_;
  std::vector<std::unique_ptr<Experiment>> experiments_;
  mutable ModelPoint point_;
  mutable std::vector<double> last_chi2_, scratch_derived_;
};

/// A built-in model ready to run: its likelihood, its parameters' priors and the data-set label.
struct ModelSetup {
  std::unique_ptr<ModelLikelihood> likelihood;
  std::vector<PriorSpec> priors;
  std::string datasets;
};

} // namespace nubayes
