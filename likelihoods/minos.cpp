#include "minos.h"

#include "reactor.h" // hash_values, hex

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace nubayes::minos {

namespace {

namespace fs = std::filesystem;
namespace ff = four_flavour;

constexpr const char* kFolder = "numu/minos";
constexpr const char* kSurfaceFile = "dm241vsth24.txt";
constexpr const char* kFeldmanCousinsFile = "dm241vsth24_UpValuesFC90CL.txt";
constexpr const char* kCovarianceFiles[2] = {"TotalCCCovar.txt", "TotalNCCovar.txt"};
constexpr const char* kRuns[2] = {"minos", "minosPlus"};
constexpr const char* kDetectors[2] = {"FD", "ND"}; // the two-detector vector: far first
constexpr const char* kSelections[2] = {"CC", "NC"};

/// The five true components of a template, in the order of the weights below.
constexpr std::size_t kComponents = 5;
constexpr const char* kComponentNames[kComponents] = {"TrueNC", "NuMu", "BeamNue", "AppNue",
                                                      "AppNuTau"};
enum Component : std::size_t { kTrueNC, kNuMu, kBeamNue, kAppNue, kAppNuTau };

/// Reconstructed-energy bins per (selection, detector).
constexpr std::size_t kRecoBins[2][2] = {{kFarCC, kNearCC}, {kFarNC, kNearNC}};
/// Offset of (selection, detector) in the 145-entry prediction vector [CC far, CC near, NC far,
/// NC near].
constexpr std::size_t row_offset(std::size_t selection, std::size_t detector) {
  return selection == 0 ? (detector == 0 ? 0 : kFarCC) : kBinsCC + (detector == 0 ? 0 : kFarNC);
}
constexpr std::size_t kRows = kBinsCC + kBinsNC;

/// The profile's trust region per Gauss–Newton step.
constexpr double kMaxStepTheta23 = 0.1, kMaxStepDm232 = 3e-4;

/// Rotation recurrences restart from exact values this often (rounding cannot accumulate).
constexpr std::size_t kReseedEvery = 64;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}
[[noreturn]] void fail(const fs::path& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + what);
}

std::string number_text(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

/// The numbers after "# KEY:" in the comment header of `path`; the line must exist.
std::vector<double> header_numbers(const fs::path& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    fail(path, fs::exists(path, ec) ? "cannot be read" : "file not found");
  }
  const std::string prefix = "# " + key + ":";
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::vector<double> out;
    std::string_view rest(line);
    rest.remove_prefix(prefix.size());
    while (true) {
      const auto b = rest.find_first_not_of(" \t\r");
      if (b == std::string_view::npos) break;
      rest.remove_prefix(b);
      const auto e = std::min(rest.find_first_of(" \t\r"), rest.size());
      const std::string_view token = rest.substr(0, e);
      double v = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
      if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(v))
        fail(path, n, key + ": not a number: '" + std::string(token.substr(0, 40)) + "'");
      out.push_back(v);
      rest.remove_prefix(e);
    }
    if (out.size() < 2) fail(path, n, key + ": fewer than 2 bin edges");
    for (std::size_t i = 1; i < out.size(); ++i)
      if (!(out[i] > out[i - 1])) fail(path, n, key + ": bin edges must increase");
    return out;
  }
  fail(path, "no '" + prefix + "' header line");
}

bool same_edges(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 1e-9 * std::max(1.0, std::abs(a[i]))) return false;
  return true;
}

/// A sparse TH2D: bin edges and (ix, iy, content) cells, 1-based regular bins.
struct Sparse2D {
  std::vector<double> x_edges, y_edges;
  Table cells;
};

Sparse2D read_sparse_2d(const fs::path& path) {
  Sparse2D h;
  h.x_edges = header_numbers(path, "x_edges");
  h.y_edges = header_numbers(path, "y_edges");
  h.cells = read_table(path, 3);
  const double nx = static_cast<double>(h.x_edges.size() - 1),
               ny = static_cast<double>(h.y_edges.size() - 1);
  for (std::size_t i = 0; i < h.cells.rows(); ++i) {
    const auto c = h.cells.row(i);
    const std::string where = "cell " + std::to_string(i + 1) + ": ";
    if (c[0] != std::floor(c[0]) || c[0] < 1 || c[0] > nx)
      fail(path, where + "x bin " + number_text(c[0]) + " is not a whole number in 1.." +
                     number_text(nx));
    if (c[1] != std::floor(c[1]) || c[1] < 1 || c[1] > ny)
      fail(path, where + "y bin " + number_text(c[1]) + " is not a whole number in 1.." +
                     number_text(ny));
    if (!(c[2] >= 0)) fail(path, where + "negative content " + number_text(c[2]));
  }
  return h;
}

