#include "miniboone.h"

#include "cholesky_chi2.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

namespace {

// ---- the release files of each sample (paths under inputs/miniboone/) ----

/// A Monte-Carlo ntuple: its path under miniboone/ and its number of events (rows) in the
/// release, so that a truncated file is an error rather than a smaller signal template.
struct Ntuple {
  const char* path;
  std::size_t events;
};

struct ModeFiles {
  const char* dir; ///< νe/νμ vectors and bin edges
  const char* nue_data;
  const char* nue_bkg;
  const char* numu_data;
  const char* numu_pred;
  Ntuple ntuple; ///< the ν̄ ntuple depends on the fit
};

struct SampleFiles {
  std::vector<ModeFiles> modes; ///< ν mode first
  const char* covariance;
};

constexpr ModeFiles nu_mode(const char* dir, Ntuple ntuple) {
  return {dir,
          "miniboone_nuedata_lowe.txt",
          "miniboone_nuebgr_lowe.txt",
          "miniboone_numudata.txt",
          "miniboone_numu.txt",
          ntuple};
}

// Antineutrino-mode files did not change in 2020, so both releases read 2018/rhc.
// The ν̄-only fit uses the right-sign ν̄μ→ν̄e ntuple; the combined fits use the ntuple of the
// whole ν̄-mode beam (ν̄μ→ν̄e and wrong-sign νμ→νe), as the release's combined fit does.
constexpr ModeFiles nubar_mode(Ntuple ntuple) {
  return {"2018/rhc",
          "miniboone_nuebardata_lowe.txt",
          "miniboone_nuebarbgr_lowe.txt",
          "miniboone_numubardata.txt",
          "miniboone_numubar.txt",
          ntuple};
}

constexpr Ntuple kNu2018Ntuple{"2018/fhc/miniboone_numunuefullosc_ntuple.txt", 17204};
constexpr Ntuple kNu2020Ntuple{"2020/fhc/miniboone_numunuefullosc_ntuple.txt", 17204};
constexpr Ntuple kNubarRightSignNtuple{"2018/rhc/miniboone_numubarnuebarfullosc_ntuple.txt", 86403};
constexpr Ntuple kNubarBeamNtuple{"2018/combined/miniboone_nubarfullosc_ntuple.txt", 117949};

SampleFiles files_of(Sample sample) {
  switch (sample) {
  case Sample::nu2018:
    return {{nu_mode("2018/fhc", kNu2018Ntuple)},
            "2018/fhc/miniboone_full_fractcovmatrix_nu_lowe.txt"};
  case Sample::nubar2018:
    return {{nubar_mode(kNubarRightSignNtuple)},
            "2018/rhc/miniboone_full_fractcovmatrix_nubar_lowe.txt"};
  case Sample::combined2018:
    return {{nu_mode("2018/fhc", kNu2018Ntuple), nubar_mode(kNubarBeamNtuple)},
            "2018/combined/miniboone_full_fractcovmatrix_combined_lowe.txt"};
  case Sample::nu2020:
    return {{nu_mode("2020/fhc", kNu2020Ntuple)},
            "2020/fhc/miniboone_full_fractcovmatrix_nu_lowe.txt"};
  case Sample::combined2020:
    return {{nu_mode("2020/fhc", kNu2020Ntuple), nubar_mode(kNubarBeamNtuple)},
            "2020/combined/miniboone_full_fractcovmatrix_combined_lowe.txt"};
  }
  throw std::invalid_argument("unknown MiniBooNE sample");
}

constexpr std::array<std::pair<Sample, std::string_view>, 5> kSampleNames{{
    {Sample::nu2018, "nu-2018"},
    {Sample::nubar2018, "nubar-2018"},
    {Sample::combined2018, "combined-2018"},
    {Sample::nu2020, "nu-2020"},
    {Sample::combined2020, "combined-2020"},
}};

// ---- loading ----

/// FNV-1a over the bit patterns of every number read: the data part of the fingerprint.
void hash_values(std::uint64_t& hash, std::span<const double> values) {
  for (double v : values) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int byte = 0; byte < 8; ++byte, bits >>= 8) {
      hash ^= bits & 0xffu;
      hash *= 0x100000001b3ull;
    }
  }
}

struct Loader {
  fs::path root;
  std::uint64_t hash = 0xcbf29ce484222325ull;

  std::vector<double> counts(const fs::path& path, std::size_t n) {
    auto values = read_vector(path, n);
    check_non_negative(values, path);
    hash_values(hash, values);
    return values;
  }

