#include "lsnd.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace nubayes::lsnd {

namespace fs = std::filesystem;

namespace {

// ---- Kopp's model of the LSND prediction (koppj/nu-osc 0-code/LSND_v6.h) ---------------------

constexpr double kLmin = 25.85, kLmax = 34.15; // m: the detector's extent along the beam
constexpr double kDifScale = 1e-3; // decay-in-flight flux relative to the DAR table (his code)
constexpr double kEvPerMeV = 1e6;  // his energies are in eV: ∫dE carries this factor
constexpr double kRecoMin = 18.707, kRecoMax = 58.707; // MeV: E_ν window of 20 < E_e < 60 MeV
constexpr double kEnergyScale = 0.975;                 // E_reco scale in his resolution function
constexpr double kResolution = 1.51515; // erf argument κ (E − s E_r)/√E: σ_E = √E/(κ√2) MeV

/// His ν̄e p → e⁺ n cross section (arbitrary overall units; only the shape matters here).
double ibd_cross_section(double e) {
  constexpr double alpha = 5.85624, beta = -13.462, gamma = -42.137;
  constexpr double delta = 1.293, nucleon = 938.92, sigma0 = 0.01604e-7;
  if (e < delta) return 0;
  const double excess = e - delta;
  return sigma0 * (alpha + beta * delta / nucleon + gamma * excess / nucleon) * excess * excess;
}

/// Probability that an event of true energy e [MeV] at distance L [m] is reconstructed in the
/// L/E bin [x_lo, x_hi] and in the energy window.
double reco_probability(double L, double e, double x_lo, double x_hi) {
  const double e_lo = std::clamp(L / x_hi, kRecoMin, kRecoMax);
  const double e_hi = std::clamp(L / x_lo, kRecoMin, kRecoMax);
  const double scale = kResolution / std::sqrt(e);
  return 0.5 * (std::erf(scale * (e - kEnergyScale * e_lo)) -
                std::erf(scale * (e - kEnergyScale * e_hi)));
}

// 4-point Gauss–Legendre on [−1, 1]: nodes ±a, ±b with weights wa, wb.
constexpr double kGaussA = 0.3399810435848563, kGaussB = 0.8611363115940526;
constexpr double kWeightA = 0.6521451548625461, kWeightB = 0.3478548451374538;
constexpr std::array<double, 4> kGaussNodes{-kGaussB, -kGaussA, kGaussA, kGaussB};
constexpr std::array<double, 4> kGaussWeights{kWeightB, kWeightA, kWeightA, kWeightB};

/// The true-L/E cells of the response: events outside 0.30–2.00 m/MeV are < 1e-4 of the total.
constexpr double kCellLo = 0.30, kCellHi = 2.00, kCellWidth = 0.01;
constexpr std::size_t kLengthPanels = 16; // × 4 Gauss nodes over [L_min, L_max]

// ---- reading ------------------------------------------------------------------------------------

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

/// The file line of data row `row` (0-based; blank and '#' lines are not rows): read_table
/// checks the layout, the checks on values here report the line through this.
std::size_t line_of_row(const fs::path& path, std::size_t row) {
  std::ifstream in(path);
  std::size_t line = 0, seen = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    const auto first = text.find_first_not_of(" \t\r\f\v");
    if (first == std::string::npos || text[first] == '#') continue;
    if (seen++ == row) return line;
  }
  return 0;
}

[[noreturn]] void fail_row(const fs::path& path, std::size_t row, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line_of_row(path, row)) + ": " +
                           what);
}

void hash_values(std::uint64_t& hash, std::span<const double> values) {
  for (double v : values) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int byte = 0; byte < 8; ++byte, bits >>= 8) {
      hash ^= bits & 0xffu;
      hash *= 0x100000001b3ull; // FNV-1a
    }
  }
}

double poisson_deviance_term(double n, double mu) {
  return mu - n + (n > 0 ? n * std::log(n / mu) : 0.0);
}

/// Shortest text that reads back as the same double (for fingerprints).
std::string shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, result.ptr};
}

} // namespace

