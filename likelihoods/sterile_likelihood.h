#pragma once
// The 3+1 sterile-neutrino model: parameters dm2_41, Ue4_sq, Umu4_sq (and optionally Utau4_sq),
// an oscillating ν₄, the derived mixing angles; evaluated on any experiments (experiment_table.h).
// The no-signal reference is the same model with the mixing fixed at 0.
#include "model_likelihood.h"
#include "model_options.h"
#include "prior.h"

#include <memory>
#include <string>
#include <vector>

namespace nubayes {

class Sterile3p1Model : public PhysicsModel {
public:
  /// `parameter_names` in [prior] order; each must be one of dm2_41, Ue4_sq, Umu4_sq, Utau4_sq.
  explicit Sterile3p1Model(const std::vector<std::string>& parameter_names);
  std::string name() const override { return "sterile3p1"; }
  /// sin2_2theta_mue, sin2_2theta_ee, sin2_2theta_mumu.
  std::vector<std::string> derived_names() const override;
  bool at(std::span<const double> theta, ModelPoint& point,
          std::span<double> derived) const override;
  std::string fingerprint() const override { return "sterile3p1"; }
  std::string describe(const ModelPoint& point) const override;

private:
  std::vector<int> slot_; ///< for each theta entry: 0 dm2_41, 1 Ue4_sq, 2 Umu4_sq, 3 Utau4_sq
};

using SterileSetup = ModelSetup;

/// Builds the 3+1 problem from [data] options (experiments, miniboone_range, ...) and the [prior]
/// lines (defaults when empty). Throws OptionError naming the [data] key, or
/// std::invalid_argument for bad [prior] names.
SterileSetup make_sterile3p1(const ModelOptions& data, const std::vector<PriorSpec>& user_priors);

/// Help text: the experiments and groups `[data] experiments` accepts (every model).
std::string oscillation_experiments_help();

} // namespace nubayes
