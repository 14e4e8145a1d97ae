#include "gallium.h"

#include "input_files.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace nubayes::gallium {

namespace fs = std::filesystem;

namespace {

// ---- the sources (hep-ph/9710491 via koppj/nu-osc reactors-15.3/gallium.cc) -----------------

/// ⁵¹Cr and ³⁷Ar electron-capture lines: energy [MeV], branching ratio, and the Bahcall capture
/// cross section of that line [1e-46 cm²]. The ⁷¹Ge production rate of a line is ∝ BR × σ, so
/// the 427/432 keV lines, with 10 % of the decays, give only 4.6 % of the events.
struct RawLine {
  double energy, branching, cross_section;
};
constexpr std::array<RawLine, 4> kChromium{
    {{0.747, 0.8163, 60.8}, {0.752, 0.0849, 61.5}, {0.427, 0.0895, 26.7}, {0.432, 0.0093, 27.1}}};
constexpr std::array<RawLine, 2> kArgon{{{0.811, 0.902, 70.1}, {0.813, 0.098, 70.3}}};
constexpr std::size_t kMaxLines = 4;

template <std::size_t N> std::array<Line, N> normalised(const std::array<RawLine, N>& raw) {
  double total = 0;
  for (const auto& l : raw)
    total += l.branching * l.cross_section;
  std::array<Line, N> out{};
  for (std::size_t i = 0; i < N; ++i)
    out[i] = {raw[i].energy, raw[i].branching * raw[i].cross_section / total};
  return out;
}

const std::array<Line, 4> chromium_lines = normalised(kChromium);
const std::array<Line, 2> argon_lines = normalised(kArgon);

// ---- the geometries -------------------------------------------------------------------------
// GALLEX: cylindrical tank, radius 1.9 m, height 5.0 m, the source in the central re-entrant
// tube at 2.70 m (Cr1) and 2.38 m (Cr2) above the bottom. SAGE: the Ga metal modelled as a
// cylinder of radius 0.7 m (1.4 m across) and height 1.47 m, source on the axis 0.72 m above
// the bottom. Both as in koppj/nu-osc reactors-15.3/gallium.cc (its source: Giunti & Laveder,
// arXiv:0711.4222, tables 1–2). BEST (Barinov et al., PRL 128, 232501 (2022)): source at the
// centre of an inner Ga sphere of radius 66.5 cm and of an outer cylinder of radius 117.5 cm
// and height 234.5 cm; the outer zone is the cylinder minus the sphere. Wall thicknesses and
// the source's re-entrant tube are neglected.

/// Grid spacing of the distance profiles: Ω(L) varies on the scale of the detector (≳ 0.5 m)
/// with √ kinks where the sphere of radius L reaches a wall, so its piecewise-linear
/// interpolant changes ⟨cos qL⟩ by < 1e-4 (ratios by < 1e-4 sin²2θ; their errors are ≥ 0.05).
constexpr double kGridSpacing = 0.01; // m

std::size_t nodes_for(double span) {
  return static_cast<std::size_t>(std::ceil(span / kGridSpacing)) + 1;
}

DistanceProfile gallex(double source_height) {
  constexpr double radius = 1.9, height = 5.0;
  const double span = std::hypot(radius, std::max(source_height, height - source_height));
  return DistanceProfile::cylinder(radius, height, source_height, 0.0, nodes_for(span));
}

DistanceProfile sage() {
  constexpr double radius = 0.7, height = 1.47, source_height = 0.72;
  const double span = std::hypot(radius, std::max(source_height, height - source_height));
  return DistanceProfile::cylinder(radius, height, source_height, 0.0, nodes_for(span));
}

constexpr double kBestInnerRadius = 0.665;

DistanceProfile best_outer() {
  constexpr double radius = 1.175, height = 2.345;
  const double span = std::hypot(radius, height / 2) - kBestInnerRadius;
  return DistanceProfile::cylinder(radius, height, height / 2, kBestInnerRadius, nodes_for(span));
}

DistanceProfile profile_for(std::string_view name) {
  if (name == "GALLEX-Cr1") return gallex(2.70);
  if (name == "GALLEX-Cr2") return gallex(2.38);
  if (name == "SAGE-Cr" || name == "SAGE-Ar") return sage();
  if (name == "BEST-inner") return DistanceProfile::sphere(kBestInnerRadius);
  if (name == "BEST-outer") return best_outer();
  throw std::logic_error("gallium: no geometry for " + std::string(name));
}

Source source_of(std::string_view name) {
  return name == "SAGE-Ar" ? Source::argon37 : Source::chromium51;
}

std::string_view source_text(Source source) {
  return source == Source::argon37 ? "37Ar" : "51Cr";
}

/// Fraction of the sphere of radius L around a source on the axis of a cylinder (radius R,
/// `below` / `above` the source to the bottom / top) that lies inside the cylinder. Directions
/// are uniform in u = cos(polar angle); inside means −below ≤ L u ≤ above and L √(1 − u²) ≤ R.
double inside_fraction(double L, double R, double below, double above) {
  if (L <= 0) return 1;
  const double lo = std::max(-1.0, -below / L), hi = std::min(1.0, above / L);
  const double c = L > R ? std::sqrt(1 - (R / L) * (R / L)) : 0.0; // |u| >= c to stay within R
  const double lower_cap = std::max(0.0, std::min(hi, -c) - lo);
  const double upper_cap = std::max(0.0, hi - std::max(lo, c));
  return (lower_cap + upper_cap) / 2;
}

// ---- the ratios file ------------------------------------------------------------------------

[[noreturn]] void fail(const fs::path& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + what);
}
[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

std::vector<std::string_view> fields(std::string_view line) {
  constexpr std::string_view blanks = " \t\r\f\v";
  std::vector<std::string_view> out;
  for (std::size_t i = line.find_first_not_of(blanks); i != std::string_view::npos;) {
    const std::size_t end = std::min(line.find_first_of(blanks, i), line.size());
    out.push_back(line.substr(i, end - i));
    i = line.find_first_not_of(blanks, end);
  }
  return out;
}

double number(std::string_view token, const fs::path& path, std::size_t line, const char* what) {
  double value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(value))
    fail(path, line, std::string(what) + " is not a finite number: '" + std::string(token) + "'");
  return value;
}