std::array<Bin, kBins> read_bins(const fs::path& path) {
  const Table t = read_table(path, 7);
  expect_rows(t, kBins, path, "L/E bins");
  std::array<Bin, kBins> bins{};
  for (std::size_t i = 0; i < kBins; ++i) {
    const auto r = t.row(i);
    Bin& b = bins[i];
    b = {r[0], r[1], r[2], r[3], r[4], r[5], r[6]};
    if (!(b.x_lo >= 0 && b.x_lo < b.x_hi)) fail_row(path, i, "L/E edges must satisfy 0 <= lo < hi");
    if (i > 0 && b.x_lo != bins[i - 1].x_hi)
      fail_row(path, i, "L/E bins must be contiguous (lo = previous hi)");
    if (!(b.background >= 0 && b.beam_off >= 0 && b.intrinsic >= 0))
      fail_row(path, i, "background, beam-off and intrinsic counts must be >= 0");
    if (!(b.background + b.beam_off > 0))
      fail_row(path, i, "background + beam-off must be > 0 (the prediction's floor)");
    if (!(b.efficiency > 0)) fail_row(path, i, "eff must be > 0");
    if (!(b.beam_on() >= 0)) fail_row(path, i, "beam-on = data + no_beam must be >= 0");
  }
  return bins;
}

FluxTable::FluxTable(const fs::path& path, std::size_t rows) {
  const Table t = read_table(path, 2);
  expect_rows(t, rows, path);
  if (t.rows() < 2) fail(path, "a flux table needs at least 2 rows");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    energy_.push_back(t.row(i)[0]);
    flux_.push_back(t.row(i)[1]);
    if (i > 0 && !(energy_[i] > energy_[i - 1])) fail_row(path, i, "energies must increase");
    if (!(flux_[i] >= 0)) fail_row(path, i, "flux must be >= 0");
  }
}

double FluxTable::operator()(double energy) const {
  if (energy < energy_.front() || energy > energy_.back()) return 0;
  const auto hi = std::upper_bound(energy_.begin(), energy_.end(), energy);
  if (hi == energy_.end()) return flux_.back();
  const std::size_t j = static_cast<std::size_t>(hi - energy_.begin());
  const double f = (energy - energy_[j - 1]) / (energy_[j] - energy_[j - 1]);
  return flux_[j - 1] + f * (flux_[j] - flux_[j - 1]);
}

double Response::total() const {
  double sum = 0;
  for (double v : events)
    sum += v;
  return sum;
}

Response full_transmutation_response(std::span<const Bin, kBins> bins, const FluxTable& dar,
                                     const FluxTable& dif) {
  // Kopp's ν̄μ flux: DAR (zero above its table) plus 10⁻³ × DIF.
  const auto flux = [&](double e) { return dar(e) + kDifScale * dif(e); };
  const auto cells = static_cast<std::size_t>(std::lround((kCellHi - kCellLo) / kCellWidth));
  Response r;
  for (std::size_t c = 0; c <= cells; ++c)
    r.cell_edges.push_back(kCellLo + kCellWidth * static_cast<double>(c));
  r.events.assign(kBins * cells, 0.0);

  // Substituting E = L/x (dE = L/x² dx) integrates each true-L/E cell directly.
  const double panel = (kLmax - kLmin) / kLengthPanels;
  const double norm = kEvPerMeV / (1 / kLmin - 1 / kLmax);
  for (std::size_t p = 0; p < kLengthPanels; ++p)
    for (std::size_t gl = 0; gl < 4; ++gl) {
      const double L = kLmin + panel * (static_cast<double>(p) + 0.5 * (1 + kGaussNodes[gl]));
      const double wl = 0.5 * panel * kGaussWeights[gl];
      for (std::size_t c = 0; c < cells; ++c)
        for (std::size_t gx = 0; gx < 4; ++gx) {
          const double x = r.cell_edges[c] + 0.5 * kCellWidth * (1 + kGaussNodes[gx]);
          const double wx = 0.5 * kCellWidth * kGaussWeights[gx];
          const double e = L / x;
          const double rate = flux(e) * ibd_cross_section(e) / (L * L) * (L / (x * x));
          if (rate == 0) continue;
          for (std::size_t i = 0; i < kBins; ++i)
            r.events[i * cells + c] += norm * wl * wx * bins[i].efficiency * rate *
                                       reco_probability(L, e, bins[i].x_lo, bins[i].x_hi);
        }
    }
  return r;
}

