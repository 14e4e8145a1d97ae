#include "miniboone_flux.h"

#include "gauss_legendre.h"
#include "miniboone_tables.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

std::string_view horn_mode_name(HornMode mode) {
  return mode == HornMode::fhc ? "fhc" : "rhc";
}

namespace {

fs::path flux_file(HornMode mode, const fs::path& inputs) {
  return inputs / "miniboone" / "flux" /
         (mode == HornMode::fhc ? "MiniBooNE_nu_mode_flux.dat" : "MiniBooNE_nubar_mode_flux.dat");
}

} // namespace

BnbFlux::BnbFlux(HornMode mode, const fs::path& inputs) : mode_(mode) {
  const fs::path path = flux_file(mode, inputs);
  const Table table = read_rows(path, kBins, 6);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const auto row = table.row(r);
    if (!(row[0] >= 0 && row[1] > row[0])) fail_row(path, r, "need 0 <= Elo < Ehi");
    if (r > 0 && std::abs(row[0] - high_.back()) > 1e-9)
      fail_row(path, r, "bins not contiguous (Elo differs from the previous Ehi)");
    low_.push_back(row[0]);
    high_.push_back(row[1]);
    for (int f = 0; f < 4; ++f) {
      if (!(row[2 + f] >= 0)) fail_row(path, r, "negative flux");
      flux_[f].push_back(row[2 + f]);
    }
  }
}

double BnbFlux::per_bin(Flavour flavour, std::size_t bin) const {
  return flux_[static_cast<int>(flavour)].at(bin);
}

double BnbFlux::density(Flavour flavour, double energy_gev) const {
  if (!(energy_gev >= low_.front() && energy_gev < high_.back())) return 0;
  const auto it = std::upper_bound(low_.begin(), low_.end(), energy_gev);
  const std::size_t bin = static_cast<std::size_t>(it - low_.begin()) - 1;
  return per_bin(flavour, bin) / (high_[bin] - low_[bin]);
}

double BnbFlux::integral(Flavour flavour, double e_min_gev, double e_max_gev) const {
  double sum = 0;
  for (std::size_t b = 0; b < bins(); ++b) {
    const double lo = std::max(low_[b], e_min_gev), hi = std::min(high_[b], e_max_gev);
    if (hi > lo) sum += per_bin(flavour, b) * (hi - lo) / (high_[b] - low_[b]);
  }
  return sum;
}

double BnbFlux::mean_energy(Flavour flavour) const {
  double moment = 0;
  for (std::size_t b = 0; b < bins(); ++b)
    moment += per_bin(flavour, b) * 0.5 * (low_[b] + high_[b]);
  return moment / integral(flavour);
}

double BnbFlux::expected_events(Flavour flavour, double pot, double targets,
                                const std::function<double(double)>& sigma_cm2, int nodes) const {
  if (nodes < 1) throw std::invalid_argument("expected_events: nodes must be >= 1");
  const GaussLegendre rule(nodes);
  double sum = 0; // Σ_bins Φ_bin ⟨σ⟩_bin
  for (std::size_t b = 0; b < bins(); ++b) {
    const double phi = per_bin(flavour, b);
    if (phi == 0) continue;
    sum += phi * rule.integrate(sigma_cm2, low_[b], high_[b]) / (high_[b] - low_[b]);
  }
  return pot * targets * sum;
}

} // namespace nubayes::miniboone
