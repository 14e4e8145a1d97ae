#include "far_near.h"

#include "dayabay_spectra.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nubayes::far_near {

namespace fs = std::filesystem;

reactor::Baseline point(double length, double power) {
  return {length, power / (length * length)};
}

std::vector<reactor::Baseline> spread(double length, double half_width, int n) {
  std::vector<reactor::Baseline> out;
  for (int i = 0; i < n; ++i) {
    const double l = length + half_width * (2 * (i + 0.5) / n - 1); // cell midpoints
    out.push_back(point(l));
  }
  return out;
}

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
  }
  return out;
}

} // namespace

Options options_from(const ModelOptions& data, const Setup& setup) {
  Options o;
  const std::string key = setup.name + "_normalisation";
  const std::string text = data.text(key, "free");
  if (text != "free") {
    const auto items = split_commas(text);
    if (items.size() != setup.ratios)
      throw OptionError(key,
                        "'" + text + "': expected 'free' or " + std::to_string(setup.ratios) +
                            " positive number(s), one per ratio",
                        "data");
    for (const auto& item : items) {
      reactor::Normalisation n;
      try {
        n = reactor::parse_normalisation(item);
      } catch (const std::invalid_argument& e) {
        throw OptionError(key, e.what(), "data");
      }
      if (n.free) throw OptionError(key, "'free' applies to all ratios or none", "data");
      o.fixed_norms.push_back(n.value);
    }
  }
  o.three.sin2_2theta13 =
      data.number_in(setup.name + "_sin2_2theta13", o.three.sin2_2theta13, 0.0, 0.5);
  return o;
}

struct Ratios::Inputs {
  reactor::RatioTable table;
  Eigen::MatrixXd inverse_covariance;
  std::uint64_t hash = reactor::kHashSeed;

  Inputs(const fs::path& root, const Setup& s) {
    table = reactor::read_ratio_table(root / s.ratio_file, s.bins, s.ratios);
    inverse_covariance =
        reactor::read_inverse_covariance(root / s.covariance_file, s.bins * s.ratios);
    for (const auto* column : {&table.lower, &table.upper, &table.ratio, &table.sigma})
      reactor::hash_values(hash, *column);
    reactor::hash_values(
        hash, {inverse_covariance.data(), static_cast<std::size_t>(inverse_covariance.size())});
  }
};

reactor::OscillationAverage average_for(const Setup& s, std::span<const double> lower,
                                        std::span<const double> upper) {
  // The E_ν nodes, spaced Δy in 1/E, put a baseline L's events every L Δy in L/E: that comb must be
  // finer than the L/E grid, or the cloud-in-cell density is not smooth on the grid scale and
  // the average aliases (at km baselines this, not the resolution, sets the E_ν step).
  double l_max = 0;
  for (const Site& site : s.sites)
    for (const auto& b : site.baselines)
      l_max = std::max(l_max, b.length);
  const double inverse_step = std::min(s.inverse_step, s.grid_step / (2 * l_max));
  const reactor::BinnedSpectrum spectrum(lower, upper, s.offset, s.sigma, s.fractions, s.e_max,
                                         inverse_step);
  std::vector<std::vector<reactor::Baseline>> sites;
  for (const Site& site : s.sites) {
    double total = 0;
    for (const auto& b : site.baselines)
      total += b.weight;
    if (site.baselines.empty() || !(total > 0))
      throw std::invalid_argument(s.name + ": site " + site.name + " without baselines");
    auto normalised = site.baselines;
    for (auto& b : normalised)
      b.weight /= total;
    sites.push_back(std::move(normalised));
  }
  return reactor::average_over_l_over_e(spectrum, sites, s.grid_step);
}

std::vector<double> three_flavour_terms(const reactor::OscillationAverage& average,
                                        const ThreeFlavour& t) {
  std::vector<double> ee(average.rows()), solar(average.rows());
  average.mean_sin2(sterile3p1::wavenumber(t.dm2_ee), ee);
  average.mean_sin2(sterile3p1::wavenumber(t.dm2_21), solar);
  // cos⁴θ13 from sin²2θ13 (θ13 < π/4)
  const double sin2_13 = 0.5 * (1 - std::sqrt(1 - t.sin2_2theta13));
  const double c13_4 = (1 - sin2_13) * (1 - sin2_13);
  std::vector<double> out(average.rows());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = t.sin2_2theta13 * ee[i] + c13_4 * t.sin2_2theta12 * solar[i];
  return out;
}

void survival(const reactor::OscillationAverage& average, std::span<const double> three_flavour,
              const sterile3p1::Params& p, std::span<double> sin2, std::span<double> out) {
  // P = constant − c14⁴ P₃(θ13, θ12) + amplitude ⟨sin²Δ41⟩: constant is 1 for an oscillating ν₄
  // and c14⁴ = (1 − |U_e4|²)² for one that is not produced, where P = c14⁴ (1 − P₃).
  const Transition t = transition(p, Flavour::e, Flavour::e);
  if (!t.oscillates())
    std::fill(sin2.begin(), sin2.end(), 0.0);
  else
    average.mean_sin2(t.wavenumber, sin2);
  const double c14_4 = (1 - p.ue4_sq) * (1 - p.ue4_sq);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = t.constant - c14_4 * three_flavour[i] + t.amplitude * sin2[i];
}