// ---- Lsnd ---------------------------------------------------------------------------------------

Lsnd::Lsnd(const Options& options) : options_(options) {
  if (!(options_.rate_error > 0 && options_.norm_error >= 0))
    throw std::invalid_argument("lsnd: rate error must be > 0 and norm error >= 0");
  const fs::path dir = options_.inputs / "lsnd";
  const fs::path bins_path = dir / "lsnd_LoverE_11bins_transcribed.txt";
  bins_ = read_bins(bins_path);
  // Rows of the published tables: a shorter file is a truncated one.
  const FluxTable dar(dir / "DAR_mubar.dat", 53), dif(dir / "DIF_mubar.dat", 250);

  data_hash_ = 0xcbf29ce484222325ull;
  for (const Bin& b : bins_)
    hash_values(data_hash_, std::array{b.x_lo, b.x_hi, b.excess, b.background, b.beam_off,
                                       b.intrinsic, b.efficiency});
  hash_values(data_hash_, dar.values());
  hash_values(data_hash_, dif.values());

  const Response response = full_transmutation_response(bins_, dar, dif);
  unscaled_total_ = response.total();
  if (!(unscaled_total_ > 0)) fail(dir, "the flux tables give no events in the L/E bins");
  const double scale = kFullTransmutation / unscaled_total_;
  const std::size_t cells = response.cell_edges.size() - 1;

  if (options_.resolution) {
    // Keep the cells that carry events, stored cell-major for the evaluation loop.
    for (std::size_t c = 0; c < cells; ++c) {
      double column = 0;
      for (std::size_t i = 0; i < kBins; ++i)
        column += response.events[i * cells + c];
      if (column <= 0) continue;
      cell_lo_.push_back(response.cell_edges[c]);
      cell_hi_.push_back(response.cell_edges[c + 1]);
      for (std::size_t i = 0; i < kBins; ++i)
        events_.push_back(scale * response.events[i * cells + c]);
    }
  } else {
    // One cell per reconstructed bin, holding that bin's events.
    for (std::size_t i = 0; i < kBins; ++i) {
      cell_lo_.push_back(bins_[i].x_lo);
      cell_hi_.push_back(bins_[i].x_hi);
      double row = 0;
      for (std::size_t c = 0; c < cells; ++c)
        row += response.events[i * cells + c];
      for (std::size_t j = 0; j < kBins; ++j)
        events_.push_back(j == i ? scale * row : 0.0);
    }
  }
  for (const Bin& b : bins_) {
    const double n = b.beam_on();
    saturated_ += (n > 0 ? n * std::log(n) : 0.0) - n - std::lgamma(n + 1);
  }
}

void Lsnd::signal(double sin2_2theta_mue, double dm2, std::span<double, kBins> out) const {
  std::fill(out.begin(), out.end(), 0.0);
  const double k = sterile3p1::wavenumber(dm2);
  for (std::size_t c = 0; c < cell_lo_.size(); ++c) {
    const double p = sterile3p1::mean_sin2(k, cell_lo_[c], cell_hi_[c]);
    const double* column = events_.data() + c * kBins;
    for (std::size_t i = 0; i < kBins; ++i)
      out[i] += column[i] * p;
  }
  for (double& s : out)
    s *= sin2_2theta_mue;
}