  std::vector<double> edges(const fs::path& path) {
    auto values = read_vector(path, kNueBins + 1);
    for (std::size_t i = 0; i + 1 < values.size(); ++i)
      if (!(values[i] < values[i + 1]))
        throw std::runtime_error(path.string() + ": bin edges must increase (entry " +
                                 std::to_string(i + 2) + ")");
    hash_values(hash, values);
    return values;
  }

  Eigen::MatrixXd covariance(const fs::path& path, std::size_t n) {
    Eigen::MatrixXd f = read_matrix(path, n, n);
    check_symmetric(f, path, 1e-12);
    hash_values(hash, {f.data(), static_cast<std::size_t>(f.size())});
    return f;
  }

  Table ntuple(const fs::path& path, std::size_t events) {
    Table t = read_table(path, 4);
    expect_rows(t, events, path, "events");
    hash_values(hash, t.values);
    return t;
  }
};

// ---- small numerics ----

// Grid rotation steps between exact sin/cos evaluations (bounds the rounding drift).
constexpr int kReseedEvery = 64;

/// Reco bin of E_reco like numpy.histogram: [lo, hi) with the last bin closed; −1 outside.
int reco_bin(std::span<const double> edges, double e_reco) {
  if (!(e_reco >= edges.front() && e_reco <= edges.back())) return -1;
  const auto it = std::upper_bound(edges.begin(), edges.end(), e_reco);
  return std::min(static_cast<int>(it - edges.begin()) - 1, static_cast<int>(kNueBins) - 1);
}

} // namespace

// ---------------------------------------------------------------------------------------------

std::string_view sample_name(Sample sample) {
  for (const auto& [s, name] : kSampleNames)
    if (s == sample) return name;
  throw std::invalid_argument("unknown MiniBooNE sample");
}

Sample parse_sample(std::string_view name) {
  for (const auto& [s, n] : kSampleNames)
    if (n == name) return s;
  std::string accepted;
  for (const auto& entry : kSampleNames)
    accepted += (accepted.empty() ? "" : ", ") + std::string(entry.second);
  throw std::invalid_argument("unknown MiniBooNE sample '" + std::string(name) + "' (one of " +
                              accepted + ")");
}

std::string_view energy_range_name(EnergyRange range) {
  return range == EnergyRange::full ? "200-3000" : "200-1250";
}

EnergyRange parse_energy_range(std::string_view name) {
  if (name == "200-3000") return EnergyRange::full;
  if (name == "200-1250") return EnergyRange::low;
  throw std::invalid_argument("unknown MiniBooNE energy range '" + std::string(name) +
                              "' (200-3000 or 200-1250)");
}

// ---- OscillationTemplate --------------------------------------------------------------------

OscillationTemplate::OscillationTemplate(const Table& ntuple, std::span<const double> edges,
                                         std::size_t fine_bins, const std::string& source)
    : rows_(ntuple.rows()) {
  if (edges.size() != kNueBins + 1)
    throw std::invalid_argument("OscillationTemplate: need 12 edges");
  if (fine_bins == 0) throw std::invalid_argument("OscillationTemplate: fine_bins must be > 0");
  const double norm = 1.0 / static_cast<double>(rows_);
  for (std::size_t r = 0; r < rows_; ++r) {
    const auto row = ntuple.row(r);
    const double e_true = row[1], length_m = row[2] / 100, weight = row[3];
    if (!(e_true > 0 && length_m > 0 && weight >= 0))
      throw std::runtime_error(source + ": row " + std::to_string(r + 1) +
                               ": need E_true > 0, L > 0 and weight >= 0");
    const int bin = reco_bin(edges, row[0]);
    if (bin < 0) continue;
    bin_.push_back(static_cast<std::uint8_t>(bin));
    x_.push_back(length_m / e_true);
    w_.push_back(weight * norm);
    total_[bin] += weight * norm;
  }
  if (x_.empty()) throw std::runtime_error(source + ": no event inside the reco bins");
  weight_sum_ = std::accumulate(total_.begin(), total_.end(), 0.0);

  // Uniform grid over the events' x range: the oscillation phase is linear in x, so a uniform
  // grid keeps k·h (the series variable) the same everywhere.
  const auto [lo, hi] = std::minmax_element(x_.begin(), x_.end());
  grid_size_ = fine_bins;
  x0_ = *lo;
  h_ = std::max((*hi - *lo) / static_cast<double>(fine_bins), 1e-12 * *hi);

  // Cells: events sorted by (reco bin, grid index); one run of equal keys per cell.
  struct Entry {
    std::uint32_t key_bin, grid;
    double u, w;
  };
  std::vector<Entry> entries(x_.size());
  for (std::size_t e = 0; e < x_.size(); ++e) {
    const auto j = std::min(static_cast<std::size_t>((x_[e] - x0_) / h_), grid_size_ - 1);
    const double centre = x0_ + (static_cast<double>(j) + 0.5) * h_;
    entries[e] = {bin_[e], static_cast<std::uint32_t>(j), (x_[e] - centre) / (0.5 * h_), w_[e]};
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.key_bin != b.key_bin ? a.key_bin < b.key_bin : a.grid < b.grid;
  });
  std::vector<std::array<double, kMaxOrder + 1>> cell_moments;
  std::size_t bin = 0;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const Entry& en = entries[e];
    if (e == 0 || en.key_bin != entries[e - 1].key_bin || en.grid != entries[e - 1].grid) {
      while (bin <= en.key_bin)
        bin_begin_[bin++] = cell_grid_.size();
      cell_grid_.push_back(en.grid);
      cell_moments.push_back({});
    }
    double power = en.w; // w u^n
    for (int n = 0; n <= kMaxOrder; ++n, power *= en.u)
      cell_moments.back()[n] += power;
  }
  while (bin <= kNueBins)
    bin_begin_[bin++] = cell_grid_.size();

  const std::size_t ncells = cell_grid_.size();
  moments_.resize((kMaxOrder + 1) * ncells);
  for (std::size_t c = 0; c < ncells; ++c)
    for (int n = 0; n <= kMaxOrder; ++n)
      moments_[n * ncells + c] = cell_moments[c][n];

  sin_.resize(grid_size_);
  cos_.resize(grid_size_);
  even_.resize(ncells);
  odd_.resize(ncells);
}

