#include "icecube_events.h"

#include "input_files.h"
#include "reactor.h"
#include "table_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace nubayes::icecube {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDir = "icecube/IC86_2011_1605.01990";
constexpr const char* kResponseFile = "nufsgen_dom_eff_nominal_response_array.txt";
constexpr const char* kFluxFile = "HondaGaisser_average_flux.txt";
constexpr const char* kEventsFile = "observed_events.dat";
constexpr std::size_t kObservedEvents = 20145; ///< IC86-2011 sample (arXiv:1605.01990)

[[noreturn]] void fail(const fs::path& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path.string() + std::string(":") + std::to_string(line) + ": " + what);
}
[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = line.find_first_not_of(" \t\r");
  while (i != std::string_view::npos) {
    const std::size_t end = std::min(line.find_first_of(" \t\r", i), line.size());
    out.push_back(line.substr(i, end - i));
    i = line.find_first_not_of(" \t\r", end);
  }
  return out;
}

double number(std::string_view token, const fs::path& path, std::size_t line) {
  double v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(v))
    fail(path, line, std::string("not a number: '") + std::string(token.substr(0, 40)) + "'");
  return v;
}

std::size_t index(std::string_view token, std::size_t limit, const char* what, const fs::path& path,
                  std::size_t line) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size() || v >= limit)
    fail(path, line,
         std::string(what) + std::string(" index '") + std::string(token.substr(0, 40)) +
             "' is not in 0.." + std::to_string(limit - 1));
  return v;
}

/// The lines of a file: (line number, text).
std::vector<std::pair<std::size_t, std::string>> lines_of(const fs::path& path) {
  std::istringstream in(read_input_file(path));
  std::vector<std::pair<std::size_t, std::string>> out;
  std::string text;
  for (std::size_t n = 1; std::getline(in, text); ++n)
    out.emplace_back(n, text);
  return out;
}

/// Rows `label i [j] v_0 … v_199`: the values into `out` at the slot `slot(label, i, j)`; every
/// slot must be filled exactly once. Returns the header lines.
template <class Slot>
std::vector<std::string> read_rows(const fs::path& path, std::size_t indices, std::size_t slots,
                                   Slot slot, std::vector<double>& out, std::uint64_t& hash) {
  out.assign(slots * kTrueBins, 0.0);
  std::vector<bool> seen(slots, false);
  std::vector<std::string> header;
  for (const auto& [n, text] : lines_of(path)) {
    const auto t = tokens(text);
    if (t.empty()) continue;
    if (t[0].front() == '#') {
      header.push_back(text);
      continue;
    }
    if (t.size() != 1 + indices + kTrueBins)
      fail(path, n,
           std::string("expected a label, ") + std::to_string(indices) + " indices and " +
               std::to_string(kTrueBins) + std::string(" values, found ") +
               std::to_string(t.size()) + " fields");
    const std::size_t s = slot(t, n);
    if (seen[s]) fail(path, n, "duplicate row");
    seen[s] = true;
    for (std::size_t e = 0; e < kTrueBins; ++e) {
      const double v = number(t[1 + indices + e], path, n);
      if (v < 0) fail(path, n, std::string("value ") + std::to_string(e + 1) + " is negative");
      out[s * kTrueBins + e] = v;
    }
  }
  const auto missing = std::count(seen.begin(), seen.end(), false);
  if (missing > 0)
    fail(path, std::string("expected ") + std::to_string(slots) + std::string(" rows, ") +
                   std::to_string(missing) + " missing");
  reactor::hash_values(hash, out);
  return header;
}

/// The bin edges from a header line `# <name> (...) N: e_0 … e_{N-1}`.
std::vector<double> edges(const std::vector<std::string>& header, const std::string& name,
                          std::size_t count, const fs::path& path) {
  for (const std::string& line : header) {
    const auto at = line.find("# " + name + " ");
    if (at != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) fail(path, "header line '" + name + "' has no ':'");
    std::vector<double> out;
    for (auto t : tokens(std::string_view(line).substr(colon + 1)))
      out.push_back(number(t, path, 0));
    if (out.size() != count)
      fail(path, "header line '" + name + std::string("': expected ") + std::to_string(count) +
                     std::string(" edges, found ") + std::to_string(out.size()));
    for (std::size_t i = 1; i < out.size(); ++i)
      if (!(out[i] > out[i - 1])) fail(path, "header line '" + name + "': edges must increase");
    return out;
  }
  fail(path, "no header line '# " + name + " ...' with the bin edges");
}

