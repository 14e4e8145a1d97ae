#include "reactor.h"

#include "parse_number.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>


namespace nubayes::reactor {

namespace fs = std::filesystem;

namespace {

/// ln S(E) = Σ_k a_k E^k per isotope [ν̄ / fission / MeV]: Huber 2011 (PRC 84, 024617, table III)
/// for ²³⁵U, ²³⁹Pu, ²⁴¹Pu; Mueller et al. 2011 (PRC 83, 054615, table VI) for ²³⁸U.
constexpr std::array<double, 6> kU235{4.367, -4.577, 2.100, -0.5294, 0.06186, -0.002777};
constexpr std::array<double, 6> kU238{0.4833, 0.1927, -0.1283, -0.006762, 0.002233, -0.0001536};
constexpr std::array<double, 6> kPu239{4.757, -5.392, 2.563, -0.6596, 0.07820, -0.003536};
constexpr std::array<double, 6> kPu241{2.990, -2.882, 1.278, -0.3343, 0.03905, -0.001754};

double exp_polynomial(const std::array<double, 6>& a, double e) {
  double sum = 0;
  for (auto it = a.rbegin(); it != a.rend(); ++it)
    sum = sum * e + *it;
  return std::exp(sum);
}

// Below this, the chance that an event lands in a bin is dropped (its effect on any average is
// below 1e-9).
constexpr double kNegligibleProbability = 1e-10;

// k h beyond which OscillationAverage returns ½ (the Nyquist wavenumber of its grid, where the
// cloud-in-cell window sinc²(kh) is still 0.41).
constexpr double kNyquist = std::numbers::pi / 2;

// Rotation steps between exact cos/sin evaluations (bounds the rounding drift of the recurrence).
constexpr std::size_t kReseedEvery = 64;

/// sinc²(t), accurate near 0.
double sinc_squared(double t) {
  const double sinc = 1 - sterile3p1::one_minus_sinc(t);
  return sinc * sinc;
}

/// P(a < X < b) for X ~ N(mu, sigma); a step function when sigma = 0.
double gaussian_bin(double mu, double sigma, double a, double b) {
  if (sigma <= 0) return (mu >= a && mu < b) ? 1.0 : 0.0;
  const double s = std::numbers::sqrt2 * sigma;
  return 0.5 * (std::erf((b - mu) / s) - std::erf((a - mu) / s));
}

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

} // namespace

double ibd_spectrum(const FissionFractions& f, double e_nu) {
  const double e_positron = e_nu - kNeutronProtonDelta; // total positron energy
  if (e_positron <= kElectronMass) return 0;
  const double p_positron = std::sqrt(e_positron * e_positron - kElectronMass * kElectronMass);
  const double flux = f.u235 * exp_polynomial(kU235, e_nu) + f.u238 * exp_polynomial(kU238, e_nu) +
                      f.pu239 * exp_polynomial(kPu239, e_nu) +
                      f.pu241 * exp_polynomial(kPu241, e_nu);
  return flux * e_positron * p_positron;
}

std::vector<Point> cylinder_points(double radius, double height, Point centre, int rings,
                                   int sectors, int layers) {
  std::vector<Point> out;
  out.reserve(static_cast<std::size_t>(rings) * sectors * layers);
  for (int i = 0; i < rings; ++i) {
    // equal-area rings: the midpoint in r² of ring i
    const double r = radius * std::sqrt((i + 0.5) / rings);
    for (int j = 0; j < sectors; ++j) {
      const double phi = 2 * std::numbers::pi * (j + 0.5) / sectors;
      for (int k = 0; k < layers; ++k)
        out.push_back({centre.x + r * std::cos(phi), centre.y + r * std::sin(phi),
                       centre.z + height * ((k + 0.5) / layers - 0.5)});
    }
  }
  return out;
}

std::vector<Point> box_points(Point size, Point centre, std::array<int, 3> counts) {
  const auto at = [](double side, int i, int n) { return side * ((i + 0.5) / n - 0.5); };
  std::vector<Point> out;
  out.reserve(static_cast<std::size_t>(counts[0]) * counts[1] * counts[2]);
  for (int i = 0; i < counts[0]; ++i)
    for (int j = 0; j < counts[1]; ++j)
      for (int k = 0; k < counts[2]; ++k)
        out.push_back({centre.x + at(size.x, i, counts[0]), centre.y + at(size.y, j, counts[1]),
                       centre.z + at(size.z, k, counts[2])});
  return out;
}

std::vector<Baseline> baseline_distribution(std::span<const Point> source,
                                            std::span<const Point> detector, double step) {
  if (source.empty() || detector.empty() || !(step > 0))
    throw std::invalid_argument("baseline_distribution: empty volume or step <= 0");
  std::vector<double> lengths;
  lengths.reserve(source.size() * detector.size());
  for (const Point& s : source)
    for (const Point& d : detector)
      lengths.push_back(std::sqrt((s.x - d.x) * (s.x - d.x) + (s.y - d.y) * (s.y - d.y) +
                                  (s.z - d.z) * (s.z - d.z)));
  const auto [lo, hi] = std::minmax_element(lengths.begin(), lengths.end());
  if (!(*lo > 0))
    throw std::invalid_argument("baseline_distribution: detector overlaps the source");
  const double l0 = std::floor(*lo / step) * step;
  const auto nodes = static_cast<std::size_t>(std::ceil((*hi - l0) / step)) + 2;
  std::vector<double> mass(nodes, 0.0);
  double total = 0;
  for (double length : lengths) {
    const double t = (length - l0) / step;
    const auto j = static_cast<std::size_t>(t);
    const double frac = t - static_cast<double>(j), w = 1 / (length * length);
    mass[j] += w * (1 - frac);
    mass[j + 1] += w * frac;
    total += w;
  }
  std::vector<Baseline> out;
  for (std::size_t j = 0; j < nodes; ++j)
    if (mass[j] > 0) out.push_back({l0 + static_cast<double>(j) * step, mass[j] / total});
  return out;
}

// ---- BinnedSpectrum
// -------------------------------------------------------------------------------

BinnedSpectrum::BinnedSpectrum(std::span<const double> lower, std::span<const double> upper,
                               double offset, const Resolution& sigma,
                               const FissionFractions& fractions, double e_max, double inverse_step)
    : bins_(lower.size()) {
  if (upper.size() != bins_ || bins_ == 0 || !(inverse_step > 0) || !(e_max > kKineticOffset))
    throw std::invalid_argument("BinnedSpectrum: bad bins or energy grid");
  // From the IBD threshold (largest 1/E, where the spectrum starts at zero) down to 1/e_max.
  const double y_top = 1 / kKineticOffset, y_bottom = 1 / e_max;
  const auto n = static_cast<std::size_t>(std::ceil((y_top - y_bottom) / inverse_step)) + 1;
  const double h = (y_top - y_bottom) / static_cast<double>(n - 1);
  energies_.resize(n);
  weights_.assign(bins_ * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double y = y_top - static_cast<double>(i) * h, e = 1 / y;
    energies_[i] = e;
    const double trapezoid = (i == 0 || i + 1 == n) ? 0.5 * h : h;
    const double events = ibd_spectrum(fractions, e) * e * e * trapezoid; // dE = E² d(1/E)
    if (events == 0) continue;
    const double visible = e - offset, s = sigma(visible);
    for (std::size_t b = 0; b < bins_; ++b) {
      // Far resolution tails are dropped: they would only widen each bin's support.
      const double p = gaussian_bin(visible, s, lower[b], upper[b]);
      weights_[b * n + i] = p > kNegligibleProbability ? events * p : 0.0;
    }
  }
}

// ---- OscillationAverage
// ---------------------------------------------------------------------------

OscillationAverage::OscillationAverage(std::size_t rows, double u_min, double u_max, double step)
    : u0_(u_min), h_(step), nodes_(static_cast<std::size_t>(std::ceil((u_max - u_min) / step)) + 2),
      dense_(rows * nodes_, 0.0), begin_(rows, 0), end_(rows, 0), offset_(rows, 0) {
  if (rows == 0 || !(step > 0) || !(u_max > u_min))
    throw std::invalid_argument("OscillationAverage: empty grid");
}

OscillationAverage::Cell OscillationAverage::locate(double u) const {
  const double t = (u - u0_) / h_;
  if (!(t >= 0 && t < static_cast<double>(nodes_ - 1)))
    throw std::out_of_range("OscillationAverage: u = " + number_text(u) + " outside the grid");
  const auto j = static_cast<std::size_t>(t);
  return {j, t - static_cast<double>(j)};
}

void OscillationAverage::add(std::size_t row, Cell cell, double weight) {
  double* m = dense_.data() + row * nodes_ + cell.node;
  m[0] += weight * (1 - cell.fraction);
  m[1] += weight * cell.fraction;
}

void OscillationAverage::finish() {
  if (dense_.empty()) throw std::logic_error("OscillationAverage::finish called twice");
  masses_.clear();
  for (std::size_t r = 0; r < rows(); ++r) {
    const double* m = dense_.data() + r * nodes_;
    double total = 0;
    for (std::size_t j = 0; j < nodes_; ++j)
      total += m[j];
    if (!(total > 0)) throw std::runtime_error("OscillationAverage: row without events");
    std::size_t b = 0, e = nodes_;
    while (m[b] == 0)
      ++b;
    while (m[e - 1] == 0)
      --e;
    begin_[r] = b;
    end_[r] = e;
    offset_[r] = masses_.size();
    for (std::size_t j = b; j < e; ++j)
      masses_.push_back(m[j] / total);
  }
  dense_ = {};
  // cos_ is padded to whole blocks of the recurrence
  const std::size_t blocks = (nodes_ + kReseedEvery - 1) / kReseedEvery;
  cos_.assign(blocks * kReseedEvery, 0.0);
  block_cos_.assign(blocks, 0.0);
  block_sin_.assign(blocks, 0.0);
}

double OscillationAverage::mean(std::size_t r) const {
  double sum = 0;
  for (std::size_t j = begin_[r]; j < end_[r]; ++j)
    sum += masses_[offset_[r] + j - begin_[r]] * (u0_ + static_cast<double>(j) * h_);
  return sum;
}

void OscillationAverage::fill_cos(double two_k) const {
  // cos(2k u_j) by rotation through 2kh, restarted from the exact value every kReseedEvery nodes
  // (so rounding cannot accumulate). The blocks are independent: stepping them side by side keeps
  // the rotations' latency chains overlapped.
  const double step_cos = std::cos(two_k * h_), step_sin = std::sin(two_k * h_);
  const std::size_t blocks = (nodes_ + kReseedEvery - 1) / kReseedEvery;
  for (std::size_t b = 0; b < blocks; ++b) {
    const double phase = two_k * (u0_ + static_cast<double>(b * kReseedEvery) * h_);
    block_cos_[b] = std::cos(phase);
    block_sin_[b] = std::sin(phase);
  }
  for (std::size_t t = 0; t < kReseedEvery; ++t)
    for (std::size_t b = 0; b < blocks; ++b) {
      const double c = block_cos_[b], s = block_sin_[b];
      cos_[b * kReseedEvery + t] = c;
      block_cos_[b] = c * step_cos - s * step_sin;
      block_sin_[b] = s * step_cos + c * step_sin;
    }
}

void OscillationAverage::mean_sin2(double k, std::span<double> out) const {
  if (out.size() != rows()) throw std::invalid_argument("OscillationAverage: wrong output size");
  if (!cos_.size()) throw std::logic_error("OscillationAverage: finish() not called");
  if (k == 0) {
    std::fill(out.begin(), out.end(), 0.0);
    return;
  }
  // Beyond the grid's Nyquist wavenumber a density smooth on the grid scale is fully averaged.
  const double window = sinc_squared(k * h_);
  if (std::abs(k) * h_ >= kNyquist) {
    std::fill(out.begin(), out.end(), 0.5);
    return;
  }
  fill_cos(2 * k);
  for (std::size_t r = 0; r < rows(); ++r) {
    const auto n = static_cast<Eigen::Index>(end_[r] - begin_[r]);
    const Eigen::Map<const Eigen::VectorXd> m(masses_.data() + offset_[r], n);
    const Eigen::Map<const Eigen::VectorXd> c(cos_.data() + begin_[r], n);
    out[r] = 0.5 * (1 - m.dot(c) / window); // Eigen's dot keeps several partial sums
  }
}

OscillationAverage average_over_l_over_e(const BinnedSpectrum& spectrum,
                                         std::span<const std::vector<Baseline>> sites,
                                         double step) {
  const auto energies = spectrum.energies();
  double l_min = std::numeric_limits<double>::infinity(), l_max = 0;
  for (const auto& site : sites)
    for (const Baseline& b : site) {
      l_min = std::min(l_min, b.length);
      l_max = std::max(l_max, b.length);
    }
  const std::size_t bins = spectrum.bins();
  OscillationAverage avg(sites.size() * bins, l_min / energies.back() - step,
                         l_max / energies.front() + step, step);
  std::vector<std::size_t> fed; // the bins an energy node feeds
  for (std::size_t i = 0; i < energies.size(); ++i) {
    fed.clear();
    for (std::size_t b = 0; b < bins; ++b)
      if (spectrum.weight(b, i) > 0) fed.push_back(b);
    for (std::size_t s = 0; s < sites.size(); ++s)
      for (const Baseline& base : sites[s]) {
        const auto cell = avg.locate(base.length / energies[i]);
        for (std::size_t b : fed)
          avg.add(s * bins + b, cell, spectrum.weight(b, i) * base.weight);
      }
  }
  avg.finish();
  return avg;
}

// ---- RatioChi2
// ------------------------------------------------------------------------------------

RatioChi2::RatioChi2(std::vector<double> data, Eigen::MatrixXd inverse_covariance)
    : data_(std::move(data)), w_(std::move(inverse_covariance)) {
  const auto n = static_cast<Eigen::Index>(data_.size());
  if (w_.rows() != n || w_.cols() != n)
    throw std::invalid_argument("RatioChi2: data and inverse covariance sizes differ");
  const Eigen::Map<const Eigen::VectorXd> d(data_.data(), n);
  wd_ = w_ * d;
  dwd_ = d.dot(wd_);
  r_.resize(n);
  wr_.resize(n);
}

double RatioChi2::free_norm(std::span<const double> prediction, double* norm) const {
  if (prediction.size() != data_.size()) throw std::invalid_argument("RatioChi2: wrong size");
  for (std::size_t i = 0; i < prediction.size(); ++i)
    r_[static_cast<Eigen::Index>(i)] = prediction[i];
  wr_.noalias() = w_ * r_;
  const double rwr = r_.dot(wr_), rwd = r_.dot(wd_);
  if (!(rwr > 0) || !std::isfinite(rwr) || !std::isfinite(rwd))
    return std::numeric_limits<double>::infinity();
  if (norm) *norm = rwd / rwr;
  // dᵀWd − (rᵀWd)²/rᵀWr >= 0 up to rounding (W positive definite)
  return std::max(0.0, dwd_ - rwd * rwd / rwr);
}

double RatioChi2::at(std::span<const double> prediction, const Normalisation& normalisation,
                     double* norm) const {
  if (normalisation.free) return free_norm(prediction, norm);
  if (norm) *norm = normalisation.value;
  return fixed_norm(prediction, normalisation.value);
}

double RatioChi2::free_norms(std::span<const double> prediction,
                             std::span<const std::size_t> ends, std::span<double> norms) const {
  if (prediction.size() != data_.size() || ends.empty() || ends.back() != data_.size() ||
      (!norms.empty() && norms.size() != ends.size()))
    throw std::invalid_argument("RatioChi2: wrong size");
  const auto m = static_cast<Eigen::Index>(ends.size());
  // Block j of the prediction as a vector of its own (zero elsewhere): χ² = |d − Σ k_j r_j|²_W is
  // quadratic in k, minimised by A k = c with A_ij = r_iᵀ W r_j, c_i = r_iᵀ W d.
  Eigen::MatrixXd blocks = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(data_.size()), m);
  std::size_t begin = 0;
  for (Eigen::Index j = 0; j < m; ++j) {
    const std::size_t end = ends[static_cast<std::size_t>(j)];
    if (end <= begin) throw std::invalid_argument("RatioChi2: empty normalisation block");
    for (std::size_t i = begin; i < end; ++i)
      blocks(static_cast<Eigen::Index>(i), j) = prediction[i];
    begin = end;
  }
  if (!blocks.allFinite()) return std::numeric_limits<double>::infinity();
  const Eigen::MatrixXd wr = w_ * blocks;
  const Eigen::MatrixXd a = blocks.transpose() * wr;
  const Eigen::VectorXd c = blocks.transpose() * wd_;
  const Eigen::LDLT<Eigen::MatrixXd> solve(a);
  if (solve.info() != Eigen::Success || !(a.diagonal().minCoeff() > 0))
    return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd k = solve.solve(c);
  if (!k.allFinite()) return std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < norms.size(); ++j)
    norms[j] = k[static_cast<Eigen::Index>(j)];
  return std::max(0.0, dwd_ - c.dot(k));
}