/// A data histogram `E_low E_high events`: contiguous bins, counts >= 0.
std::vector<double> read_spectrum(const fs::path& path, std::span<const double> edges) {
  const Table t = read_table(path, 3);
  const std::size_t bins = edges.size() - 1;
  expect_rows(t, bins, path, "bins");
  std::vector<double> out(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    const auto r = t.row(i);
    if (std::abs(r[0] - edges[i]) > 1e-9 * std::max(1.0, edges[i]) ||
        std::abs(r[1] - edges[i + 1]) > 1e-9 * std::max(1.0, edges[i + 1]))
      fail(path, "row " + std::to_string(i + 1) + ": bin [" + number_text(r[0]) + ", " +
                     number_text(r[1]) + "] differs from the templates' [" + number_text(edges[i]) +
                     ", " + number_text(edges[i + 1]) + "]");
    if (!(r[2] >= 0)) fail(path, "row " + std::to_string(i + 1) + ": negative count");
    out[i] = r[2];
  }
  return out;
}

/// A dense TH2D written as `x_centre y_centre content` rows, x fastest: nx × ny rows whose
/// centres must be those of the header's edges (x arithmetic, y geometric mean).
struct Dense2D {
  std::vector<double> x, y, values; ///< centres, and values[ix + nx iy]
};

Dense2D read_dense_2d(const fs::path& path) {
  const auto xe = header_numbers(path, "x_edges"), ye = header_numbers(path, "y_edges");
  const Table t = read_table(path, 3);
  const std::size_t nx = xe.size() - 1, ny = ye.size() - 1;
  expect_rows(t, nx * ny, path,
              "rows (" + std::to_string(nx) + " x " + std::to_string(ny) + " cells)");
  if (!(xe.front() > 0 && ye.front() > 0)) fail(path, "bin edges must be positive (log axes)");
  Dense2D d;
  for (std::size_t i = 0; i < nx; ++i)
    d.x.push_back(0.5 * (xe[i] + xe[i + 1]));
  for (std::size_t j = 0; j < ny; ++j)
    d.y.push_back(std::sqrt(ye[j] * ye[j + 1]));
  d.values.resize(nx * ny);
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) {
      const std::size_t r = i + nx * j;
      const auto row = t.row(r);
      if (std::abs(row[0] - d.x[i]) > 1e-6 * d.x[i] || std::abs(row[1] - d.y[j]) > 1e-6 * d.y[j])
        fail(path, "row " + std::to_string(r + 1) + ": centre (" + number_text(row[0]) + ", " +
                       number_text(row[1]) + ") is not cell (" + std::to_string(i + 1) + ", " +
                       std::to_string(j + 1) + ") of the header's edges");
      if (!(row[2] >= 0)) fail(path, "row " + std::to_string(r + 1) + ": negative value");
      d.values[r] = row[2];
    }
  return d;
}

/// Bilinear interpolation on a rectangular grid of nodes (clamped outside).
double bilinear(std::span<const double> xs, std::span<const double> ys,
                std::span<const double> values, double x, double y) {
  const auto locate = [](std::span<const double> nodes, double v, std::size_t& i, double& t) {
    if (!(v > nodes.front())) {
      i = 0;
      t = 0;
      return;
    }
    if (!(v < nodes.back())) {
      i = nodes.size() - 2;
      t = 1;
      return;
    }
    i = static_cast<std::size_t>(std::upper_bound(nodes.begin(), nodes.end(), v) - nodes.begin()) - 1;
    t = (v - nodes[i]) / (nodes[i + 1] - nodes[i]);
  };
  std::size_t i = 0, j = 0;
  double tx = 0, ty = 0;
  locate(xs, x, i, tx);
  locate(ys, y, j, ty);
  const std::size_t nx = xs.size();
  const double v00 = values[i + nx * j], v10 = values[i + 1 + nx * j];
  const double v01 = values[i + nx * (j + 1)], v11 = values[i + 1 + nx * (j + 1)];
  return (1 - ty) * ((1 - tx) * v00 + tx * v10) + ty * ((1 - tx) * v01 + tx * v11);
}

std::vector<double> logs(std::span<const double> v) {
  std::vector<double> out(v.size());
  std::transform(v.begin(), v.end(), out.begin(), [](double x) { return std::log(x); });
  return out;
}

/// θ24 of a 3+1 point: sin²θ24 = |U_μ4|² / (1 − |U_e4|²).
double theta24_of(const sterile3p1::Params& p) {
  const double rest = 1 - p.ue4_sq;
  return rest > 0 ? std::asin(std::sqrt(std::min(1.0, p.umu4_sq / rest))) : 0.0;
}

} // namespace

double two_point_offset(double dm2_43, double w) {
  // arccos(y) = 2 arcsin √((1 − y)/2) with 1 − y = 1 − sinc a computed without cancellation,
  // so that small a keeps its precision.
  const double a = ff::kPhase * dm2_43 * w;
  if (a == 0) return w / (2 * std::numbers::sqrt3);
  return w / a * std::asin(std::sqrt(0.5 * sterile3p1::one_minus_sinc(a)));
}

Method parse_method(const std::string& text) {
  if (text == "release") return Method::release;
  if (text == "surface") return Method::surface;
  throw std::invalid_argument("expected 'release' or 'surface', got '" + text + "'");
}

