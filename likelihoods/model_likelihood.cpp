#include "model_likelihood.h"

#include "model_options.h"

#include <algorithm>
#include <limits>
#include <sstream>

namespace nubayes {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const char* flavour_name(Flavour f) {
  switch (f) {
  case Flavour::e: return "e";
  case Flavour::mu: return "mu";
  case Flavour::tau: return "tau";
  }
  return "?";
}

} // namespace

ModelLikelihood::ModelLikelihood(std::unique_ptr<PhysicsModel> model,
                                 std::vector<std::unique_ptr<Experiment>> experiments)
    : model_(std::move(model)), experiments_(std::move(experiments)),
      last_chi2_(experiments_.size(), kInf), scratch_derived_(model_->derived_names().size()) {
  for (const auto& e : experiments_)
    if (e->needs_pair_signal() && !model_->makes_miniboone_pairs())
      throw OptionError("experiments",
                        e->name() + " tests the cos theta shape of an e+e- pair signal, which " +
                            model_->name() +
                            " does not make (the release has no angular template for oscillated "
                            "nue; docs/models_on_experiments.md)",
                        "data");
}

std::vector<std::string> ModelLikelihood::term_names() const {
  std::vector<std::string> out;
  for (const auto& e : experiments_)
    out.push_back(e->name());
  return out;
}

std::vector<std::string> ModelLikelihood::derived_names() const {
  return model_->derived_names();
}

double ModelLikelihood::evaluate(std::span<const double> theta, std::span<double> terms,
                                 std::span<double> derived) const {
  if (!model_->at(theta, point_, derived)) {
    // No model there (unphysical, or outside its templates): zero likelihood.
    std::fill(terms.begin(), terms.end(), -kInf);
    std::fill(last_chi2_.begin(), last_chi2_.end(), kInf);
    return -kInf;
  }
  double total = 0;
  for (std::size_t i = 0; i < experiments_.size(); ++i) {
    terms[i] = experiments_[i]->loglike(point_, last_chi2_[i]);
    total += terms[i];
  }
  return total;
}

std::vector<Observable> ModelLikelihood::observables(std::span<const double> theta) const {
  std::vector<Observable> out;
  if (!model_->at(theta, point_, scratch_derived_)) return out;
  for (const auto& e : experiments_)
    for (auto& o : e->observables(point_))
      out.push_back(std::move(o));
  return out;
}

std::string ModelLikelihood::fingerprint() const {
  std::string out = model_->fingerprint();
  for (const auto& e : experiments_) {
    out += '\n';
    out += e->fingerprint();
  }
  return out;
}

std::vector<std::string> ModelLikelihood::report(std::span<const double> theta) const {
  std::vector<std::string> out;
  if (!model_->at(theta, point_, scratch_derived_)) {
    out.push_back(model_->name() + ": no model at this point (ln L = -inf)");
    return out;
  }
  out.push_back(model_->name() + ": " + model_->describe(point_));
  for (const auto& e : experiments_) {
    std::ostringstream line;
    line << e->name() << ":";
    for (const auto& c : e->channels())
      line << " " << c.what << " [" << flavour_name(c.from) << "->" << flavour_name(c.to)
           << "] = " << describe(transition(point_.neutrinos, c.from, c.to), point_.neutrinos.dm2_41)
           << ";";
    line << " e+e- pairs: ";
    if (point_.miniboone_pairs.present())
      line << e->pair_signal();
    else
      line << "the model makes none";
    if (model_->makes_electron_like_excess()) line << "; electron-like excess: " << e->excess_signal();
    out.push_back(line.str());
  }
  return out;
}

} // namespace nubayes