double Lsnd::profile_deviance(std::span<const double, kBins> t, double* best_lambda) const {
  // D(λ) is convex: D' = 2 Σ t (1 − n/μ) increases from D'(0) to 2 Σ t > 0. Find its root in
  // [0, λ_hi] (λ_hi = max n/t makes every μ >= n, so D'(λ_hi) >= 0) by Newton steps kept
  // inside a shrinking bracket (bisection when a step would leave it).
  const auto slope = [&](double lambda, double& curvature) {
    double d1 = 0, d2 = 0;
    for (std::size_t i = 0; i < kBins; ++i) {
      const double n = bins_[i].beam_on();
      const double mu = lambda * t[i] + bins_[i].background + bins_[i].beam_off;
      d1 += t[i] * (1 - n / mu);
      d2 += n * t[i] * t[i] / (mu * mu);
    }
    curvature = d2;
    return d1;
  };
  double lo = 0, hi = 0, curvature = 0;
  for (std::size_t i = 0; i < kBins; ++i)
    if (t[i] > 0) hi = std::max(hi, bins_[i].beam_on() / t[i]);
  double lambda = 0;
  if (hi > 0 && slope(0, curvature) < 0) {
    lambda = std::min(1.0, hi);
    for (int iter = 0; iter < 100; ++iter) {
      const double d1 = slope(lambda, curvature);
      (d1 < 0 ? lo : hi) = lambda;
      double next = curvature > 0 ? lambda - d1 / curvature : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      const bool done = std::abs(next - lambda) <= 1e-12 * (1 + lambda);
      lambda = next;
      if (done || hi - lo <= 1e-14 * (1 + hi)) break;
    }
  }
  double deviance = 0;
  for (std::size_t i = 0; i < kBins; ++i)
    deviance += poisson_deviance_term(bins_[i].beam_on(),
                                      lambda * t[i] + bins_[i].background + bins_[i].beam_off);
  if (best_lambda != nullptr) *best_lambda = lambda;
  return 2 * deviance;
}

double Lsnd::chi2(double sin2_2theta_mue, double dm2, double* best_lambda) const {
  std::array<double, kBins> s{};
  signal(sin2_2theta_mue, dm2, s);
  double total_signal = 0, total_intrinsic = 0;
  std::array<double, kBins> t{};
  for (std::size_t i = 0; i < kBins; ++i) {
    t[i] = s[i] + bins_[i].intrinsic;
    total_signal += s[i];
    total_intrinsic += bins_[i].intrinsic;
  }
  const double probability = total_signal / kFullTransmutation;
  const double spread = options_.norm_error * (total_signal + total_intrinsic) / kFullTransmutation;
  const double rate = (probability - kProbability) * (probability - kProbability) /
                      (options_.rate_error * options_.rate_error + spread * spread);
  return profile_deviance(t, best_lambda) + rate;
}

std::string Lsnd::fingerprint() const {
  std::ostringstream out;
  out << "lsnd resolution=" << (options_.resolution ? "true" : "false")
      << " rate_error=" << shortest(options_.rate_error)
      << " norm_error=" << shortest(options_.norm_error) << " data=" << std::hex << std::setw(16)
      << std::setfill('0') << data_hash_;
  return out.str();
}

} // namespace nubayes::lsnd

namespace nubayes {

namespace {

class LsndExperiment : public Experiment {
public:
  explicit LsndExperiment(const lsnd::Options& options) : lsnd_(options) {}
  std::string name() const override { return "lsnd"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    const auto [s, dm2] = two_flavour_equivalent(m.neutrinos, Flavour::mu, Flavour::e, kAveragedDm2);
    chi2 = lsnd_.chi2(s, dm2);
    return -chi2 / 2 + lsnd_.saturated_loglike();
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::e, "P(numubar->nuebar), decay at rest"}};
  }
  std::string pair_signal() const override {
    return "none: DAR numubar end at 52.8 MeV, at most 2.7 MeV above the up-scattering threshold "
           "(m_heavy >= 50 MeV), and the selection needs the neutron-capture gamma of inverse beta "
           "decay, which coherent up-scattering does not give";
  }
  std::string fingerprint() const override { return lsnd_.fingerprint(); }

private:
  lsnd::Lsnd lsnd_;
};

} // namespace

std::unique_ptr<Experiment> make_lsnd_experiment(const ModelOptions& data) {
  lsnd::Options options;
  options.resolution = data.flag("lsnd_resolution", true);
  options.rate_error = data.number_in("lsnd_rate_error", lsnd::kRateError, 0.0, 0.01);
  if (!(options.rate_error > 0))
    throw OptionError("lsnd_rate_error", "must be > 0 (it is the width of the rate prior)", "data");
  options.norm_error = data.number_in("lsnd_norm_error", lsnd::kNormError, 0.0, 1.0);
  return build_experiment("lsnd", [&] { return std::make_unique<LsndExperiment>(options); });
}

} // namespace nubayes
