#include "miniboone_disappearance.h"

#include "reactor.h" // hash_values, hex

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nubayes::miniboone_disapp {

namespace {

namespace fs = std::filesystem;

constexpr const char* kNuFile = "numu/miniboone_2009/fhc/numu_chi2.txt";
constexpr const char* kNubarFile = "numu/miniboone_2009/rhc/numubar_chi2.txt";
constexpr std::size_t kGridNodes = 120; ///< dm2 and sin2_2theta nodes of each surface

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

std::string text(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

/// Index i and fraction t of v between nodes[i] and nodes[i + 1]; v must lie inside.
void locate(std::span<const double> nodes, double v, std::size_t& i, double& t) {
  if (!(v > nodes.front())) {
    i = 0;
    t = 0;
  } else if (!(v < nodes.back())) {
    i = nodes.size() - 2;
    t = 1;
  } else {
    i = static_cast<std::size_t>(std::upper_bound(nodes.begin(), nodes.end(), v) - nodes.begin()) - 1;
    t = (v - nodes[i]) / (nodes[i + 1] - nodes[i]);
  }
}

} // namespace

Surface::Surface(const fs::path& path) {
  const Table t = read_table(path, 3);
  // The first row's Δm² repeats once per sin²2θ node: count them.
  std::size_t ns = 0;
  while (ns < t.rows() && t.row(ns)[0] == t.row(0)[0])
    ++ns;
  if (ns < 2 || t.rows() % ns != 0)
    fail(path, "not a complete grid (" + std::to_string(t.rows()) + " rows, " + std::to_string(ns) +
                   " sin2_2theta values per dm2)");
  const std::size_t nd = t.rows() / ns;
  // Both released surfaces are 120 x 120: a whole missing dm2 row still looks like a grid.
  expect_rows(nd, kGridNodes, path, "dm2 values");
  expect_rows(ns, kGridNodes, path, "sin2_2theta values per dm2");
  for (std::size_t i = 0; i < nd; ++i)
    for (std::size_t j = 0; j < ns; ++j) {
      const auto r = t.row(i * ns + j);
      const std::string where = "row " + std::to_string(i * ns + j + 1) + ": ";
      if (j == 0) {
        if (!(r[0] > 0)) fail(path, where + "dm2 must be > 0");
        if (i > 0 && !(r[0] > dm2_.back())) fail(path, where + "dm2 values must increase");
        dm2_.push_back(r[0]);
      } else if (r[0] != dm2_.back()) {
        fail(path, where + "dm2 " + text(r[0]) + " breaks the grid (expected " + text(dm2_.back()) + ")");
      }
      if (i == 0) {
        if (!(r[1] > 0 && r[1] <= 1)) fail(path, where + "sin2_2theta must lie in (0, 1]");
        if (j > 0 && !(r[1] > s_.back())) fail(path, where + "sin2_2theta values must increase");
        s_.push_back(r[1]);
      } else if (r[1] != s_[j]) {
        fail(path, where + "sin2_2theta " + text(r[1]) + " breaks the grid (expected " + text(s_[j]) + ")");
      }
      if (!(r[2] >= 0)) fail(path, where + "chi2 must be >= 0");
      values_.push_back(r[2]);
    }
  for (double d : dm2_)
    log_dm2_.push_back(std::log(d));
  for (double s : s_)
    log_s_.push_back(std::log(s));
  hash_ = reactor::kHashSeed;
  reactor::hash_values(hash_, t.values);
}

double Surface::chi2(double dm2, double s) const {
  const std::size_t ns = s_.size();
  const double null = null_chi2();
  if (!(s > 0) || !(dm2 > 0)) return null;
  // On the grid in (ln Δm², ln s); Δm² clamped above, scaled as Δm⁴ below.
  const auto at = [&](double log_dm2, double log_s) {
    std::size_t i = 0, j = 0;
    double ti = 0, tj = 0;
    locate(log_dm2_, log_dm2, i, ti);
    locate(log_s_, log_s, j, tj);
    const double v00 = values_[i * ns + j], v01 = values_[i * ns + j + 1];
    const double v10 = values_[(i + 1) * ns + j], v11 = values_[(i + 1) * ns + j + 1];
    return (1 - ti) * ((1 - tj) * v00 + tj * v01) + ti * ((1 - tj) * v10 + tj * v11);
  };
  double value = 0;
  const double log_dm2 = std::log(dm2);
  if (s < s_.front())
    value = null + (at(log_dm2, log_s_.front()) - null) * (s / s_.front());
  else
    value = at(log_dm2, std::log(s));
  if (dm2 < dm2_.front()) {
    const double scale = dm2 / dm2_.front();
    value = null + (value - null) * scale * scale;
  }
  return value;
}

Release parse_release(const std::string& text) {
  if (text == "2009") return Release::both_2009;
  if (text == "2009-nu") return Release::nu_2009;
  if (text == "2009-nubar") return Release::nubar_2009;
  throw std::invalid_argument("expected '2009', '2009-nu' or '2009-nubar', got '" + text + "'");
}

std::string release_text(Release release) {
  switch (release) {
  case Release::nu_2009: return "2009-nu";
  case Release::nubar_2009: return "2009-nubar";
  default: return "2009";
  }
}

Options options_from(const ModelOptions& data) {
  Options o;
  try {
    o.release = parse_release(data.text("miniboone_disapp", "2009"));
  } catch (const std::invalid_argument& e) {
    throw OptionError("miniboone_disapp", e.what(), "data");
  }
  return o;
}

Disappearance::Disappearance(const Options& options) : options_(options) {
  if (options.release != Release::nubar_2009)
    nu_ = std::make_shared<const Surface>(options.inputs / kNuFile);
  if (options.release != Release::nu_2009)
    nubar_ = std::make_shared<const Surface>(options.inputs / kNubarFile);
}

double Disappearance::chi2(const sterile3p1::Params& p) const {
  if (!sterile3p1::is_physical(p)) return std::numeric_limits<double>::infinity();
  // The official surfaces are in (Δm², sin²2θμμ): a channel that does not oscillate enters at
  // the top of the grid with the same averaged probability.
  const auto [s, dm2] = two_flavour_equivalent(p, Flavour::mu, Flavour::mu, kAveragedDm2);
  double sum = 0;
  if (nu_) sum += nu_->chi2(dm2, s);
  if (nubar_) sum += nubar_->chi2(dm2, s);
  return sum;
}

std::string Disappearance::fingerprint() const {
  std::ostringstream out;
  out << "miniboone-disapp release=" << release_text(options_.release);
  if (nu_) out << " nu=" << reactor::hex(nu_->hash());
  if (nubar_) out << " nubar=" << reactor::hex(nubar_->hash());
  return out.str();
}

} // namespace nubayes::miniboone_disapp

namespace nubayes {

std::unique_ptr<Experiment> make_miniboone_disapp_experiment(const ModelOptions& data) {
  const miniboone_disapp::Options options = miniboone_disapp::options_from(data);
  return build_experiment("miniboone-disapp", [&] {
    return std::make_unique<Chi2Experiment<miniboone_disapp::Disappearance>>(
        "miniboone-disapp",
        std::vector<ChannelUse>{{Flavour::mu, Flavour::mu, "P(numu->numu), official surface"}},
        pair_reasons::kNeedsMuon, options);
  });
}

} // namespace nubayes