Ratios::Ratios(const Config& config)
    : Ratios(config, Inputs(config.options.inputs, config.setup)) {}

Ratios::Ratios(const Config& config, Inputs&& inputs)
    : setup_(config.setup), options_(config.options),
      chi2_(inputs.table.ratio, std::move(inputs.inverse_covariance)),
      average_(average_for(setup_, inputs.table.lower, inputs.table.upper)),
      data_hash_(inputs.hash), sin2_(average_.rows()), survival_(average_.rows()),
      ratio_(setup_.bins * setup_.ratios) {
  if (setup_.ratio_sites.size() != setup_.ratios)
    throw std::invalid_argument(setup_.name + ": one (far, near) pair per ratio");
  if (!options_.fixed_norms.empty() && options_.fixed_norms.size() != setup_.ratios)
    throw std::invalid_argument(setup_.name + ": one fixed normalisation per ratio");
  for (std::size_t r = 1; r <= setup_.ratios; ++r)
    ends_.push_back(r * setup_.bins);
  // The three-flavour terms do not depend on the 3+1 parameters: average them once.
  three_flavour_ = three_flavour_terms(average_, options_.three);
}

double Ratios::mean_baseline(std::size_t site) const {
  double sum = 0, total = 0;
  for (const auto& b : setup_.sites.at(site).baselines) {
    sum += b.weight * b.length;
    total += b.weight;
  }
  return sum / total;
}

void Ratios::predict(const sterile3p1::Params& p, std::span<double> ratios) const {
  if (ratios.size() != ratio_.size()) throw std::invalid_argument(setup_.name + ": wrong size");
  survival(average_, three_flavour_, p, sin2_, survival_);
  const std::size_t bins = setup_.bins;
  for (std::size_t r = 0; r < setup_.ratios; ++r) {
    const auto [far, near] = setup_.ratio_sites[r];
    for (std::size_t b = 0; b < bins; ++b)
      ratios[r * bins + b] = survival_[far * bins + b] / survival_[near * bins + b];
  }
}

double Ratios::chi2(const sterile3p1::Params& p, std::span<double> norms) const {
  predict(p, ratio_);
  if (options_.fixed_norms.empty()) return chi2_.free_norms(ratio_, ends_, norms);
  for (std::size_t r = 0; r < setup_.ratios; ++r) {
    for (std::size_t b = 0; b < setup_.bins; ++b)
      ratio_[r * setup_.bins + b] *= options_.fixed_norms[r];
    if (r < norms.size()) norms[r] = options_.fixed_norms[r];
  }
  return chi2_.fixed_norm(ratio_, 1.0);
}

std::string Ratios::fingerprint() const {
  std::ostringstream out;
  out << setup_.label << " data=" << reactor::hex(data_hash_) << " normalisation=";
  if (options_.fixed_norms.empty()) out << "free";
  for (std::size_t r = 0; r < options_.fixed_norms.size(); ++r)
    out << (r ? "," : "") << options_.fixed_norms[r];
  out << " sin2_2theta13=" << options_.three.sin2_2theta13;
  return out.str();
}

} // namespace nubayes::far_near

namespace nubayes {

namespace {

std::unique_ptr<Experiment> make(const ModelOptions& data, far_near::Setup setup) {
  const std::string name = setup.name;
  far_near::Config config{std::move(setup), {}};
  config.options = far_near::options_from(data, config.setup);
  return build_experiment(
      name, [&] { return std::make_unique<Chi2Experiment<far_near::Ratios>>(name, std::vector<ChannelUse>{{Flavour::e, Flavour::e, "P(nuebar->nuebar)"}}, pair_reasons::kBelowThreshold, config); });
}

} // namespace

std::unique_ptr<Experiment> make_dayabay_experiment(const ModelOptions& data) {
  const std::string method = data.text("dayabay_method", "ratios");
  if (method == "ratios") return make(data, far_near::dayabay_setup());
  if (method != "spectra")
    throw OptionError("dayabay_method", "'" + method + "': expected 'ratios' or 'spectra'", "data");
  dayabay_spectra::Options options;
  options.three.sin2_2theta13 =
      data.number_in("dayabay_sin2_2theta13", options.three.sin2_2theta13, 0.0, 0.5);
  return build_experiment("dayabay", [&] {
    return std::make_unique<Chi2Experiment<dayabay_spectra::Relative>>("dayabay", std::vector<ChannelUse>{{Flavour::e, Flavour::e, "P(nuebar->nuebar)"}}, pair_reasons::kBelowThreshold, options);
  });
}
std::unique_ptr<Experiment> make_doublechooz_experiment(const ModelOptions& data) {
  return make(data, far_near::doublechooz_setup());
}
std::unique_ptr<Experiment> make_reno_experiment(const ModelOptions& data) {
  return make(data, far_near::reno_setup());
}
std::unique_ptr<Experiment> make_bugey3_experiment(const ModelOptions& data) {
  return make(data, far_near::bugey3_setup());
}

} // namespace nubayes