int OscillationTemplate::order_for(double k) const {
  // Remainder of the series for e^{i t u}, |u| <= 1, after order n: |t|^{n+1}/(n+1)!, so the
  // total error of the sums is at most ½ Σw t^{n+1}/(n+1)!.
  const double t = std::abs(k) * h_;
  double term = 0.5 * weight_sum_ * t; // ½ Σw t^{n+1}/(n+1)! for n = 0
  for (int n = 0; n <= kMaxOrder; ++n) {
    if (term <= kTolerance) return n;
    term *= t / (n + 2);
  }
  return -1;
}

void OscillationTemplate::fill_grid(double k) const {
  // sin, cos of k m_j by rotation through k h, restarted from the exact value every
  // kReseedEvery steps so rounding cannot accumulate.
  const double step_cos = std::cos(k * h_), step_sin = std::sin(k * h_);
  for (std::size_t start = 0; start < grid_size_; start += kReseedEvery) {
    const double phase = k * (x0_ + (static_cast<double>(start) + 0.5) * h_);
    double c = std::cos(phase), s = std::sin(phase);
    const std::size_t stop = std::min(start + kReseedEvery, grid_size_);
    for (std::size_t j = start; j < stop; ++j) {
      sin_[j] = s;
      cos_[j] = c;
      const double next_c = c * step_cos - s * step_sin;
      s = s * step_cos + c * step_sin;
      c = next_c;
    }
  }
}

void OscillationTemplate::sin2_sums(double k, std::span<double> out) const {
  if (out.size() != kNueBins) throw std::invalid_argument("sin2_sums: need 11 outputs");
  const int order = order_for(k);
  if (order < 0) return sin2_sums_exact(k, out);
  fill_grid(k);

  // E and O per cell: ½ Σ sign_n (kh)^n/n! ν_n over even / odd n >= 1, signs + + − − by n mod 4.
  const std::size_t ncells = cell_grid_.size();
  std::fill(even_.begin(), even_.end(), 0.0);
  std::fill(odd_.begin(), odd_.end(), 0.0);
  const double t = k * h_;
  double coefficient = 0.5; // ½ t^n / n!
  for (int n = 1; n <= order; ++n) {
    coefficient *= t / n;
    const double signed_coefficient = (n % 4 == 1 || n % 4 == 2) ? coefficient : -coefficient;
    double* acc = (n % 2 == 1) ? odd_.data() : even_.data();
    const double* mu = moments_.data() + n * ncells;
    for (std::size_t c = 0; c < ncells; ++c)
      acc[c] += signed_coefficient * mu[c];
  }

  // S_i = Σ_cells ν_0 sin²(k m) + cos(2k m) E + sin(2k m) O
  const double* mu0 = moments_.data();
  for (std::size_t i = 0; i < kNueBins; ++i) {
    double sum = 0;
    for (std::size_t c = bin_begin_[i]; c < bin_begin_[i + 1]; ++c) {
      const double s = sin_[cell_grid_[c]], co = cos_[cell_grid_[c]];
      const double sin_sq = s * s;
      sum += mu0[c] * sin_sq + (1 - 2 * sin_sq) * even_[c] + 2 * s * co * odd_[c];
    }
    out[i] = sum;
  }
}