std::size_t bin_of(const std::vector<double>& edges, double x) {
  const auto it = std::upper_bound(edges.begin(), edges.end(), x);
  if (it == edges.begin() || it == edges.end()) return edges.size(); // outside
  return static_cast<std::size_t>(it - edges.begin()) - 1;
}

} // namespace

Events::Events(const EventsOptions& options)
    : options_(options), earth_(earth::EarthModel::prem(options.shell_thickness)) {
  const fs::path dir = options.inputs / kDir;
  hash_ = reactor::kHashSeed;

  // Response arrays: `nu|nubar i_proxy i_costh` + 200 values.
  const fs::path response = dir / kResponseFile;
  std::vector<double> t_all;
  const auto header = read_rows(
      response, 2, 2 * kProxyBins * kCosBins,
      [&](const std::vector<std::string_view>& t, std::size_t n) {
        std::size_t kind = 0;
        if (t[0] == "nu")
          kind = 0;
        else if (t[0] == "nubar")
          kind = 1;
        else
          fail(response, n, std::string("label '") + std::string(t[0]) + "': expected nu or nubar");
        const std::size_t p = index(t[1], kProxyBins, "proxy-energy", response, n);
        const std::size_t c = index(t[2], kCosBins, "cos(zenith)", response, n);
        return (kind * kProxyBins + p) * kCosBins + c;
      },
      t_all, hash_);
  const auto proxy_edges = edges(header, "proxy_energy_bin_edges", kProxyBins + 1, response);
  const auto cos_edges = edges(header, "costh_bin_edges", kCosBins + 1, response);
  const auto true_edges = edges(header, "true_energy_bin_edges", kTrueBins + 1, response);
  if (!(true_edges.front() > 0) || !(proxy_edges.front() > 0))
    fail(response, "energy bin edges must be > 0");
  if (!(cos_edges.front() >= -1 && cos_edges.back() <= 1))
    fail(response, "cos(zenith) bin edges outside [-1, 1]");

  // Flux: `nu_kaon|nu_pion|nubar_kaon|nubar_pion i_costh` + 200 values.
  const fs::path flux_path = dir / kFluxFile;
  std::vector<double> flux;
  const std::vector<std::string> components{"nu_kaon", "nu_pion", "nubar_kaon", "nubar_pion"};
  read_rows(
      flux_path, 1, components.size() * kCosBins,
      [&](const std::vector<std::string_view>& t, std::size_t n) {
        const auto it = std::find(components.begin(), components.end(), t[0]);
        if (it == components.end())
          fail(flux_path, n,
               std::string("label '") + std::string(t[0]) +
                   "': expected nu_kaon, nu_pion, nubar_kaon or nubar_pion");
        const std::size_t c = index(t[1], kCosBins, "cos(zenith)", flux_path, n);
        return static_cast<std::size_t>(it - components.begin()) * kCosBins + c;
      },
      flux, hash_);

  // Weights T·Φ per (proxy, cos, true) for ν and ν̄ (kaon + pion).
  const std::size_t cells = kProxyBins * kCosBins * kTrueBins;
  weight_nu_.assign(cells, 0.0);
  weight_nubar_.assign(cells, 0.0);
  std::vector<bool> needed(kCosBins * kTrueBins, false);
  for (std::size_t p = 0; p < kProxyBins; ++p)
    for (std::size_t c = 0; c < kCosBins; ++c)
      for (std::size_t e = 0; e < kTrueBins; ++e) {
        const std::size_t i = (p * kCosBins + c) * kTrueBins + e;
        const double phi_nu =
            flux[(0 * kCosBins + c) * kTrueBins + e] + flux[(1 * kCosBins + c) * kTrueBins + e];
        const double phi_nubar =
            flux[(2 * kCosBins + c) * kTrueBins + e] + flux[(3 * kCosBins + c) * kTrueBins + e];
        weight_nu_[i] = t_all[i] * phi_nu;
        weight_nubar_[i] = t_all[cells + i] * phi_nubar;
        if (weight_nu_[i] > 0 || weight_nubar_[i] > 0) needed[c * kTrueBins + e] = true;
      }

  // Observed events: `E_proxy  zenith [rad]`, binned.
  const fs::path events_path = dir / kEventsFile;
  const Table events = read_table(events_path, 2);
  expect_rows(events, kObservedEvents, events_path, "events");
  reactor::hash_values(hash_, events.values);
  observed_.assign(kProxyBins * kCosBins, 0.0);
  for (std::size_t r = 0; r < events.rows(); ++r) {
    const double e = events.row(r)[0], zenith = events.row(r)[1];
    if (!(zenith >= 0 && zenith <= std::numbers::pi))
      fail(events_path, std::string("event ") + std::to_string(r + 1) + ": zenith outside [0, pi]");
    const std::size_t p = bin_of(proxy_edges, e), c = bin_of(cos_edges, std::cos(zenith));
    if (p >= kProxyBins || c >= kCosBins)
      fail(events_path, std::string("event ") + std::to_string(r + 1) +
                            ": outside the binned range (energy proxy " +
                            std::to_string(proxy_edges.front()) + std::string("-") +
                            std::to_string(proxy_edges.back()) + std::string(", cos(zenith) ") +
                            std::to_string(cos_edges.front()) + "-" +
                            std::to_string(cos_edges.back()) + ")");
    observed_[p * kCosBins + c] += 1;
  }
  observed_total_ = events.rows();

  // Bins used: those with a prediction; an event where none is predicted is an input error.
  used_.assign(kProxyBins * kCosBins, false);
  for (std::size_t p = 0; p < kProxyBins; ++p)
    for (std::size_t c = 0; c < kCosBins; ++c) {
      double sum = 0;
      for (std::size_t e = 0; e < kTrueBins; ++e) {
        const std::size_t i = (p * kCosBins + c) * kTrueBins + e;
        sum += weight_nu_[i] + weight_nubar_[i];
      }
      const std::size_t b = p * kCosBins + c;
      used_[b] = sum > 0;
      if (!used_[b] && observed_[b] > 0)
        fail(events_path, std::to_string(static_cast<long>(observed_[b])) +
                              std::string(" events in bin (proxy ") + std::to_string(p) + ", cos " +
                              std::to_string(c) + ") where the response predicts none");
      if (used_[b])
        saturated_ += observed_[b] > 0 ? observed_[b] * std::log(observed_[b]) - observed_[b] -
                                             std::lgamma(observed_[b] + 1)
                                       : 0.0;
    }

  // Sub-points: energies log-spaced inside each true-energy bin, zeniths uniform in cos θ.
  const int n = options.oversampling;
  for (std::size_t e = 0; e < kTrueBins; ++e)
    for (int k = 0; k < n; ++k)
      energies_.push_back(true_edges[e] *
                          std::pow(true_edges[e + 1] / true_edges[e], (k + 0.5) / n));
  for (std::size_t c = 0; c < kCosBins; ++c)
    for (int j = 0; j < n; ++j) {
      const double cz = cos_edges[c] + (j + 0.5) / n * (cos_edges[c + 1] - cos_edges[c]);
      paths_.push_back(earth::path(earth_, cz, kDetectorDepth, kProductionHeight));
    }
  // Skip the (cos, energy) cells without weight (cos θ > 0.06 and a few corners).
  needed_ = std::move(needed);
  for (std::size_t e = 0; e < kTrueBins; ++e)
    log_energy_.push_back(0.5 * std::log(true_edges[e] * true_edges[e + 1]) - std::log(kPivot));
  rate_.assign(kProxyBins * kCosBins * kTrueBins, 0.0);
  tilt_factor_.assign(kTrueBins, 1.0);
  prob_nu_.assign(kCosBins * kTrueBins, 1.0);
  prob_nubar_.assign(kCosBins * kTrueBins, 1.0);
  expected_.assign(kProxyBins * kCosBins, 0.0);
}