std::string known_names() {
  std::string out;
  for (auto n : kMeasurementNames)
    out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

Measurement parse_row(std::string_view text, const fs::path& path, std::size_t line) {
  const auto f = fields(text);
  if (f.size() < 4)
    fail(path, line,
         "expected 'experiment source R sigma [note]', found " + std::to_string(f.size()) +
             " fields");
  const auto known = std::find(kMeasurementNames.begin(), kMeasurementNames.end(), f[0]);
  if (known == kMeasurementNames.end())
    fail(path, line,
         "unknown experiment '" + std::string(f[0]) + "' (known: " + known_names() + ")");
  Measurement m{std::string(f[0]), source_of(f[0]), number(f[2], path, line, "R"),
                number(f[3], path, line, "sigma")};
  if (f[1] != source_text(m.source))
    fail(path, line,
         m.name + " used a " + std::string(source_text(m.source)) + " source, not '" +
             std::string(f[1]) + "'");
  if (!(m.ratio > 0 && m.ratio < 10))
    fail(path, line, "R must lie in (0, 10), found " + std::string(f[2]));
  if (!(m.error > 0)) fail(path, line, "sigma must be > 0, found " + std::string(f[3]));
  return m;
}


void hash_values(std::uint64_t& hash, std::initializer_list<double> values) {
  for (double v : values) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int byte = 0; byte < 8; ++byte, bits >>= 8) {
      hash ^= bits & 0xffu;
      hash *= 0x100000001b3ull; // FNV-1a
    }
  }
}

/// Shortest text that reads back as the same double (for fingerprints).
std::string shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return {buffer, result.ptr};
}

} // namespace

std::span<const Line> source_lines(Source source) {
  if (source == Source::argon37) return argon_lines;
  return chromium_lines;
}