void OscillationTemplate::sin2_sums_exact(double k, std::span<double> out) const {
  if (out.size() != kNueBins) throw std::invalid_argument("sin2_sums_exact: need 11 outputs");
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t e = 0; e < x_.size(); ++e) {
    const double s = std::sin(k * x_[e]);
    out[bin_[e]] += w_[e] * s * s;
  }
}

// ---- Appearance ------------------------------------------------------------------------------

Appearance::Appearance(const Options& options) : sample_(options.sample), range_(options.range) {
  const SampleFiles files = files_of(sample_);
  Loader load{options.inputs / "miniboone"};
  const std::size_t nmodes = files.modes.size();

  for (const ModeFiles& mf : files.modes) {
    const fs::path dir = load.root / mf.dir;
    const auto edges = load.edges(dir / "miniboone_binboundaries_nue_lowe.txt");
    if (edges_.empty()) edges_ = edges;
    if (edges != edges_)
      throw std::runtime_error((dir / "miniboone_binboundaries_nue_lowe.txt").string() +
                               ": bin edges differ from the other beam mode's");
    const fs::path ntuple = load.root / mf.ntuple.path;
    modes_.push_back(
        {load.counts(dir / mf.nue_data, kNueBins), load.counts(dir / mf.nue_bkg, kNueBins),
         load.counts(dir / mf.numu_data, kNumuBins), load.counts(dir / mf.numu_pred, kNumuBins),
         OscillationTemplate(load.ntuple(ntuple, mf.ntuple.events), edges_, options.fine_bins, ntuple.string())});
  }
  fractional_ = load.covariance(load.root / files.covariance, kModeBlock * nmodes);
  data_hash_ = load.hash;

  // χ² bins, per mode: νe bins (background + signal entries of v), then νμ bins. The 200–1250 MeV
  // range drops the last two νe bins of each mode: their rows and columns of the collapsed matrix.
  const std::size_t nue_kept = range_ == EnergyRange::full ? kNueBins : kLowNueBins;
  v_.resize(static_cast<Eigen::Index>(kModeBlock * nmodes));
  for (std::size_t m = 0; m < nmodes; ++m) {
    const Mode& mode = modes_[m];
    const int base = static_cast<int>(kModeBlock * m);
    for (std::size_t i = 0; i < kNueBins; ++i) {
      v_[base + i] = 0; // signal, filled per call
      v_[base + kNueBins + i] = mode.nue_bkg[i];
    }
    for (std::size_t i = 0; i < kNumuBins; ++i)
      v_[base + 2 * kNueBins + i] = mode.numu_pred[i];
    for (std::size_t i = 0; i < nue_kept; ++i)
      bins_.push_back(
          {base + static_cast<int>(kNueBins + i), base + static_cast<int>(i), mode.nue_data[i]});
    for (std::size_t i = 0; i < kNumuBins; ++i)
      bins_.push_back({base + static_cast<int>(2 * kNueBins + i), -1, mode.numu_data[i]});
  }
  const auto n = static_cast<Eigen::Index>(bins_.size());
  m_.setZero(n, n); // only the lower triangle is written per call
  r_.resize(n);     // llt_ needs no sizing: its storage is fixed at kMaxBins² inside the object
}

void Appearance::check_size(std::span<const double> signal) const {
  if (signal.size() != signal_size())
    throw std::invalid_argument("MiniBooNE " + std::string(sample_name(sample_)) +
                                ": signal needs " + std::to_string(signal_size()) +
                                " values, got " + std::to_string(signal.size()));
}

void Appearance::check_signal(std::span<const double> signal) const {
  check_size(signal);
  for (std::size_t i = 0; i < signal.size(); ++i)
    if (!(signal[i] >= 0 && std::isfinite(signal[i])))
      throw std::invalid_argument("MiniBooNE " + std::string(sample_name(sample_)) + ": signal[" +
                                  std::to_string(i) + "] = " + std::to_string(signal[i]) +
                                  " is not a finite non-negative number of events");
}

