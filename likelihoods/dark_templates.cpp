#include "dark_templates.h"

#include "miniboone_geometry.h"
#include "rng.h"
#include "signals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nubayes::darkfit {

using miniboone::BnbFlux;
using miniboone::Flavour;

int BoostAxis::bin(double log_beta_gamma) const {
  if (!(log_hi > log_lo)) return 0;
  const int i = static_cast<int>((log_beta_gamma - log_lo) / (log_hi - log_lo) * bins);
  return std::clamp(i, 0, bins - 1);
}

TemplateInputs::TemplateInputs(const std::filesystem::path& inputs_dir)
    : inputs(inputs_dir), fhc(miniboone::HornMode::fhc, inputs_dir),
      rhc(miniboone::HornMode::rhc, inputs_dir) {
  const miniboone::ObservableBinnings binnings(inputs_dir);
  layout.enu_bins = binnings.enu_qe_gev.size() - 1;
  layout.cos_bins = binnings.costheta_2020.size() - 1;
  // Read (and verify) the detector response's tables whether or not the templates are rebuilt,
  // so that the inputs a run records, and a resume compares, do not depend on the cache.
  const miniboone::PairResponse probe(response, inputs_dir);
}

namespace {

/// νμ + ν̄μ flux of a horn mode in flux bin k [ν/cm²/POT].
double muon_flux(const BnbFlux& flux, std::size_t k) {
  return flux.per_bin(Flavour::numu, k) + flux.per_bin(Flavour::numubar, k);
}

/// E_ν proposal: the half-and-half mixture of the FHC and RHC νμ + ν̄μ flux shapes, cut at the
/// production threshold, flat inside each flux bin.
class EnergyProposal {
public:
  EnergyProposal(const BnbFlux& fhc, const BnbFlux& rhc, double threshold) : fhc_(fhc), rhc_(rhc) {
    double total_f = 0, total_r = 0;
    for (std::size_t k = 0; k < fhc.bins(); ++k) {
      total_f += muon_flux(fhc, k);
      total_r += muon_flux(rhc, k);
    }
    double sum = 0;
    for (std::size_t k = 0; k < fhc.bins(); ++k) {
      const double lo = std::max(fhc.low_edge(k), threshold), hi = fhc.high_edge(k);
      if (!(hi > lo)) continue;
      const double width = fhc.high_edge(k) - fhc.low_edge(k);
      const double mass =
          0.5 * (muon_flux(fhc, k) / total_f + muon_flux(rhc, k) / total_r) * (hi - lo) / width;
      if (!(mass > 0)) continue;
      sum += mass;
      pieces_.push_back({k, lo, hi, mass});
      cumulative_.push_back(sum);
    }
    for (auto& p : pieces_)
      p.mass /= sum;
    for (auto& c : cumulative_)
      c /= sum;
  }
  bool empty() const { return pieces_.empty(); }