std::vector<Measurement> read_ratios(const fs::path& path) {
  const std::string text = read_input_file(path);
  std::vector<Measurement> out;
  std::size_t line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    const std::string_view row(text.data() + start, stop - start);
    start = stop + 1;
    ++line;
    const auto first = row.find_first_not_of(" \t\r\f\v");
    if (first == std::string_view::npos || row[first] == '#') continue;
    Measurement m = parse_row(row, path, line);
    if (std::any_of(out.begin(), out.end(), [&](const Measurement& o) { return o.name == m.name; }))
      fail(path, line, "duplicate row for " + m.name);
    out.push_back(std::move(m));
  }
  for (std::size_t i = 0; i < 4; ++i) // GALLEX and SAGE are the anomaly; BEST may be absent
    if (std::none_of(out.begin(), out.end(),
                     [&](const Measurement& m) { return m.name == kMeasurementNames[i]; }))
      fail(path, "no row for " + std::string(kMeasurementNames[i]));
  return out;
}

// ---- DistanceProfile --------------------------------------------------------------------------

DistanceProfile::DistanceProfile(double l0, double h, std::vector<double> omega)
    : l0_(l0), h_(h), weights_(std::move(omega)) {
  // ∫ of the piecewise-linear interpolant: the trapezoid rule is exact for it.
  double integral = 0;
  for (double w : weights_)
    integral += w;
  integral = h_ * (integral - (weights_.front() + weights_.back()) / 2);
  for (double& w : weights_)
    w /= integral;
}

DistanceProfile DistanceProfile::cylinder(double radius, double height, double source_height,
                                          double inner_radius, std::size_t nodes) {
  if (!(radius > 0 && height > 0 && source_height >= 0 && source_height <= height &&
        inner_radius >= 0 && nodes >= 2))
    throw std::invalid_argument("gallium: bad cylinder geometry");
  const double below = source_height, above = height - source_height;
  const double far = std::hypot(radius, std::max(below, above));
  if (!(inner_radius < far)) throw std::invalid_argument("gallium: inner sphere fills the zone");
  const double h = (far - inner_radius) / static_cast<double>(nodes - 1);
  std::vector<double> omega(nodes);
  for (std::size_t j = 0; j < nodes; ++j)
    omega[j] = inside_fraction(inner_radius + h * static_cast<double>(j), radius, below, above);
  return {inner_radius, h, std::move(omega)};
}

DistanceProfile DistanceProfile::sphere(double radius) {
  if (!(radius > 0)) throw std::invalid_argument("gallium: bad sphere radius");
  return {0.0, radius, {1.0, 1.0}};
}

double DistanceProfile::mean_cos(double q) const {
  if (q == 0) return 1;
  // Filon's rule for the piecewise-linear density g: ∫ g e^{iqL} dL =
  //   h sinc²(qh/2) Σ'_j g_j e^{iqL_j} + i (1 − sinc qh)/q (g_0 e^{iqL_0} − g_n e^{iqL_n}),
  // Σ' with half weights at the ends. e^{iqL_j} by rotation from L_0 (drift ~ n·1e-16).
  const double t = q * h_;
  const double sinc_half = 1 - sterile3p1::one_minus_sinc(t / 2);
  const double step_c = std::cos(t), step_s = std::sin(t);
  double c = std::cos(q * l0_), s = std::sin(q * l0_);
  const double c_first = c, s_first = s;
  const std::size_t n = weights_.size();
  double sum = 0;
  for (std::size_t j = 0; j < n; ++j) {
    sum += weights_[j] * c;
    if (j + 1 == n) break;
    const double c_next = c * step_c - s * step_s;
    s = s * step_c + c * step_s;
    c = c_next;
  }
  sum -= (weights_.front() * c_first + weights_.back() * c) / 2;
  const double ends =
      sterile3p1::one_minus_sinc(t) / q * (weights_.front() * s_first - weights_.back() * s);
  return h_ * sinc_half * sinc_half * sum - ends;
}

double DistanceProfile::mean_distance() const {
  // ∫ L g(L) dL for the piecewise-linear g, cell by cell (exact).
  double total = 0;
  for (std::size_t j = 0; j + 1 < weights_.size(); ++j) {
    const double a = l0_ + h_ * static_cast<double>(j), g0 = weights_[j], g1 = weights_[j + 1];
    total += h_ * (g0 * (a / 2 + h_ / 6) + g1 * (a / 2 + h_ / 3));
  }
  return total;
}

double mean_sin2(const DistanceProfile& profile, std::span<const Line> lines, double k) {
  // sin²(k L/E) = (1 − cos(2k L/E)) / 2.
  double out = 0;
  for (const auto& line : lines)
    out += line.weight * (1 - profile.mean_cos(2 * k / line.energy)) / 2;
  return out;
}