std::string method_text(Method method) {
  return method == Method::release ? "release" : "surface";
}

Nuisance parse_nuisance(const std::string& text) {
  if (text == "profiled") return Nuisance::profiled;
  if (text == "fixed") return Nuisance::fixed;
  throw std::invalid_argument("expected 'profiled' or 'fixed', got '" + text + "'");
}

std::string nuisance_text(Nuisance nuisance) {
  return nuisance == Nuisance::profiled ? "profiled" : "fixed";
}

Options options_from(const ModelOptions& data) {
  Options o;
  try {
    o.method = parse_method(data.text("minos_method", "release"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("minos_method", e.what(), "data");
  }
  try {
    o.nuisance = parse_nuisance(data.text("minos_nuisance", "profiled"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("minos_nuisance", e.what(), "data");
  }
  o.profile_steps = static_cast<int>(data.integer_in("minos_profile_steps", o.profile_steps, 1, 10));
  o.three_flavour.theta23 =
      data.number_in("minos_theta23", o.three_flavour.theta23, 0.0, std::numbers::pi / 2);
  o.three_flavour.dm2_32 = data.number_in("minos_dm2_32", o.three_flavour.dm2_32, 1e-3, 4e-3);
  return o;
}

// ---- release -----------------------------------------------------------------------------------

struct Release::Impl {
  /// One true-L/E axis (far or near) with every template entry that lives on it.
  struct Grid {
    struct Segment {
      std::size_t begin = 0, end = 0; ///< bins [begin, end) of equal width
      double width = 0;
      double first_centre = 0;
    };
    std::vector<Segment> segments;
    std::size_t bins = 0;
    /// For bin x, the (row, 5 component values) pairs [pair_begin[x], pair_begin[x + 1]).
    std::vector<std::uint32_t> pair_begin;
    std::vector<std::uint16_t> row;
    std::vector<double> values; ///< kComponents per pair
  };
  Grid grids[2]; ///< far, near
  std::vector<double> data;  ///< kRows: [CC far, CC near, NC far, NC near]
  Eigen::MatrixXd fraction[2];  ///< CC 91×91, NC 54×54
  std::uint64_t hash = reactor::kHashSeed;

  // scratch
  /// p, ∂p/∂θ23, ∂p/∂Δm²32 [per 10⁻³ eV²], each kRows: [CC far, CC near, NC far, NC near]
  mutable std::vector<double> outputs = std::vector<double>(3 * kRows);
  mutable Eigen::MatrixXd covariance[2];
  mutable Eigen::VectorXd residual[2], work[2];
  mutable Eigen::MatrixXd jacobian[2];
  mutable Eigen::LLT<Eigen::MatrixXd> llt[2];

  explicit Impl(const fs::path& root);

  /// Fills outputs[0..kRows) with the prediction at (u, s); with kDerivatives also the
  /// derivatives along θ23 (du = ∂U/∂θ23) and Δm²32 (in units of 10⁻³ eV²).
  template <bool kDerivatives>
  void predict(const ff::Mixing& u, const ff::Mixing& du, const ff::Splittings& s) const;
  /// χ² of one selection (0 CC, 1 NC) for the prediction in outputs; +inf where V is not
  /// positive definite. With `gradient`, also adds the χ² gradient along the two nuisance
  /// directions and the Gauss–Newton Hessian 2 Jᵀ V⁻¹ J (J from outputs).
  double chi2(std::size_t selection, Eigen::Vector2d* gradient = nullptr,
              Eigen::Matrix2d* hessian = nullptr) const;
};

Release::Impl::Impl(const fs::path& root) {
  const fs::path dir = root / kFolder;
  std::vector<double> x_edges[2];
  std::vector<double> y_edges[2][2];
  // Dense accumulation per grid while loading: bins × kRows × kComponents.
  std::vector<double> dense[2];
  for (std::size_t det = 0; det < 2; ++det)
    for (std::size_t sel = 0; sel < 2; ++sel)
      for (std::size_t run = 0; run < 2; ++run)
        for (std::size_t c = 0; c < kComponents; ++c) {
          const fs::path path = dir / (std::string("hRecoToTrue") + kDetectors[det] +
                                       kSelections[sel] + "Selected" + kComponentNames[c] + "_" +
                                       kRuns[run] + ".txt");
          const Sparse2D h = read_sparse_2d(path);
          if (x_edges[det].empty()) {
            x_edges[det] = h.x_edges;
            dense[det].assign((h.x_edges.size() - 1) * kRows * kComponents, 0.0);
          } else if (!same_edges(h.x_edges, x_edges[det]))
            fail(path, "true L/E bins differ from the other " + std::string(kDetectors[det]) +
                           " templates");
          if (y_edges[sel][det].empty()) {
            expect_rows(h.y_edges.size() - 1, kRecoBins[sel][det], path,
                        "reconstructed-energy bins");
            y_edges[sel][det] = h.y_edges;
          } else if (!same_edges(h.y_edges, y_edges[sel][det]))
            fail(path, "reconstructed-energy bins differ from the other templates");
          const std::size_t offset = row_offset(sel, det);
          for (std::size_t i = 0; i < h.cells.rows(); ++i) {
            const auto cell = h.cells.row(i);
            const auto ix = static_cast<std::size_t>(cell[0]) - 1;
            const auto iy = static_cast<std::size_t>(cell[1]) - 1;
            dense[det][(ix * kRows + offset + iy) * kComponents + c] += cell[2];
          }
          reactor::hash_values(hash, h.cells.values);
        }
  // Compress: for each bin, the rows it feeds.
  for (std::size_t det = 0; det < 2; ++det) {
    Grid& g = grids[det];
    const auto& e = x_edges[det];
    g.bins = e.size() - 1;
    for (std::size_t x = 0; x < g.bins; ++x) {
      const double w = e[x + 1] - e[x];
      if (g.segments.empty() ||
          std::abs(w - g.segments.back().width) > 1e-9 * g.segments.back().width)
        g.segments.push_back({x, x + 1, w, 0.5 * (e[x] + e[x + 1])});
      else
        g.segments.back().end = x + 1;
    }
    g.pair_begin.push_back(0);
    for (std::size_t x = 0; x < g.bins; ++x) {
      for (std::size_t r = 0; r < kRows; ++r) {
        const double* v = dense[det].data() + (x * kRows + r) * kComponents;
        if (std::all_of(v, v + kComponents, [](double a) { return a == 0; })) continue;
        g.row.push_back(static_cast<std::uint16_t>(r));
        g.values.insert(g.values.end(), v, v + kComponents);
      }
      g.pair_begin.push_back(static_cast<std::uint32_t>(g.row.size()));
    }
    reactor::hash_values(hash, e);
  }
  // Data: MINOS + MINOS+, far then near.
  data.assign(kRows, 0.0);
  for (std::size_t sel = 0; sel < 2; ++sel)
    for (std::size_t det = 0; det < 2; ++det)
      for (std::size_t run = 0; run < 2; ++run) {
        const fs::path path = dir / (std::string("data") + kDetectors[det] + kSelections[sel] +
                                     "_" + kRuns[run] + ".txt");
        const auto counts = read_spectrum(path, y_edges[sel][det]);
        for (std::size_t i = 0; i < counts.size(); ++i)
          data[row_offset(sel, det) + i] += counts[i];
        reactor::hash_values(hash, counts);
      }
  // Fractional covariances.
  const std::size_t sizes[2] = {kBinsCC, kBinsNC};
  for (std::size_t sel = 0; sel < 2; ++sel) {
    const fs::path path = dir / kCovarianceFiles[sel];
    fraction[sel] = read_matrix(path, sizes[sel], sizes[sel]);
    check_symmetric(fraction[sel], path, 1e-8);
    fraction[sel] = 0.5 * (fraction[sel] + fraction[sel].transpose()).eval();
    if (Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(fraction[sel], Eigen::EigenvaluesOnly)
            .eigenvalues()
            .minCoeff() < -1e-9 * fraction[sel].diagonal().maxCoeff())
      fail(path, "the fractional covariance is not positive semi-definite");
    reactor::hash_values(hash, {fraction[sel].data(), static_cast<std::size_t>(fraction[sel].size())});
    covariance[sel].resize(sizes[sel], sizes[sel]);
    residual[sel].resize(sizes[sel]);
    work[sel].resize(sizes[sel]);
    jacobian[sel].resize(sizes[sel], 2);
    llt[sel] = Eigen::LLT<Eigen::MatrixXd>(sizes[sel]);
  }
}

namespace {

/// The weights of the five components at one true-L/E point: base + Σ_p coef[c][p] ⟨sin²⟩_p.
struct WeightCoefficients {
  double coef[kComponents][ff::kNumPairs];
  static constexpr double base[kComponents] = {1, 1, 1, 0, 0};

  explicit WeightCoefficients(const ff::Mixing& u) {
    using ff::kE, ff::kMu, ff::kTau, ff::kSterile;
    const auto a_mumu = ff::sin2_coefficients(u, kMu, kMu);
    const auto a_mus = ff::sin2_coefficients(u, kMu, kSterile);
    const auto a_ee = ff::sin2_coefficients(u, kE, kE);
    const auto a_mue = ff::sin2_coefficients(u, kMu, kE);
    const auto a_mutau = ff::sin2_coefficients(u, kMu, kTau);
    for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
      coef[kTrueNC][p] = a_mus[p]; // 1 − P(νμ→νs) = 1 + Σ a ⟨sin²⟩
      coef[kNuMu][p] = -a_mumu[p];
      coef[kBeamNue][p] = -a_ee[p];
      coef[kAppNue][p] = -a_mue[p];
      coef[kAppNuTau][p] = -a_mutau[p];
    }
  }
};

/// The flavours (α, β) of each component's probability and the sign of its coefficients.
constexpr int kFlavours[kComponents][2] = {{ff::kMu, ff::kSterile}, {ff::kMu, ff::kMu},
                                           {ff::kE, ff::kE},        {ff::kMu, ff::kE},
                                           {ff::kMu, ff::kTau}};
constexpr double kSign[kComponents] = {1, -1, -1, -1, -1};

/// d/dΔm²32 of the pair splittings (Δm²31 = Δm²21 + Δm²32 moves, Δm²41 stays): 31 and 32 up,
/// 43 down.
constexpr double kPairSlope[ff::kNumPairs] = {0, 1, 0, 1, 0, -1};

/// Δm²32 derivatives are taken per 10⁻³ eV² (a well-scaled Hessian).
constexpr double kDm2Unit = 1e-3;

/// ∂U/∂θ23 of U = R34 R24 R14 R23 R13 R12, by the product rule on the R23 factor.
ff::Mixing mixing_derivative_theta23(const ff::Angles& a) {
  const auto rotation = [](int i, int j, double theta, bool derivative) {
    ff::Mixing r{};
    const double c = std::cos(theta), s = std::sin(theta);
    if (!derivative)
      for (int k = 0; k < 4; ++k)
        r[k][k] = 1;
    r[i][i] = derivative ? -s : c;
    r[j][j] = derivative ? -s : c;
    r[i][j] = derivative ? c : s;
    r[j][i] = derivative ? -c : -s;
    return r;
  };
  const auto product = [](const ff::Mixing& x, const ff::Mixing& y) {
    ff::Mixing out{};
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 4; ++k)
          out[i][j] += x[i][k] * y[k][j];
    return out;
  };
  ff::Mixing u = rotation(0, 1, a.theta12, false);
  u = product(rotation(0, 2, a.theta13, false), u);
  u = product(rotation(1, 2, a.theta23, true), u);
  u = product(rotation(0, 3, a.theta14, false), u);
  u = product(rotation(1, 3, a.theta24, false), u);
  u = product(rotation(2, 3, a.theta34, false), u);
  return u;
}

} // namespace

template <bool kDerivatives>
void Release::Impl::predict(const ff::Mixing& u, const ff::Mixing& du,
                            const ff::Splittings& s) const {
  const auto dm2 = ff::pair_splittings(s);
  const double dm2_43 = s.dm2_41 - s.dm2_31;
  const WeightCoefficients value(u);
  // ∂coef/∂θ23: coef is quartic in U; differentiate 4 U_αj U_βj U_αk U_βk term by term.
  double dcoef[kComponents][ff::kNumPairs] = {};
  if constexpr (kDerivatives) {
    for (std::size_t c = 0; c < kComponents; ++c)
      for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
        const auto [j, k] = ff::kPairs[p];
        const int a = kFlavours[c][0], b = kFlavours[c][1];
        const double f[4] = {u[a][j], u[b][j], u[a][k], u[b][k]};
        const double df[4] = {du[a][j], du[b][j], du[a][k], du[b][k]};
        double sum = 0;
        for (int t = 0; t < 4; ++t) {
          double term = df[t];
          for (int o = 0; o < 4; ++o)
            if (o != t) term *= f[o];
          sum += term;
        }
        dcoef[c][p] = kSign[c] * 4 * sum;
      }
  }
  std::fill(outputs.begin(), outputs.end(), 0.0);
  double* out0 = outputs.data();
  double* out1 = outputs.data() + kRows;
  double* out2 = outputs.data() + 2 * kRows;

  for (const Grid& g : grids) {
    for (const auto& seg : g.segments) {
      // ⟨sin²(k x)⟩ over the two points x̄ ± s = ½ (1 − cos(2k x̄) cos(2k s)); cos(2k x̄) by
      // rotation along the segment's equally spaced centres.
      const double offset = two_point_offset(dm2_43, seg.width);
      double two_k[ff::kNumPairs], damp[ff::kNumPairs], step_c[ff::kNumPairs],
          step_s[ff::kNumPairs], c[ff::kNumPairs] = {}, sn[ff::kNumPairs] = {};
      double ddamp[ff::kNumPairs] = {}, two_dk[ff::kNumPairs] = {};
      double d_offset = 0; // ∂s/∂Δm²32 (Δm²43 = Δm²41 − Δm²31 falls as Δm²32 grows)
      if constexpr (kDerivatives) {
        const double h = 1e-6 * std::max(std::abs(dm2_43), 1e-4);
        d_offset = -(two_point_offset(dm2_43 + h, seg.width) - two_point_offset(dm2_43 - h, seg.width)) /
                   (2 * h) * kDm2Unit;
      }
      for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
        two_k[p] = 2 * ff::kPhase * dm2[p];
        damp[p] = std::cos(two_k[p] * offset);
        step_c[p] = std::cos(two_k[p] * seg.width);
        step_s[p] = std::sin(two_k[p] * seg.width);
        if constexpr (kDerivatives) {
          two_dk[p] = 2 * ff::kPhase * kPairSlope[p] * kDm2Unit;
          ddamp[p] = -std::sin(two_k[p] * offset) * (two_dk[p] * offset + two_k[p] * d_offset);
        }
      }
      for (std::size_t x = seg.begin; x < seg.end; ++x) {
        const std::size_t i = x - seg.begin;
        const double centre = seg.first_centre + static_cast<double>(i) * seg.width;
        if (i % kReseedEvery == 0)
          for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
            c[p] = std::cos(two_k[p] * centre);
            sn[p] = std::sin(two_k[p] * centre);
          }
        double avg[ff::kNumPairs], davg[ff::kNumPairs] = {};
        for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
          avg[p] = 0.5 * (1 - damp[p] * c[p]);
          if constexpr (kDerivatives)
            davg[p] = -0.5 * (ddamp[p] * c[p] - damp[p] * sn[p] * two_dk[p] * centre);
          const double cn = c[p] * step_c[p] - sn[p] * step_s[p];
          sn[p] = sn[p] * step_c[p] + c[p] * step_s[p];
          c[p] = cn;
        }
        double w[kComponents], wt[kComponents] = {}, wm[kComponents] = {};
        for (std::size_t k = 0; k < kComponents; ++k) {
          double sum = WeightCoefficients::base[k];
          for (std::size_t p = 0; p < ff::kNumPairs; ++p)
            sum += value.coef[k][p] * avg[p];
          w[k] = sum;
          if constexpr (kDerivatives) {
            double st = 0, sm = 0;
            for (std::size_t p = 0; p < ff::kNumPairs; ++p) {
              st += dcoef[k][p] * avg[p];
              sm += value.coef[k][p] * davg[p];
            }
            wt[k] = st;
            wm[k] = sm;
          }
        }
        for (std::uint32_t q = g.pair_begin[x]; q < g.pair_begin[x + 1]; ++q) {
          const double* v = g.values.data() + static_cast<std::size_t>(q) * kComponents;
          const std::size_t r = g.row[q];
          out0[r] += v[0] * w[0] + v[1] * w[1] + v[2] * w[2] + v[3] * w[3] + v[4] * w[4];
          if constexpr (kDerivatives) {
            out1[r] += v[0] * wt[0] + v[1] * wt[1] + v[2] * wt[2] + v[3] * wt[3] + v[4] * wt[4];
            out2[r] += v[0] * wm[0] + v[1] * wm[1] + v[2] * wm[2] + v[3] * wm[3] + v[4] * wm[4];
          }
        }
      }
    }
  }
}