  struct Draw {
    double energy = 0, fhc_over_pdf = 0, rhc_over_pdf = 0; ///< flux density / proposal density
  };
  Draw draw(Rng& rng) const {
    const double u = rng.uniform();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    const auto& p = pieces_[std::min<std::size_t>(
        static_cast<std::size_t>(it - cumulative_.begin()), pieces_.size() - 1)];
    Draw d;
    d.energy = p.lo + (p.hi - p.lo) * rng.uniform();
    const double pdf = p.mass / (p.hi - p.lo);
    const double width = fhc_.high_edge(p.bin) - fhc_.low_edge(p.bin);
    d.fhc_over_pdf = muon_flux(fhc_, p.bin) / width / pdf;
    d.rhc_over_pdf = muon_flux(rhc_, p.bin) / width / pdf;
    return d;
  }

private:
  struct Piece {
    std::size_t bin;
    double lo, hi, mass;
  };
  const BnbFlux& fhc_;
  const BnbFlux& rhc_;
  std::vector<Piece> pieces_;
  std::vector<double> cumulative_;
};

/// One accepted event: its boosts, mode weights and its share of every observable bin.
struct EventRecord {
  double log_bg_heavy = 0, log_bg_mediator = 0, fhc = 0, rhc = 0;
  std::vector<double> share; ///< FHC E_ν^QE bins then 2020 cos θ bins (per unit weight)
};

void generate_events(const dark::DarkModelParams& params, const dark::UpscatterTarget& target,
                     double targets, Rng& rng, const TemplateSettings& settings,
                     const TemplateInputs& inputs, miniboone::PairResponse& scratch,
                     double weight_scale, std::vector<EventRecord>& out) {
  const dark::DarkEventGenerator generator(params, target, settings.angles);
  const double threshold = dark::threshold_energy(generator.vertex().m_heavy, target.mass);
  const EnergyProposal proposal(inputs.fhc, inputs.rhc, threshold);
  if (proposal.empty()) return;
  const dark::UniformSource uniform = [&rng] { return rng.uniform(); };
  const double prompt = scratch.decay_probability(0);
  const double per_event = targets * weight_scale / static_cast<double>(settings.events_per_target);
  const auto* zd = std::get_if<dark::DarkZdParams>(&params);
  for (long n = 0; n < settings.events_per_target; ++n) {
    const auto draw = proposal.draw(rng);
    const auto event = generator.generate(draw.energy, uniform);
    if (!event || !(event->weight_cm2 > 0)) continue;
    scratch.clear();
    scratch.add({event->positron, event->electron, event->beta_gamma_heavy, 1.0}, 0.0);
    const auto& h = scratch.histograms();
    if (!(h.accepted > 0)) continue;
    EventRecord r;
    const double w = event->weight_cm2 * per_event / prompt; // P_decay is applied per call
    r.fhc = w * draw.fhc_over_pdf;
    r.rhc = w * draw.rhc_over_pdf;
    r.log_bg_heavy = std::log(event->beta_gamma_heavy);
    if (zd) r.log_bg_mediator = std::log(dark::momentum(event->mediator) / zd->m_ZD);
    r.share.reserve(h.enu_qe.size() + h.costheta_2020.size());
    r.share.insert(r.share.end(), h.enu_qe.begin(), h.enu_qe.end());
    r.share.insert(r.share.end(), h.costheta_2020.begin(), h.costheta_2020.end());
    out.push_back(std::move(r));
  }
}

BoostAxis axis_around(const std::vector<EventRecord>& events, double EventRecord::*member,
                      int bins) {
  if (events.empty()) return {0, 0, 1};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& e : events) {
    lo = std::min(lo, e.*member);
    hi = std::max(hi, e.*member);
  }
  const double pad = 1e-9 + 1e-6 * (hi - lo); // keep the extremes inside
  return {lo - pad, hi + pad, bins};
}

} // namespace

TemplatePoint build_template_point(const MassGrid& grid, std::size_t index,
                                   const TemplateSettings& settings, const TemplateInputs& inputs) {
  const auto [m_heavy, m_mediator] = grid.masses(index);
  const auto params = reference_params(grid.model, m_heavy, m_mediator);
  const double weight_scale = 1.0 / production_coupling_sq(params); // per unit C²
  miniboone::ResponseOptions response = inputs.response;
  response.rules = settings.rings;
  if (settings.selection == PairSelection::single_shower) {
    response.rules.max_opening_angle_deg = 180; // every pair overlaps: one ring of both particles
    response.rules.apply_mass_cut = false;
  }
  miniboone::PairResponse scratch(response, inputs.inputs);
  const auto targets = miniboone::ch2_targets();
  std::vector<EventRecord> events;
  const std::array<std::pair<dark::UpscatterTarget, double>, 2> target_list{
      {{dark::carbon12_coherent(), targets.carbon_nuclei},
       {dark::free_proton(), targets.free_protons}}};
  for (std::size_t t = 0; t < target_list.size(); ++t) {
    Rng rng(settings.seed, StreamPurpose::user, 2 * static_cast<std::uint64_t>(index) + t);
    generate_events(params, target_list[t].first, target_list[t].second, rng, settings, inputs,
                    scratch, weight_scale, events);
  }

  TemplatePoint point;
  const bool zd = grid.model == DarkModelKind::dark_zd;
  point.heavy_boost = axis_around(events, &EventRecord::log_bg_heavy, settings.boost_bins);
  point.mediator_boost =
      zd ? axis_around(events, &EventRecord::log_bg_mediator, settings.boost_bins)
         : BoostAxis{0, 0, 1};
  if (!zd) {
    const auto& zp = std::get<dark::HeavyZprimeParams>(params);
    point.width_per_coupling = dark::width_nu4_to_nu_ee(zp) / three_body_coupling_sq(zp);
  }
  const ObservableLayout& layout = inputs.layout;
  point.counts.assign(point.cells() * layout.size(), 0.0);
  for (const auto& e : events) {
    const auto cell = static_cast<std::size_t>(point.heavy_boost.bin(e.log_bg_heavy)) *
                          static_cast<std::size_t>(point.mediator_boost.bins) +
                      static_cast<std::size_t>(point.mediator_boost.bin(e.log_bg_mediator));
    double* c = point.counts.data() + cell * layout.size();
    for (std::size_t b = 0; b < layout.enu_bins; ++b) {
      c[layout.fhc_enu() + b] += e.fhc * e.share[b];
      c[layout.rhc_enu() + b] += e.rhc * e.share[b];
    }
    for (std::size_t b = 0; b < layout.cos_bins; ++b)
      c[layout.fhc_cos() + b] += e.fhc * e.share[layout.enu_bins + b];
  }
  return point;
}

