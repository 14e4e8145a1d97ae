#include "icecube.h"

#include "icecube_table.h"
#include "reactor.h"
#include "sterile3p1.h"

#include <sstream>

namespace nubayes::icecube {

namespace {

/// The eight-year surface: ln L = −½ 2ΔLLH at sin²2θ24 = 4|Uμ4|²(1 − |Uμ4|²).
class TableExperiment : public OscillationExperiment {
public:
  explicit TableExperiment(const Options& options) : table_(options.inputs / kLlhFile) {}
  std::string name() const override { return "icecube"; }
  double loglike(const sterile3p1::Params& p, double& chi2) const override {
    chi2 = table_.value(sterile3p1::sin2_2theta_mumu(p), p.dm2_41);
    return -0.5 * chi2;
  }
  std::string fingerprint() const override {
    return std::string("icecube method=table data=") + reactor::hex(table_.hash());
  }

private:
  LlhTable table_;
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
  const std::string norm = data.text("icecube_normalisation", "free");
  if (norm != "free") {
    std::size_t used = 0;
    double sigma = 0;
    try {
      sigma = std::stod(norm, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != norm.size() || !(sigma > 0) || !(sigma < 1e3))
      throw OptionError("icecube_normalisation",
                        "'" + norm + "': expected 'free' or the width of a Gaussian prior about 1 "
                                     "(a number in (0, 1000))",
                        "data");
    o.norm_error = sigma;
  }
  return o;
}

} // namespace nubayes::icecube

namespace nubayes {

std::unique_ptr<OscillationExperiment> make_icecube_experiment(const icecube::Options& options) {
  return build_experiment("icecube", [&]() -> std::unique_ptr<OscillationExperiment> {
    return std::make_unique<icecube::TableExperiment>(options);
  });
}

std::unique_ptr<OscillationExperiment> make_icecube_experiment(const ModelOptions& data) {
  return make_icecube_experiment(icecube::options_from(data));
}

} // namespace nubayes
