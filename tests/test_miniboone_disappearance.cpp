// MiniBooNE 2009 νμ / ν̄μ disappearance (likelihoods/miniboone_disappearance.h): the official χ²
// surfaces (minima and null of notes §9.4), the interpolation and its extension off the grid, the
// input checks and the [data] options.
#include "inputs_copy.h"
#include "miniboone_disappearance.h"
#include "model_options.h"
#include "sterile3p1.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace nubayes;
namespace fs = std::filesystem;
namespace md = nubayes::miniboone_disapp;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

const md::Disappearance& both() {
  static const md::Disappearance d(md::Options{.inputs = kInputs});
  return d;
}

/// 3+1 parameters with sin²2θμμ = s.
sterile3p1::Params params(double s, double dm2) {
  return {dm2, 0, 0.5 * (1 - std::sqrt(1 - s)), 0};
}

struct Minimum {
  double chi2, dm2, s;
};

Minimum grid_minimum(const md::Surface& surface) {
  const auto v = surface.values();
  const auto it = std::min_element(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(it - v.begin());
  const std::size_t ns = surface.sin2_2theta().size();
  return {*it, surface.dm2()[k / ns], surface.sin2_2theta()[k % ns]};
}

} // namespace

TEST(MiniBooNEDisapp, OfficialMinimaAndNull) {
  // Notes §9.4: ν 12.72 at (17.5 eV², 0.156), ν̄ 5.43 at (31.3 eV², 0.96); null χ² 17.78 / 10.29.
  const md::Surface& nu = *both().nu();
  const md::Surface& nubar = *both().nubar();
  ASSERT_EQ(nu.dm2().size(), 120u);
  ASSERT_EQ(nu.sin2_2theta().size(), 120u);
  const Minimum a = grid_minimum(nu), b = grid_minimum(nubar);
  EXPECT_NEAR(a.chi2, 12.72, 1e-9);
  EXPECT_NEAR(a.dm2, 17.5, 0.05);
  EXPECT_NEAR(a.s, 0.156, 0.001);
  EXPECT_NEAR(b.chi2, 5.43, 1e-9);
  EXPECT_NEAR(b.dm2, 31.3, 0.05);
  EXPECT_NEAR(b.s, 0.962, 0.001);
  EXPECT_NEAR(nu.null_chi2(), 17.78, 1e-9);
  EXPECT_NEAR(nubar.null_chi2(), 10.29, 1e-9);
  // Through the 3+1 parameters (sin²2θμμ = 4|Uμ4|²(1 − |Uμ4|²)); exact on grid points.
  const md::Disappearance only_nu(md::Options{.inputs = kInputs, .release = md::Release::nu_2009});
  EXPECT_NEAR(only_nu.chi2(params(a.s, a.dm2)), 12.72, 1e-9);
  EXPECT_NEAR(both().chi2(params(0, 1)), 17.78 + 10.29, 1e-9);
}

TEST(MiniBooNEDisapp, InterpolationAndExtensionOffTheGrid) {
  const md::Surface& nu = *both().nu();
  const auto d = nu.dm2();
  const auto s = nu.sin2_2theta();
  const auto v = nu.values();
  const std::size_t ns = s.size();
  for (std::size_t i : {0u, 50u, 119u})
    for (std::size_t j : {0u, 60u, 119u})
      EXPECT_DOUBLE_EQ(nu.chi2(d[i], s[j]), v[i * ns + j]);
  const double mid = nu.chi2(std::sqrt(d[70] * d[71]), std::sqrt(s[30] * s[31]));
  const double lo = std::min({v[70 * ns + 30], v[70 * ns + 31], v[71 * ns + 30], v[71 * ns + 31]});
  const double hi = std::max({v[70 * ns + 30], v[70 * ns + 31], v[71 * ns + 30], v[71 * ns + 31]});
  EXPECT_GE(mid, lo);
  EXPECT_LE(mid, hi);
  // Below sin²2θ = 0.01: linear to the null; continuous at the edge.
  EXPECT_NEAR(nu.chi2(d[80], s[0] * (1 - 1e-12)), v[80 * ns], 1e-9);
  EXPECT_NEAR(nu.chi2(d[80], 0.5 * s[0]), 0.5 * (nu.null_chi2() + v[80 * ns]), 1e-9);
  EXPECT_DOUBLE_EQ(nu.chi2(d[80], 0), nu.null_chi2());
  // Below Δm² = 0.1 eV²: the change from the null falls as (Δm²)²; continuous at the edge.
  EXPECT_NEAR(nu.chi2(d[0] * (1 - 1e-12), s[100]), v[100], 1e-9);
  EXPECT_NEAR(nu.chi2(0.5 * d[0], s[100]), nu.null_chi2() + 0.25 * (v[100] - nu.null_chi2()), 1e-9);
  EXPECT_NEAR(nu.chi2(1e-6, 1.0), nu.null_chi2(), 1e-6);
  // Above 100 eV²: clamped.
  EXPECT_DOUBLE_EQ(nu.chi2(1e3, s[60]), v[119 * ns + 60]);
  // Unphysical 3+1 points
  EXPECT_EQ(both().chi2({1, 0.7, 0.7, 0}), INFINITY);
}