// ---- Gallium ----------------------------------------------------------------------------------

Gallium::Gallium(const Options& options)
    : xsec_error_(options.xsec_error), include_best_(options.include_best) {
  if (!(xsec_error_ >= 0)) throw std::invalid_argument("gallium: cross-section error must be >= 0");
  const fs::path path = options.inputs / "gallium" / "gallium_ratios_transcribed.txt";
  const auto measurements = read_ratios(path);
  data_hash_ = 0xcbf29ce484222325ull;
  for (auto name : kMeasurementNames) {
    if (!include_best_ && name.starts_with("BEST")) continue;
    const auto it = std::find_if(measurements.begin(), measurements.end(),
                                 [&](const Measurement& m) { return m.name == name; });
    if (it == measurements.end())
      fail(path, "no row for " + std::string(name) +
                     " (set [data] gallium_best = false to fit "
                     "GALLEX and SAGE only)");
    zones_.push_back({*it, profile_for(name), source_lines(it->source)});
    hash_values(data_hash_, {it->ratio, it->error});
    log_norm_ += std::log(std::sqrt(2 * std::numbers::pi) * it->error);
  }
}

void Gallium::predicted(double sin2_2theta_ee, double dm2, std::span<double> out) const {
  if (out.size() != zones_.size()) throw std::invalid_argument("gallium: wrong output size");
  const double k = sterile3p1::wavenumber(dm2);
  for (std::size_t i = 0; i < zones_.size(); ++i)
    out[i] = 1 - sin2_2theta_ee * mean_sin2(zones_[i].profile, zones_[i].lines, k);
}

double Gallium::chi2(double sin2_2theta_ee, double dm2, double* best_norm) const {
  std::array<double, kMeasurementNames.size()> pred{};
  const std::span<double> p(pred.data(), zones_.size());
  predicted(sin2_2theta_ee, dm2, p);
  // χ² is quadratic in f: minimum at f = (Σ R P/σ² + 1/σ_f²) / (Σ P²/σ² + 1/σ_f²).
  double f = 1;
  if (xsec_error_ > 0) {
    const double prior = 1 / (xsec_error_ * xsec_error_);
    double a = prior, b = prior;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double w = 1 / (zones_[i].measurement.error * zones_[i].measurement.error);
      a += w * p[i] * p[i];
      b += w * zones_[i].measurement.ratio * p[i];
    }
    f = b / a;
  }
  double chi2 = xsec_error_ > 0 ? (f - 1) * (f - 1) / (xsec_error_ * xsec_error_) : 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double r = (zones_[i].measurement.ratio - f * p[i]) / zones_[i].measurement.error;
    chi2 += r * r;
  }
  if (best_norm != nullptr) *best_norm = f;
  return chi2;
}

std::string Gallium::fingerprint() const {
  std::ostringstream out;
  out << "gallium best=" << (include_best_ ? "true" : "false")
      << " xsec_error=" << shortest(xsec_error_) << " data=" << std::hex << std::setw(16)
      << std::setfill('0') << data_hash_;
  return out.str();
}

} // namespace nubayes::gallium

namespace nubayes {

namespace {

class GalliumExperiment : public Experiment {
public:
  explicit GalliumExperiment(const gallium::Options& options) : gallium_(options) {}
  std::string name() const override { return "gallium"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    const auto [s, dm2] = two_flavour_equivalent(m.neutrinos, Flavour::e, Flavour::e, kAveragedDm2);
    chi2 = gallium_.chi2(s, dm2);
    return -chi2 / 2 - gallium_.log_normalisation();
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::e, Flavour::e, "P(nue->nue), 51Cr/37Ar sources"}};
  }
  std::string pair_signal() const override { return pair_reasons::kBelowThreshold; }
  std::string fingerprint() const override { return gallium_.fingerprint(); }

private:
  gallium::Gallium gallium_;
};

} // namespace

std::unique_ptr<Experiment> make_gallium_experiment(const ModelOptions& data) {
  gallium::Options options;
  options.include_best = data.flag("gallium_best", true);
  options.xsec_error = data.number_in("gallium_xsec_error", 0.03, 0.0, 0.5);
  return build_experiment("gallium", [&] { return std::make_unique<GalliumExperiment>(options); });
}

} // namespace nubayes