double Events::no_oscillation_total() const {
  double sum = 0;
  for (std::size_t i = 0; i < weight_nu_.size(); ++i)
    sum += weight_nu_[i] + weight_nubar_[i];
  return sum;
}

void Events::expected(const sterile3p1::Params& params, std::vector<double>& out) const {
  if (!params.nu4_oscillates) {
    // A ν₄ that is not produced neither oscillates nor feels matter: the three-flavour
    // probabilities (in matter) times its rate factor (1 − |U_μ4|²)² (neutrino_sector.h).
    NeutrinoSector light;
    expected(light, out);
    const double factor = transition(params, Flavour::mu, Flavour::mu).constant;
    for (double& x : out)
      x *= factor;
    return;
  }
  earth::Propagator prop(earth::mixing_from(params), earth_);
  const auto n = static_cast<std::size_t>(options_.oversampling);
  const double norm = 1.0 / static_cast<double>(n * n);
  for (int anti = 0; anti < 2; ++anti) {
    std::vector<double>& prob = anti ? prob_nubar_ : prob_nu_;
    std::fill(prob.begin(), prob.end(), 0.0);
    for (std::size_t e = 0; e < kTrueBins; ++e)
      for (std::size_t k = 0; k < n; ++k) {
        prop.set_energy(energies_[e * n + k], anti == 1);
        for (std::size_t c = 0; c < kCosBins; ++c) {
          if (!needed_[c * kTrueBins + e]) continue;
          double sum = 0;
          for (std::size_t j = 0; j < n; ++j)
            sum += prop.probability(1, 1, paths_[c * n + j]);
          prob[c * kTrueBins + e] += sum * norm;
        }
      }
  }
  out.assign(kProxyBins * kCosBins, 0.0);
  for (std::size_t p = 0; p < kProxyBins; ++p)
    for (std::size_t c = 0; c < kCosBins; ++c) {
      const std::size_t row = (p * kCosBins + c) * kTrueBins;
      double sum = 0;
      for (std::size_t e = 0; e < kTrueBins; ++e) {
        const double r = weight_nu_[row + e] * prob_nu_[c * kTrueBins + e] +
                         weight_nubar_[row + e] * prob_nubar_[c * kTrueBins + e];
        rate_[row + e] = r;
        sum += r;
      }
      out[p * kCosBins + c] = sum;
    }
}