double Release::Impl::chi2(std::size_t sel, Eigen::Vector2d* gradient,
                           Eigen::Matrix2d* hessian) const {
  const std::size_t n = sel == 0 ? kBinsCC : kBinsNC;
  const std::size_t first = sel == 0 ? 0 : kBinsCC;
  const double* p = outputs.data() + first;
  const double* d = data.data() + first;
  Eigen::MatrixXd& v = covariance[sel];
  const Eigen::MatrixXd& f = fraction[sel];
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = j; i < n; ++i)
      v(i, j) = f(i, j) * p[i] * p[j];
  for (std::size_t i = 0; i < n; ++i) {
    if (!(p[i] > 0)) return std::numeric_limits<double>::infinity();
    v(i, i) += p[i];
    residual[sel](i) = d[i] - p[i];
  }
  llt[sel].compute(v); // reads the lower triangle only
  if (llt[sel].info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  if (!gradient) {
    work[sel] = residual[sel];
    llt[sel].matrixL().solveInPlace(work[sel]);
    return work[sel].squaredNorm();
  }
  // z = V⁻¹ r; ∂χ²/∂θ = −2 Jᵀz − zᵀ(∂V)z with ∂V = F∘(J pᵀ + p Jᵀ) + diag(J).
  Eigen::VectorXd& z = work[sel];
  z = llt[sel].solve(residual[sel]);
  const double chi2 = residual[sel].dot(z);
  Eigen::MatrixXd& jac = jacobian[sel];
  for (std::size_t i = 0; i < n; ++i) {
    jac(i, 0) = outputs[kRows + first + i];
    jac(i, 1) = outputs[2 * kRows + first + i];
  }
  const Eigen::Map<const Eigen::VectorXd> pv(p, static_cast<Eigen::Index>(n));
  const Eigen::VectorXd zp = z.cwiseProduct(pv);
  const Eigen::VectorXd fzp = f * zp;
  for (int k = 0; k < 2; ++k) {
    const double dv = 2 * z.cwiseProduct(jac.col(k)).dot(fzp) + jac.col(k).dot(z.cwiseProduct(z));
    (*gradient)(k) += -2 * jac.col(k).dot(z) - dv;
  }
  llt[sel].matrixL().solveInPlace(jac); // L⁻¹J: Jᵀ V⁻¹ J = (L⁻¹J)ᵀ(L⁻¹J)
  *hessian += 2 * jac.transpose() * jac;
  return chi2;
}