// ---- inputs -------------------------------------------------------------------------------------

namespace {

class DisappInputs : public nubayes::testing::InputsCopy {
protected:
  DisappInputs() : InputsCopy("numu/miniboone_2009/fhc") {}
  void load() const override { md::Surface(dir / kFile); }
  void expect_rejected(const std::string& needle) {
    expect_load_error({(dir / kFile).string(), needle});
  }
  static constexpr const char* kFile = "numu_chi2.txt";
};

} // namespace

TEST_F(DisappInputs, GarbledSurfaces) {
  edit_line(kFile, 2, " 0.100 \t 0.01000 \t   17.78 "); // repeats the first node
  expect_rejected("row 2: sin2_2theta values must increase");
  edit_line(kFile, 2, " 0.100 \t 0.01039 \t   -1 ");
  expect_rejected("row 2: chi2 must be >= 0");
  edit_line(kFile, 2, " 0.100 \t 0.01039 ");
  expect_rejected(":2: expected 3 numbers, found 2");
  edit_line(kFile, 2, " 0.100 \t 0.01039 \t   17.78 ");
  edit_line(kFile, 122, " 0.106 \t 0.01040 \t   17.78 "); // second Δm² row, off-grid sin²2θ
  expect_rejected("row 122: sin2_2theta 0.0104 breaks the grid (expected 0.01039)");
  edit_line(kFile, 122, " 0.106 \t 0.01039 \t   17.78 ");
  edit_line(kFile, 14400, "# gone");
  expect_rejected("not a complete grid (14399 rows, 120 sin2_2theta values per dm2)");
}

TEST_F(DisappInputs, MissingFileIsAnOptionError) {
  fs::remove(dir / kFile);
  ::setenv("NUBAYES_INPUTS", root.c_str(), 1);
  try {
    make_miniboone_disapp_experiment(ModelOptions({{"miniboone_disapp", "2009-nu"}}, "data"));
    ADD_FAILURE() << "no exception";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "experiments");
    EXPECT_NE(std::string(e.what()).find("miniboone-disapp: " + (dir / kFile).string() + ": file not found"),
              std::string::npos)
        << e.what();
  }
  ::unsetenv("NUBAYES_INPUTS");
}

TEST(MiniBooNEDisappOptions, ReleaseOption) {
  const ModelOptions none({}, "data");
  const auto plain = make_miniboone_disapp_experiment(none);
  EXPECT_EQ(plain->name(), "miniboone-disapp");
  EXPECT_EQ(none.resolved().at("miniboone_disapp"), "2009");
  double chi2 = 0;
  plain->loglike(params(0, 1), chi2);
  EXPECT_NEAR(chi2, 28.07, 1e-9);
  const auto nu = make_miniboone_disapp_experiment(ModelOptions({{"miniboone_disapp", "2009-nu"}}, "data"));
  const auto nubar = make_miniboone_disapp_experiment(ModelOptions({{"miniboone_disapp", "2009-nubar"}}, "data"));
  double a = 0, b = 0;
  nu->loglike(params(0.3, 5), a);
  nubar->loglike(params(0.3, 5), b);
  plain->loglike(params(0.3, 5), chi2);
  EXPECT_NEAR(a + b, chi2, 1e-12);
  EXPECT_NE(nu->fingerprint(), plain->fingerprint());
  try {
    make_miniboone_disapp_experiment(ModelOptions({{"miniboone_disapp", "2012"}}, "data"));
    ADD_FAILURE();
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "miniboone_disapp");
    EXPECT_NE(std::string(e.what()).find("expected '2009', '2009-nu' or '2009-nubar', got '2012'"),
              std::string::npos);
  }
}