double RatioChi2::fixed_norm(std::span<const double> prediction, double norm) const {
  if (prediction.size() != data_.size()) throw std::invalid_argument("RatioChi2: wrong size");
  for (std::size_t i = 0; i < prediction.size(); ++i)
    r_[static_cast<Eigen::Index>(i)] = data_[i] - norm * prediction[i];
  wr_.noalias() = w_ * r_;
  const double chi2 = r_.dot(wr_);
  return std::isfinite(chi2) ? chi2 : std::numeric_limits<double>::infinity();
}

// ---- options and inputs
// ---------------------------------------------------------------------------

std::string Normalisation::text() const {
  return free ? "free" : number_text(value);
}

Normalisation parse_normalisation(const std::string& text) {
  if (text == "free") return {};
  const auto v = parse_finite(text);
  if (!v || !(*v > 0)) throw std::invalid_argument("'" + text + "': expected 'free' or a positive number");
  return {false, *v};
}

RatioTable read_ratio_table(const fs::path& path, std::size_t bins, std::size_t ratios) {
  const Table t = read_table(path, 2 + 2 * ratios);
  expect_rows(t, bins, path);
  RatioTable out;
  out.ratio.resize(bins * ratios);
  out.sigma.resize(bins * ratios);
  for (std::size_t i = 0; i < bins; ++i) {
    const auto row = t.row(i);
    const std::string where = "row " + std::to_string(i + 1) + ": ";
    if (!(row[0] < row[1])) fail(path, where + "bin edges must increase");
    if (i > 0 && std::abs(row[0] - out.upper.back()) > 1e-9)
      fail(path, where + "bins must be contiguous (lower edge " + number_text(row[0]) +
                     " after upper edge " + number_text(out.upper.back()) + ")");
    for (std::size_t r = 0; r < ratios; ++r) {
      if (!(row[2 + 2 * r] > 0)) fail(path, where + "the ratio must be > 0");
      if (!(row[3 + 2 * r] > 0)) fail(path, where + "sigma must be > 0");
      out.ratio[r * bins + i] = row[2 + 2 * r];
      out.sigma[r * bins + i] = row[3 + 2 * r];
    }
    out.lower.push_back(row[0]);
    out.upper.push_back(row[1]);
  }
  return out;
}

Eigen::MatrixXd read_inverse_covariance(const fs::path& path, std::size_t n) {
  Eigen::MatrixXd w = read_matrix(path, n, n);
  check_symmetric(w, path, 1e-9);
  if (Eigen::LLT<Eigen::MatrixXd>(w).info() != Eigen::Success)
    fail(path, "inverse covariance is not positive definite");
  return w;
}

void hash_values(std::uint64_t& hash, std::span<const double> values) {
  for (double v : values) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int byte = 0; byte < 8; ++byte, bits >>= 8) {
      hash ^= bits & 0xffu;
      hash *= 0x100000001b3ull;
    }
  }
}

std::string hex(std::uint64_t hash) {
  std::ostringstream out;
  out << std::hex << std::setw(16) << std::setfill('0') << hash;
  return out.str();
}

} // namespace nubayes::reactor