Release::Release(const Options& options)
    : options_(options), impl_(std::make_unique<Impl>(options.inputs)) {}
Release::~Release() = default;
Release::Release(Release&&) noexcept = default;

four_flavour::Angles Release::angles(const sterile3p1::Params& p) const {
  const ThreeFlavour& t = options_.three_flavour;
  ff::Angles three;
  three.theta12 = t.theta12;
  three.theta13 = t.theta13;
  three.theta23 = t.theta23;
  return ff::angles_from_fourth_column(p.ue4_sq, p.umu4_sq, p.utau4_sq, three);
}

four_flavour::Splittings Release::splittings(const sterile3p1::Params& p) const {
  const ThreeFlavour& t = options_.three_flavour;
  return {t.dm2_21, t.dm2_21 + t.dm2_32, p.dm2_41};
}

void Release::predict(const ff::Angles& angles, const ff::Splittings& splittings,
                      std::span<double> cc, std::span<double> nc) const {
  if (cc.size() != kBinsCC || nc.size() != kBinsNC)
    throw std::invalid_argument("minos: predict needs 91 CC and 54 NC entries");
  const ff::Mixing u = ff::mixing_matrix(angles);
  impl_->predict<false>(u, u, splittings);
  std::copy_n(impl_->outputs.begin(), kBinsCC, cc.begin());
  std::copy_n(impl_->outputs.begin() + kBinsCC, kBinsNC, nc.begin());
}

