#include "sterile_likelihood.h"

#include "experiment_table.h"
#include "sterile3p1.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

const std::vector<std::string> parameter_slots{"dm2_41", "Ue4_sq", "Umu4_sq", "Utau4_sq"};

PriorSpec default_prior(const std::string& name) {
  if (name == "dm2_41") return PriorSpec::parse(name, "log-uniform 0.01 100");
  if (name == "Utau4_sq") return PriorSpec::parse(name, "fixed 0");
  return PriorSpec::parse(name, "log-uniform 1e-4 0.5");
}

} // namespace

std::string oscillation_experiments_help() {
  return experiments_help();
}

Sterile3p1Model::Sterile3p1Model(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    const auto it = std::find(parameter_slots.begin(), parameter_slots.end(), n);
    if (it == parameter_slots.end())
      throw std::invalid_argument("sterile3p1: unknown parameter '" + n + "'");
    slot_.push_back(static_cast<int>(it - parameter_slots.begin()));
  }
}

std::vector<std::string> Sterile3p1Model::derived_names() const {
  return {"sin2_2theta_mue", "sin2_2theta_ee", "sin2_2theta_mumu"};
}

bool Sterile3p1Model::at(std::span<const double> theta, ModelPoint& point,
                         std::span<double> derived) const {
  double values[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < slot_.size(); ++i)
    values[slot_[i]] = theta[i];
  NeutrinoSector& p = point.neutrinos;
  p = {values[0], values[1], values[2], values[3], true};
  point.miniboone_pairs = {};
  if (derived.size() >= 3) {
    derived[0] = sterile3p1::sin2_2theta_mue(p);
    derived[1] = sterile3p1::sin2_2theta_ee(p);
    derived[2] = sterile3p1::sin2_2theta_mumu(p);
  }
  // Outside the unitary region the model does not exist.
  return is_physical(p);
}

std::string Sterile3p1Model::describe(const ModelPoint& point) const {
  const NeutrinoSector& p = point.neutrinos;
  std::ostringstream out;
  out.precision(6);
  out << "light nu4 oscillating at dm2_41 = " << p.dm2_41 << " eV^2, |Ue4|^2 = " << p.ue4_sq
      << ", |Umu4|^2 = " << p.umu4_sq << ", |Utau4|^2 = " << p.utau4_sq
      << "; no e+e- pair signal";
  return out.str();
}

SterileSetup make_sterile3p1(const ModelOptions& data, const std::vector<PriorSpec>& user_priors) {
  SterileSetup s;
  ExperimentChoice choice = make_experiments(data);
  s.datasets = std::move(choice.datasets);
  // Parameters: the [prior] lines if given (Utau4_sq optional), else the defaults.
  if (user_priors.empty()) {
    for (const auto& n : parameter_slots)
      s.priors.push_back(default_prior(n));
  } else {
    s.priors = user_priors;
    for (const auto& p : s.priors)
      if (std::find(parameter_slots.begin(), parameter_slots.end(), p.name) ==
          parameter_slots.end())
        throw std::invalid_argument("[prior] parameter '" + p.name +
                                    "' is not a parameter of sterile3p1 "
                                    "(dm2_41, Ue4_sq, Umu4_sq, Utau4_sq)");
    for (const char* required : {"dm2_41", "Ue4_sq", "Umu4_sq"})
      if (std::none_of(s.priors.begin(), s.priors.end(),
                       [&](const PriorSpec& p) { return p.name == required; }))
        throw std::invalid_argument(std::string("[prior] must give ") + required +
                                    " for sterile3p1");
  }
  std::vector<std::string> order;
  for (const auto& p : s.priors)
    order.push_back(p.name);
  s.likelihood = std::make_unique<ModelLikelihood>(std::make_unique<Sterile3p1Model>(order),
                                                   std::move(choice.experiments));
  return s;
}

} // namespace nubayes
