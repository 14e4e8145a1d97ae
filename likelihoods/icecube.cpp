#include "icecube.h"

#include "icecube_events.h"
#include "icecube_table.h"
#include "parse_number.h"
#include "reactor.h"
#include "sterile3p1.h"

#include <sstream>

namespace nubayes::icecube {

namespace {

/// Up-going through-going muon tracks: an e+e- pair is a cascade, not a track.
constexpr const char* kPairSignal =
    "none: the selection is of up-going muon tracks; an e+e- pair makes a cascade";

/// The eight-year surface: ln L = −½ 2ΔLLH at sin²2θ24 = 4|Uμ4|²(1 − |Uμ4|²).
class TableExperiment : public Experiment {
public:
  explicit TableExperiment(const Options& options) : table_(options.inputs / kLlhFile) {}
  std::string name() const override { return "icecube"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    // A channel that does not oscillate enters at the table's top Δm² (averaged) with the same
    // averaged probability, sin²2θ24 = 2(1 − (1 − |U_μ4|²)²) (neutrino_sector.h).
    const auto [s, dm2] =
        two_flavour_equivalent(m.neutrinos, Flavour::mu, Flavour::mu, kAveragedDm2);
    chi2 = table_.value(s, dm2);
    return -0.5 * chi2;
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::mu, "P(numu->numu) through the Earth, official surface"}};
  }
  std::string pair_signal() const override { return kPairSignal; }
  std::string fingerprint() const override {
    return std::string("icecube method=table data=") + reactor::hex(table_.hash());
  }

private:
  LlhTable table_;
};

/// The IC86-2011 refit: ln L = −χ²/2 + Σ ln Pois(n | n) (χ²: Poisson deviance, profiled
/// normalisation).
class EventsExperiment : public Experiment {
public:
  explicit EventsExperiment(const Options& options)
      : events_(EventsOptions{.inputs = options.inputs,
                              .norm_error = options.norm_error,
                              .oversampling = options.oversampling,
                              .spectral_index_error = options.spectral_index_error}) {}
  std::string name() const override { return "icecube"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    chi2 = events_.chi2(m.neutrinos);
    return -0.5 * chi2 + events_.saturated_loglike();
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::mu, "P(numu->numu) through the Earth (PREM)"}};
  }
  std::string pair_signal() const override { return kPairSignal; }
  std::string fingerprint() const override {
    std::ostringstream out;
    out << "icecube method=events data=" << reactor::hex(events_.hash()) << " normalisation=";
    if (events_.options().norm_error > 0)
      out << events_.options().norm_error;
    else
      out << "free";
    out << " spectral_index_error=" << events_.options().spectral_index_error
        << " oversampling=" << events_.options().oversampling;
    return out.str();
  }

private:
  Events events_;
};

} // namespace

Options options_from(const ModelOptions& data) {
  Options o;
  const std::string method = data.text("icecube_method", "table");
  if (method == "table")
    o.method = Method::table;
  else if (method == "events")
    o.method = Method::events;
  else
    throw OptionError("icecube_method", "'" + method + "': expected 'table' or 'events'", "data");
  // The events method's keys are read only for it, so that the config reader rejects them as
  // unused with the table.
  if (o.method != Method::events) return o;
  const std::string norm = data.text("icecube_normalisation", "free");
  if (norm != "free") {
    const double sigma = parse_finite(norm).value_or(0);
    if (!(sigma > 0) || !(sigma < 1e3))
      throw OptionError("icecube_normalisation",
                        "'" + norm +
                            "': expected 'free' or the width of a Gaussian prior about 1 "
                            "(a number in (0, 1000))",
                        "data");
    o.norm_error = sigma;
  }
  o.spectral_index_error = data.number_in("icecube_spectral_index_error", 0.05, 0.0, 1.0);
  o.oversampling = static_cast<int>(data.integer_in("icecube_oversampling", 2, 1, 8));
  return o;
}

} // namespace nubayes::icecube

namespace nubayes {

std::unique_ptr<Experiment> make_icecube_experiment(const icecube::Options& options) {
  return build_experiment("icecube", [&]() -> std::unique_ptr<Experiment> {
    if (options.method == icecube::Method::events)
      return std::make_unique<icecube::EventsExperiment>(options);
    return std::make_unique<icecube::TableExperiment>(options);
  });
}

std::unique_ptr<Experiment> make_icecube_experiment(const ModelOptions& data) {
  return make_icecube_experiment(icecube::options_from(data));
}

} // namespace nubayes
