#pragma once
// The electron-like excess model ([model] name = lee-template): the MiniBooNE low-energy excess
// taken as νe charged-current events of a fixed shape, with one parameter, its strength
// lee_strength = x. It is the hypothesis MicroBooNE's eLEE analysis tested, so that `nubayes
// compare` can put it beside the physics explanations. No new neutrino: every oscillation
// experiment sees the three-flavour (no-signal) prediction.
//  * MiniBooNE (miniboone-*): x times the 2018 release's νe excess (data − background, >= 0) of
//  each
//    beam mode, per POT, scaled to the sample's exposure (miniboone_experiments.cpp). The shape is
//    the data's own: on MiniBooNE alone the model is a benchmark (the best any νe-like excess of
//    this shape can do), not an independent explanation.
//  * MicroBooNE (microboone-inclusive): x times the release's eLEE template (MicroBooNE's unfolding
//    of the same 2018 excess into νe CC events), with the release's covariance at x. The release
//    covers 0 <= x <= 2, so the prior must lie there.
// docs/microboone.md discusses the model and its evidences.
#include "model_likelihood.h"
#include "model_options.h"
#include "prior.h"

#include <string>
#include <vector>

namespace nubayes {

class LeeTemplateModel : public PhysicsModel {
public:
  std::string name() const override { return "lee-template"; }
  std::vector<std::string> derived_names() const override { return {}; }
  bool at(std::span<const double> theta, ModelPoint& point,
          std::span<double> derived) const override;
  std::string fingerprint() const override { return "lee-template"; }
  bool makes_electron_like_excess() const override { return true; }
  std::string describe(const ModelPoint& point) const override;
};

/// Builds the model on [data] experiments; [prior] may restate lee_strength (default uniform 0 2)
/// within [0, 2]. Throws OptionError naming the [data] key, std::invalid_argument for [prior].
ModelSetup make_lee_template(const ModelOptions& data, const std::vector<PriorSpec>& user_priors);

/// Help text for the [model] names list.
std::string lee_template_help();

} // namespace nubayes