double Appearance::chi2(std::span<const double> signal) const {
  check_signal(signal);
  for (std::size_t m = 0; m < modes(); ++m)
    for (std::size_t i = 0; i < kNueBins; ++i)
      v_[static_cast<Eigen::Index>(kModeBlock * m + i)] = signal[kNueBins * m + i];

  // Collapsed covariance, lower triangle: M_ab = Σ_{j∈a, l∈b} F_jl v_j v_l (j, l over the main and
  // signal entries of each bin), plus the signal's Poisson variance on the νe diagonal.
  const auto n = static_cast<Eigen::Index>(bins_.size());
  for (Eigen::Index a = 0; a < n; ++a) {
    const Bin& ba = bins_[a];
    for (Eigen::Index b = 0; b <= a; ++b) {
      const Bin& bb = bins_[b];
      auto row_sum = [&](int j) {
        double s = fractional_(j, bb.main) * v_[bb.main];
        if (bb.signal >= 0) s += fractional_(j, bb.signal) * v_[bb.signal];
        return s * v_[j];
      };
      double value = row_sum(ba.main);
      if (ba.signal >= 0) value += row_sum(ba.signal);
      m_(a, b) = value;
    }
    if (ba.signal >= 0) m_(a, a) += v_[ba.signal];
    r_[a] = ba.observed - v_[ba.main] - (ba.signal >= 0 ? v_[ba.signal] : 0.0);
  }

  return cholesky_chi2(llt_, m_, r_); // reads the lower triangle only
}

double Appearance::log_det() const {
  return cholesky_log_det(llt_);
}

void Appearance::scaled_sums(SumsFunction sums, double dm2, double sin2_2theta_mue,
                             std::span<double> signal) const {
  check_size(signal);
  const double k = sterile3p1::wavenumber(dm2);
  for (std::size_t m = 0; m < modes(); ++m) {
    const auto out = signal.subspan(kNueBins * m, kNueBins);
    (modes_[m].mc.*sums)(k, out);
    for (double& s : out)
      s *= sin2_2theta_mue;
  }
}

void Appearance::oscillation_signal(double dm2, double sin2_2theta_mue,
                                    std::span<double> signal) const {
  scaled_sums(&OscillationTemplate::sin2_sums, dm2, sin2_2theta_mue, signal);
}

void Appearance::oscillation_signal(const NeutrinoSector& params, std::span<double> signal) const {
  const Transition t = transition(params, Flavour::mu, Flavour::e);
  if (t.oscillates()) {
    oscillation_signal(params.dm2_41, t.amplitude, signal);
    return;
  }
  // No oscillation in L/E: the same fraction of the full-transmutation sample in every bin.
  full_transmutation(signal);
  for (double& s : signal)
    s *= t.constant;
}

void Appearance::oscillation_signal_exact(double dm2, double sin2_2theta_mue,
                                          std::span<double> signal) const {
  scaled_sums(&OscillationTemplate::sin2_sums_exact, dm2, sin2_2theta_mue, signal);
}

void Appearance::full_transmutation(std::span<double> signal) const {
  check_size(signal);
  for (std::size_t m = 0; m < modes(); ++m) {
    const auto total = modes_[m].mc.full_transmutation();
    std::copy(total.begin(), total.end(),
              signal.begin() + static_cast<std::ptrdiff_t>(kNueBins * m));
  }
}

std::vector<Observable> Appearance::observables(std::span<const double> signal, const std::string& prefix) const {
  check_size(signal);
  std::vector<Observable> out;
  for (std::size_t m = 0; m < modes_.size(); ++m) {
    // Only the 2018 nubar-only sample starts with its antineutrino mode.
    const bool nubar = sample_ == Sample::nubar2018 || m == 1;
    Observable o;
    o.name = prefix + (nubar ? " nubar" : " nu");
    o.axis = "E_nu^QE [MeV]";
    o.edges = edges_;
    o.data = modes_[m].nue_data;
    o.background = modes_[m].nue_bkg;
    o.prediction.assign(signal.begin() + static_cast<std::ptrdiff_t>(m * kNueBins),
                        signal.begin() + static_cast<std::ptrdiff_t>((m + 1) * kNueBins));
    out.push_back(std::move(o));
  }
  return out;
}

std::string Appearance::fingerprint() const {
  std::ostringstream out;
  out << "miniboone-appearance sample=" << sample_name(sample_)
      << " range=" << energy_range_name(range_) << " data=" << std::hex << std::setw(16)
      << std::setfill('0') << data_hash_;
  return out.str();
}

} // namespace nubayes::miniboone