double Events::profiled(double tilt, double* norm) const {
  for (std::size_t e = 0; e < kTrueBins; ++e)
    tilt_factor_[e] = std::exp(-tilt * log_energy_[e]);
  double s = 0, m = 0;
  for (std::size_t b = 0; b < expected_.size(); ++b) {
    if (!used_[b]) continue;
    const double* r = &rate_[b * kTrueBins];
    double sum = 0;
    for (std::size_t e = 0; e < kTrueBins; ++e)
      sum += r[e] * tilt_factor_[e];
    expected_[b] = sum;
    s += observed_[b];
    m += sum;
  }
  // Profile k: dχ²/dk = 0. Free: k = S/M. Prior: k²/σ² + (M − 1/σ²) k − S = 0, the positive root.
  double k = s / m;
  double prior = 0;
  if (options_.norm_error > 0) {
    const double w = 1 / (options_.norm_error * options_.norm_error);
    const double b = m - w;
    k = (-b + std::sqrt(b * b + 4 * w * s)) / (2 * w);
    prior = (k - 1) * (k - 1) * w;
  }
  if (options_.spectral_index_error > 0)
    prior += tilt * tilt / (options_.spectral_index_error * options_.spectral_index_error);
  double deviance = 0;
  for (std::size_t b = 0; b < expected_.size(); ++b) {
    if (!used_[b]) continue;
    const double mu = k * expected_[b], n = observed_[b];
    deviance += mu - n + (n > 0 ? n * std::log(n / mu) : 0.0);
  }
  if (norm != nullptr) *norm = k;
  return 2 * deviance + prior;
}

double Events::chi2(const sterile3p1::Params& p, double* norm, double* tilt) const {
  expected(p, expected_);
  double best = 0;
  const double sigma = options_.spectral_index_error;
  if (sigma > 0) {
    // Golden-section search for Δγ in ±6σ (χ²(Δγ) is smooth and, with its prior, unimodal).
    const double g = 0.5 * (std::sqrt(5.0) - 1);
    double a = -6 * sigma, b = 6 * sigma;
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = profiled(x1, nullptr), f2 = profiled(x2, nullptr);
    while (b - a > 1e-7 * sigma) {
      if (f1 < f2) {
        b = x2, x2 = x1, f2 = f1;
        x1 = b - g * (b - a);
        f1 = profiled(x1, nullptr);
      } else {
        a = x1, x1 = x2, f1 = f2;
        x2 = a + g * (b - a);
        f2 = profiled(x2, nullptr);
      }
    }
    best = 0.5 * (a + b);
  }
  if (tilt != nullptr) *tilt = best;
  return profiled(best, norm);
}

} // namespace nubayes::icecube