void Release::predict_with_derivatives(const ff::Angles& angles, const ff::Splittings& splittings,
                                       std::span<double> p, std::span<double> d_theta23,
                                       std::span<double> d_dm2_32) const {
  if (p.size() != kRows || d_theta23.size() != kRows || d_dm2_32.size() != kRows)
    throw std::invalid_argument("minos: predict_with_derivatives needs 145 entries each");
  impl_->predict<true>(ff::mixing_matrix(angles), mixing_derivative_theta23(angles), splittings);
  std::copy_n(impl_->outputs.begin(), kRows, p.begin());
  std::copy_n(impl_->outputs.begin() + kRows, kRows, d_theta23.begin());
  for (std::size_t i = 0; i < kRows; ++i)
    d_dm2_32[i] = impl_->outputs[2 * kRows + i] / kDm2Unit;
}

namespace {

double dm2_32_of(const ff::Splittings& s) {
  return s.dm2_31 - s.dm2_21;
}

double penalty(double dm2_32) {
  return std::pow((std::abs(dm2_32) - kDm232Centre) / kDm232Width, 2);
}

} // namespace

Release::Chi2 Release::chi2_parts(const ff::Angles& angles, const ff::Splittings& s) const {
  const ff::Mixing u = ff::mixing_matrix(angles);
  impl_->predict<false>(u, u, s);
  Chi2 out;
  out.cc = impl_->chi2(0);
  out.nc = impl_->chi2(1);
  out.penalty = penalty(dm2_32_of(s));
  return out;
}

