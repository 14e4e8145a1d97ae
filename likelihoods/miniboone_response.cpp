#include "miniboone_response.h"

#include "miniboone_geometry.h"
#include "miniboone_tables.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

// ---- EnergyResolution -------------------------------------------------------------------------

double EnergyResolution::sigma(double energy_gev) const {
  return stochastic * std::sqrt(std::max(energy_gev, 0.0)) + constant_gev;
}

double EnergyResolution::probability(double energy_gev, double lo_gev, double hi_gev) const {
  if (!(hi_gev > lo_gev)) return 0;
  const double s = sigma(energy_gev);
  if (!(s > 0)) return (energy_gev >= lo_gev && energy_gev < hi_gev) ? 1.0 : 0.0;
  const double a = (lo_gev - energy_gev) / (s * std::numbers::sqrt2);
  const double b = (hi_gev - energy_gev) / (s * std::numbers::sqrt2);
  // Φ(b) − Φ(a) from the tail that keeps the precision (both erfc arguments >= 0 when a > 0)
  if (a > 0) return 0.5 * (std::erfc(a) - std::erfc(b));
  return 0.5 * (std::erfc(-b) - std::erfc(-a));
}

std::vector<std::vector<double>>
EnergyResolution::migration(std::span<const double> true_gev,
                            std::span<const double> reco_edges_gev) const {
  const std::size_t bins = reco_edges_gev.size() - 1;
  std::vector<std::vector<double>> matrix(bins, std::vector<double>(true_gev.size()));
  for (std::size_t j = 0; j < true_gev.size(); ++j)
    for (std::size_t i = 0; i < bins; ++i)
      matrix[i][j] = probability(true_gev[j], reco_edges_gev[i], reco_edges_gev[i + 1]);
  return matrix;
}

// ---- ObservableBinnings -----------------------------------------------------------------------

ObservableBinnings::ObservableBinnings(const fs::path& inputs)
    : enu_qe_gev(read_edges(
          inputs / "miniboone" / "2018" / "fhc" / "miniboone_binboundaries_nue_lowe.txt", 12)),
      evis_2018_gev(load_distribution(Distribution::evis_nu_2018, inputs).edges),
      costheta_2018(load_distribution(Distribution::costheta_nu_2018, inputs).edges),
      evis_2020_gev(load_distribution(Distribution::evis_nu_2020, inputs).edges),
      costheta_2020(load_distribution(Distribution::costheta_nu_2020, inputs).edges) {
  for (double& e : enu_qe_gev)
    e *= 1e-3; // MeV in the release file
}

std::span<const double> prediction_for(const SignalHistograms& histograms,
                                       Distribution distribution) {
  switch (distribution) {
  case Distribution::costheta_nu_2018:
    return histograms.costheta_2018;
  case Distribution::evis_nu_2018:
  case Distribution::evis_nubar_2018:
    return histograms.evis_2018;
  case Distribution::costheta_nu_2020:
    return histograms.costheta_2020;
  case Distribution::evis_nu_2020:
    return histograms.evis_2020;
  }
  throw std::invalid_argument("unknown MiniBooNE distribution");
}

// ---- PairResponse -----------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxCosBins = 32; ///< scratch size for the cos θ migration

std::vector<double> zeros_for(const std::vector<double>& edges) {
  return std::vector<double>(edges.size() - 1, 0.0);
}

} // namespace

PairResponse::PairResponse(const ResponseOptions& options, const fs::path& inputs)
    : options_(options), binnings_(inputs), efficiency_(options.efficiency, inputs) {
  if (!(options.window_2018_hi_gev > options.window_2018_lo_gev &&
        options.window_2020_hi_gev > options.window_2020_lo_gev))
    throw std::invalid_argument("PairResponse: E_nu^QE windows must have hi > lo");
  if (binnings_.costheta_2018.size() > kMaxCosBins + 1 ||
      binnings_.costheta_2020.size() > kMaxCosBins + 1)
    throw std::invalid_argument("PairResponse: too many cos(theta) bins");
  clear();
}

