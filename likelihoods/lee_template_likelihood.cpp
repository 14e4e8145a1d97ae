#include "lee_template_likelihood.h"

#include "experiment_table.h"

#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

constexpr const char* kParameter = "lee_strength";
constexpr double kMaxStrength = 2.0; ///< the largest strength MicroBooNE's release covers

/// The prior must keep x inside [0, 2]: outside, MicroBooNE's release has no covariance.
void check_prior(const PriorSpec& p) {
  const auto outside = [&] {
    throw std::invalid_argument("[prior] " + p.name + " = " + p.text() +
                                ": lee-template needs 0 <= lee_strength <= 2 (the strengths "
                                "MicroBooNE's release covers)");
  };
  switch (p.kind) {
  case PriorKind::fixed:
    if (p.a < 0 || p.a > kMaxStrength) outside();
    return;
  case PriorKind::uniform:
  case PriorKind::log_uniform:
    if (p.a < 0 || p.b > kMaxStrength) outside();
    return;
  default:
    outside();
  }
}

} // namespace

bool LeeTemplateModel::at(std::span<const double> theta, ModelPoint& point,
                          std::span<double>) const {
  point.neutrinos = NeutrinoSector{};
  point.miniboone_pairs = {};
  point.electron_like_excess = theta[0];
  return theta[0] >= 0 && theta[0] <= kMaxStrength;
}

std::string LeeTemplateModel::describe(const ModelPoint& point) const {
  std::ostringstream out;
  out.precision(6);
  out << "electron-like excess of strength x = " << point.electron_like_excess
      << " (x = 1: MiniBooNE's 2018 excess); three-flavour oscillations, no e+e- pairs";
  return out.str();
}

ModelSetup make_lee_template(const ModelOptions& data, const std::vector<PriorSpec>& user_priors) {
  ModelSetup s;
  ExperimentChoice choice = make_experiments(data);
  s.datasets = std::move(choice.datasets);
  if (user_priors.empty()) {
    s.priors.push_back(PriorSpec::parse(kParameter, "uniform 0 2"));
  } else {
    if (user_priors.size() != 1 || user_priors[0].name != kParameter)
      throw std::invalid_argument("[prior] for lee-template must list exactly one parameter, " +
                                  std::string(kParameter));
    s.priors = user_priors;
  }
  check_prior(s.priors[0]);
  s.likelihood = std::make_unique<ModelLikelihood>(std::make_unique<LeeTemplateModel>(),
                                                   std::move(choice.experiments));
  return s;
}

std::string lee_template_help() {
  return "  lee-template  the MiniBooNE excess as a nu_e-like excess of fixed shape (the "
         "hypothesis\n"
         "              MicroBooNE's eLEE analysis tested); parameter lee_strength (x = 1: "
         "MiniBooNE's\n"
         "              2018 excess), default uniform 0 2, within [0, 2]. Same [data] experiments "
         "as\n"
         "              sterile3p1; only the MiniBooNE nu_e samples and microboone-inclusive see "
         "it\n";
}

} // namespace nubayes