Release::Profile Release::profile(const ff::Angles& start, const ff::Splittings& splittings,
                                  int steps) const {
  Profile best;
  best.theta23 = start.theta23;
  best.dm2_32 = dm2_32_of(splittings);
  ff::Angles a = start;
  ff::Splittings s = splittings;
  double total = 0;
  for (int iteration = 0;; ++iteration) {
    // χ², gradient and Gauss–Newton Hessian at the current point (θ23, Δm²32 [10⁻³ eV²]).
    const ff::Mixing u = ff::mixing_matrix(a);
    const double dm2_32 = dm2_32_of(s);
    Eigen::Vector2d g = Eigen::Vector2d::Zero();
    Eigen::Matrix2d h = Eigen::Matrix2d::Zero();
    Chi2 parts;
    const bool derivatives = iteration < steps;
    if (derivatives) {
      impl_->predict<true>(u, mixing_derivative_theta23(a), s);
      parts.cc = impl_->chi2(0, &g, &h);
      parts.nc = parts.cc < INFINITY ? impl_->chi2(1, &g, &h) : INFINITY;
    } else {
      impl_->predict<false>(u, u, s);
      parts.cc = impl_->chi2(0);
      parts.nc = impl_->chi2(1);
    }
    parts.penalty = penalty(dm2_32);
    total = parts.total();
    if (iteration == 0 || total < best.chi2.total()) {
      best.chi2 = parts;
      best.theta23 = a.theta23;
      best.dm2_32 = dm2_32;
      best.steps = iteration;
    } else {
      break; // the last step did not help: keep the best point so far
    }
    if (!derivatives || !std::isfinite(total)) break;
    // The Δm²32 prior: ((|Δm²32| − c)/w)², in units of 10⁻³ eV².
    const double scale = kDm2Unit / kDm232Width;
    const double pull = (std::abs(dm2_32) - kDm232Centre) / kDm232Width;
    g(1) += 2 * pull * scale * (dm2_32 < 0 ? -1 : 1);
    h(1, 1) += 2 * scale * scale;
    Eigen::Vector2d step = -h.ldlt().solve(g);
    if (!step.allFinite()) break;
    // Trust region: the quadratic model holds over a few hundredths in θ23 and a few per cent
    // in Δm²32.
    const double shrink = std::max({1.0, std::abs(step(0)) / kMaxStepTheta23,
                                    std::abs(step(1)) * kDm2Unit / kMaxStepDm232});
    step /= shrink;
    a.theta23 = std::clamp(a.theta23 + step(0), 0.0, std::numbers::pi / 2);
    s.dm2_31 = s.dm2_21 + dm2_32 + step(1) * kDm2Unit;
  }
  return best;
}