namespace {
constexpr std::size_t kHeader = 7;
}

std::size_t packed_size(DarkModelKind model, const TemplateSettings& settings,
                        const ObservableLayout& layout) {
  const auto b = static_cast<std::size_t>(settings.boost_bins);
  const std::size_t cells =
      model == DarkModelKind::dark_zd ? b * b : b; // heavy-zprime: no Z_D axis
  return kHeader + cells * layout.size();
}

std::vector<double> pack(const TemplatePoint& p) {
  std::vector<double> out{
      p.heavy_boost.log_lo,    p.heavy_boost.log_hi,    static_cast<double>(p.heavy_boost.bins),
      p.mediator_boost.log_lo, p.mediator_boost.log_hi, static_cast<double>(p.mediator_boost.bins),
      p.width_per_coupling};
  out.insert(out.end(), p.counts.begin(), p.counts.end());
  return out;
}

TemplatePoint unpack(std::span<const double> packed, const ObservableLayout& layout) {
  if (packed.size() < kHeader) throw std::runtime_error("dark template: truncated record");
  TemplatePoint p;
  const auto bins = [](double x) {
    if (!(x >= 1 && x <= 1e4 && x == std::floor(x)))
      throw std::runtime_error("dark template: bad bin count");
    return static_cast<int>(x);
  };
  p.heavy_boost = {packed[0], packed[1], bins(packed[2])};
  p.mediator_boost = {packed[3], packed[4], bins(packed[5])};
  p.width_per_coupling = packed[6];
  const std::size_t n = p.cells() * layout.size();
  if (packed.size() < kHeader + n)
    throw std::runtime_error("dark template: record shorter than its bins");
  p.counts.assign(packed.begin() + kHeader,
                  packed.begin() + static_cast<std::ptrdiff_t>(kHeader + n));
  return p;
}

TemplateSet build_templates(const MassGrid& grid, const TemplateSettings& settings,
                            const TemplateInputs& inputs, const Communicator& comm) {
  const std::size_t ranks = static_cast<std::size_t>(comm.size()),
                    rank = static_cast<std::size_t>(comm.rank());
  const std::size_t per_rank = (grid.size() + ranks - 1) / ranks,
                    stride = packed_size(grid.model, settings, inputs.layout);
  // Every rank sends the same length: its points, zero-padded (an all-zero record is "absent"),
  // then whether SIGTERM/SIGUSR1 stopped it (a build can take minutes: stop between points).
  const std::size_t block = per_rank * stride + 1;
  std::vector<double> mine(block, 0.0);
  for (std::size_t slot = 0; slot < per_rank; ++slot) {
    const std::size_t index = slot * ranks + rank;
    if (index >= grid.size()) break;
    if (checkpoint_signal_received()) {
      mine.back() = 1;
      break;
    }
    const auto packed = pack(build_template_point(grid, index, settings, inputs));
    std::copy(packed.begin(), packed.end(),
              mine.begin() + static_cast<std::ptrdiff_t>(slot * stride));
  }
  const std::vector<double> all = comm.allgather(mine);
  for (std::size_t r = 0; r < ranks; ++r)
    if (all[r * block + block - 1] != 0) throw StoppedBySignal(); // nothing cached
  TemplateSet set{grid, inputs.layout, {}};
  set.points.resize(grid.size());
  for (std::size_t index = 0; index < grid.size(); ++index) {
    const std::size_t r = index % ranks, slot = index / ranks;
    const std::size_t offset = r * block + slot * stride;
    set.points[index] = unpack(std::span(all).subspan(offset, stride), inputs.layout);
  }
  return set;
}

} // namespace nubayes::darkfit