void PairResponse::clear() {
  histograms_ = {zeros_for(binnings_.enu_qe_gev),    zeros_for(binnings_.evis_2018_gev),
                 zeros_for(binnings_.costheta_2018), zeros_for(binnings_.evis_2020_gev),
                 zeros_for(binnings_.costheta_2020), 0.0};
}

double PairResponse::decay_probability(double lambda_m) const {
  return options_.production == ProductionVolume::tank ? decay_in_fiducial_from_tank(lambda_m)
                                                       : decay_inside_probability(lambda_m);
}

void PairResponse::fill_window(std::vector<double>& histogram, std::span<const double> edges,
                               double energy, double e_window_lo, double e_window_hi,
                               double weight) const {
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double lo = std::max(edges[i], e_window_lo), hi = std::min(edges[i + 1], e_window_hi);
    if (hi > lo) histogram[i] += weight * options_.resolution.probability(energy, lo, hi);
  }
}

void PairResponse::add(const PairEvent& event, double parent_ctau_m) {
  if (!(event.weight >= 0 && std::isfinite(event.weight)))
    throw std::invalid_argument("PairResponse::add: weight must be finite and >= 0");
  if (!(parent_ctau_m >= 0 && std::isfinite(parent_ctau_m) && event.parent_beta_gamma >= 0))
    throw std::invalid_argument("PairResponse::add: need finite c*tau >= 0 and beta*gamma >= 0");
  const Ring ring = reconstruct_ring(event.e_plus, event.e_minus, options_.rules);
  if (!ring.accepted || event.weight == 0) return;

  const double energy = ring.visible_energy_gev, c = ring.cos_theta;
  const double weight = event.weight * decay_probability(event.parent_beta_gamma * parent_ctau_m) *
                        efficiency_.in_fiducial(energy);
  histograms_.accepted += weight;

  // E_ν^QE bins: E′ between the visible energies that reconstruct to the bin's edges
  const auto& qe_edges = binnings_.enu_qe_gev; // 12 edges, checked at load
  std::array<double, 12> e_at_edge{};
  for (std::size_t k = 0; k < e_at_edge.size(); ++k)
    e_at_edge[k] = visible_energy_for_enu_qe(qe_edges[k], c, options_.qe);
  fill_window(histograms_.enu_qe, e_at_edge, energy, e_at_edge.front(), e_at_edge.back(), weight);

  // E_vis and cos θ distributions of the candidates inside the E_ν^QE windows
  const double theta = std::acos(std::clamp(c, -1.0, 1.0));
  const double sigma_theta = options_.angular.sigma_rad(energy);
  std::array<double, kMaxCosBins> probability_scratch{};
  const std::span<double> all_probabilities(probability_scratch);
  auto fill_distributions = [&](std::vector<double>& evis, std::span<const double> evis_edges,
                                std::vector<double>& cos_theta, std::span<const double> cos_edges,
                                double enu_lo, double enu_hi) {
    const auto cos_probabilities = all_probabilities.first(cos_theta.size());
    const double lo = visible_energy_for_enu_qe(enu_lo, c, options_.qe);
    const double hi = visible_energy_for_enu_qe(enu_hi, c, options_.qe);
    fill_window(evis, evis_edges, energy, lo, hi, weight);
    const double in_window = weight * options_.resolution.probability(energy, lo, hi);
    if (in_window == 0) return;
    cos_theta_bin_probabilities(theta, sigma_theta, cos_edges, cos_probabilities);
    for (std::size_t b = 0; b < cos_theta.size(); ++b)
      cos_theta[b] += in_window * cos_probabilities[b];
  };
  fill_distributions(histograms_.evis_2018, binnings_.evis_2018_gev, histograms_.costheta_2018,
                     binnings_.costheta_2018, options_.window_2018_lo_gev,
                     options_.window_2018_hi_gev);
  fill_distributions(histograms_.evis_2020, binnings_.evis_2020_gev, histograms_.costheta_2020,
                     binnings_.costheta_2020, options_.window_2020_lo_gev,
                     options_.window_2020_hi_gev);
}

} // namespace nubayes::miniboone
