#pragma once
// An independent, unbinned MiniBooNE prediction for the dark-sector tests: E_ν drawn straight from
// the FHC νμ + ν̄μ flux table, events from the generator, each pair added to a PairResponse with
// its own exact decay length (miniboone_response.h). Nothing of the template machinery (energy
// proposal, βγ cells, decay-probability table, interpolation) is used.
#include "dark_model_kind.h"
#include "miniboone_flux.h"
#include "miniboone_geometry.h"
#include "miniboone_response.h"
#include "rng.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nubayes::testing {

/// Every generated event, unbinned: E_ν drawn from the FHC νμ + ν̄μ flux table, `events` per target
/// (¹²C coherent, free protons), each passed to `visit(event, weight, lambda_m)` with its expected
/// number in the tank for `pot` and its own decay length [m] (heavy state, plus Z_D for dark-zd).
template <class Visit>
void for_each_direct_event(const dark::DarkModelParams& params, double pot, long events,
                           std::uint64_t seed, Visit&& visit) {
  const miniboone::BnbFlux flux(miniboone::HornMode::fhc);
  std::vector<double> cumulative;
  double total = 0;
  for (std::size_t k = 0; k < flux.bins(); ++k) {
    total +=
        flux.per_bin(miniboone::Flavour::numu, k) + flux.per_bin(miniboone::Flavour::numubar, k);
    cumulative.push_back(total);
  }
  const auto targets = miniboone::ch2_targets();
  double ctau_heavy_cm = 0, ctau_mediator_cm = 0, m_mediator = 0;
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params)) {
    ctau_heavy_cm = dark::ctau_cm(dark::width_n_to_nu_zd(*zd));
    ctau_mediator_cm = dark::ctau_cm(dark::width_zd_to_ee(*zd));
    m_mediator = zd->m_ZD;
  } else {
    ctau_heavy_cm =
        dark::ctau_cm(dark::width_nu4_to_nu_ee(std::get<dark::HeavyZprimeParams>(params)));
  }
  const std::pair<dark::UpscatterTarget, double> list[] = {
      {dark::carbon12_coherent(), targets.carbon_nuclei},
      {dark::free_proton(), targets.free_protons}};
  for (std::size_t t = 0; t < 2; ++t) {
    const dark::DarkEventGenerator generator(params, list[t].first);
    Rng rng(seed, StreamPurpose::user, 1000 + t);
    const dark::UniformSource uniform = [&rng] { return rng.uniform(); };
    for (long n = 0; n < events; ++n) {
      const double u = rng.uniform() * total;
      const auto k = static_cast<std::size_t>(
          std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
      const double e = flux.low_edge(k) + (flux.high_edge(k) - flux.low_edge(k)) * rng.uniform();
      const auto event = generator.generate(e, uniform);
      if (!event) continue;
      // A two-step flight enters as one flight of the summed mean length: only for prompt
      // dark-zd points, where both lengths are far below the tank size.
      double lambda_cm = event->beta_gamma_heavy * ctau_heavy_cm;
      if (m_mediator > 0)
        lambda_cm += dark::momentum(event->mediator) / m_mediator * ctau_mediator_cm;
      const double weight =
          pot * total * list[t].second * event->weight_cm2 / static_cast<double>(events);
      visit(*event, weight, lambda_cm / 100);
    }
  }
}

/// FHC E_ν^QE prediction (11 bins) for `pot`, both targets, `events` per target.
inline std::vector<double> direct_fhc_enu(const dark::DarkModelParams& params, double pot,
                                          long events, std::uint64_t seed,
                                          const miniboone::ResponseOptions& options = {}) {
  miniboone::PairResponse response{options};
  for_each_direct_event(params, pot, events, seed,
                        [&](const dark::DarkEvent& event, double weight, double lambda_m) {
                          response.add({event.positron, event.electron, 1.0, weight}, lambda_m);
                        });
  return response.histograms().enu_qe;
}

} // namespace nubayes::testing
