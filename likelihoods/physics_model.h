#pragma once
// A model as the likelihood sees it: its parameters map to a ModelPoint (experiment.h), the
// physics every experiment asks of it. One implementation per model (sterile_likelihood.h,
// dark_likelihood.h); experiments never see which.
#include "experiment.h"

#include <span>
#include <string>
#include <vector>

namespace nubayes {

class PhysicsModel {
public:
  virtual ~PhysicsModel() = default;
  virtual std::string name() const = 0;
  /// Derived quantities filled by at() (e.g. mixing angles, lifetimes).
  virtual std::vector<std::string> derived_names() const = 0;
  /// The point at theta (every parameter, [prior] order) and its derived values; false where the
  /// model does not exist there (unphysical, or outside its templates): ln L = −inf. The point's
  /// spans (MiniBooNE pairs) point into the model's own buffer: valid until the next at().
  virtual bool at(std::span<const double> theta, ModelPoint& point,
                  std::span<double> derived) const = 0;
  /// Text identifying the model's own settings (templates, caches); resume compares it.
  virtual std::string fingerprint() const = 0;
  /// True if the model's points carry MiniBooNE e⁺e⁻ pairs (ModelPoint::miniboone_pairs).
  virtual bool makes_miniboone_pairs() const { return false; }
  /// True if the model's points carry an electron-like excess (ModelPoint::electron_like_excess).
  virtual bool makes_electron_like_excess() const { return false; }
  /// One line on what the model's neutrino sector is at the point, for `nubayes eval`.
  virtual std::string describe(const ModelPoint& point) const = 0;
};

} // namespace nubayes