Release::Chi2 Release::chi2_parts(const sterile3p1::Params& p) const {
  if (options_.nuisance == Nuisance::fixed) return chi2_parts(angles(p), splittings(p));
  return profile(angles(p), splittings(p), options_.profile_steps).chi2;
}

double Release::chi2(const sterile3p1::Params& p) const {
  if (!sterile3p1::is_physical(p)) return std::numeric_limits<double>::infinity();
  return chi2_parts(p).total();
}

std::span<const double> Release::data_cc() const {
  return {impl_->data.data(), kBinsCC};
}
std::span<const double> Release::data_nc() const {
  return {impl_->data.data() + kBinsCC, kBinsNC};
}

std::string Release::fingerprint() const {
  std::ostringstream out;
  out << std::setprecision(17) << "minos-2019 method=release data=" << reactor::hex(impl_->hash)
      << " nuisance=" << nuisance_text(options_.nuisance)
      << " theta23=" << options_.three_flavour.theta23
      << " dm2_32=" << options_.three_flavour.dm2_32;
  if (options_.nuisance == Nuisance::profiled) out << " profile_steps=" << options_.profile_steps;
  return out.str();
}

// ---- surface -----------------------------------------------------------------------------------

Surface::Surface(const Options& options) : options_(options) {
  const fs::path path = options.inputs / kFolder / kSurfaceFile;
  Dense2D d = read_dense_2d(path);
  theta_ = std::move(d.x);
  dm2_ = std::move(d.y);
  chi2_ = std::move(d.values);
  log_theta_ = logs(theta_);
  log_dm2_ = logs(dm2_);
  hash_ = reactor::kHashSeed;
  reactor::hash_values(hash_, chi2_);
  reactor::hash_values(hash_, theta_);
  reactor::hash_values(hash_, dm2_);
}

double Surface::chi2_at(double theta24, double dm2_41) const {
  const double lt = theta24 > 0 ? std::log(theta24) : -std::numeric_limits<double>::infinity();
  const double ld = dm2_41 > 0 ? std::log(dm2_41) : -std::numeric_limits<double>::infinity();
  return bilinear(log_theta_, log_dm2_, chi2_, lt, ld);
}

double Surface::chi2(const sterile3p1::Params& p) const {
  if (!sterile3p1::is_physical(p)) return std::numeric_limits<double>::infinity();
  return chi2_at(theta24_of(p), p.dm2_41);
}

double Surface::minimum() const {
  return *std::min_element(chi2_.begin(), chi2_.end());
}

std::string Surface::fingerprint() const {
  return "minos-2019 method=surface data=" + reactor::hex(hash_);
}

FeldmanCousins90::FeldmanCousins90(const fs::path& inputs) {
  Dense2D d = read_dense_2d(inputs / kFolder / kFeldmanCousinsFile);
  log_theta_ = logs(d.x);
  log_dm2_ = logs(d.y);
  values_ = std::move(d.values);
}

double FeldmanCousins90::critical(double theta24, double dm2_41) const {
  return bilinear(log_theta_, log_dm2_, values_, std::log(theta24), std::log(dm2_41));
}

} // namespace nubayes::minos

namespace nubayes {

namespace {

template <class Model> class MinosExperiment : public Experiment {
public:
  explicit MinosExperiment(const minos::Options& options) : model_(options) {}
  std::string name() const override { return "minos"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    chi2 = model_.chi2(averaged_equivalent(m.neutrinos));
    return -0.5 * chi2;
  }
  std::string fingerprint() const override { return model_.fingerprint(); }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::mu, "P(numu->numu) CC, far/near"},
            {Flavour::mu, Flavour::tau, "P(numu->nutau), NC sample (with mu->e)"}};
  }
  std::string pair_signal() const override {
    // docs/models_on_experiments.md: up-scattering makes pairs in both detectors in proportion
    // to the local flux, like NC events, so the far/near extrapolation cancels them to first order.
    return "none in the CC sample (no muon); in the NC sample pairs are made in both detectors in "
           "proportion to the local flux and cancel in the far/near fit (not modelled)";
  }

private:
  Model model_;
};

} // namespace

std::unique_ptr<Experiment> make_minos_experiment(const ModelOptions& data) {
  const minos::Options options = minos::options_from(data);
  return build_experiment("minos", [&]() -> std::unique_ptr<Experiment> {
    if (options.method == minos::Method::surface)
      return std::make_unique<MinosExperiment<minos::Surface>>(options);
    return std::make_unique<MinosExperiment<minos::Release>>(options);
  });
}

} // namespace nubayes
