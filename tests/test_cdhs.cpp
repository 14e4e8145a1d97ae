// CDHS 1984 back/front ratios (likelihoods/cdhs.h): the no-oscillation χ² of the transcription
// (notes §9.4), the range–energy relation, the L/E average against direct quadrature, the
// sensitivity, the input checks and the [data] options.
#include "cdhs.h"
#include "inputs_copy.h"
#include "model_options.h"
#include "sterile3p1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using namespace nubayes;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

const cdhs::BackFront& loaded() {
  static const cdhs::BackFront b(cdhs::Options{.inputs = kInputs});
  return b;
}

/// 3+1 parameters with sin²2θμμ = s.
sterile3p1::Params params(double s, double dm2) {
  return {dm2, 0, 0.5 * (1 - std::sqrt(1 - s)), 0};
}

} // namespace

TEST(Cdhs, NoOscillationChi2OfTheTranscription) {
  // Notes §9.4: χ²(no oscillation, free normalisation with a 2.5 % prior) = 14.7 for 15 ratios.
  double a = 0;
  const double chi2 = loaded().chi2(params(0, 1), &a);
  EXPECT_NEAR(chi2, 14.738, 0.001);
  // The same by hand from the data: a = (Σ R/σ² + 1/σa²) / (Σ 1/σ² + 1/σa²).
  double num = 1 / (0.025 * 0.025), den = num;
  for (const auto& r : loaded().data()) {
    num += r.ratio / (r.sigma * r.sigma);
    den += 1 / (r.sigma * r.sigma);
  }
  EXPECT_NEAR(a, num / den, 1e-12);
  EXPECT_GT(a, 1.0); // the ratios lie above 1 on average
  // Fixed normalisation (σa = 0): Σ (R − 1)²/σ²
  const cdhs::BackFront fixed(cdhs::Options{.inputs = kInputs, .norm_error = 0});
  double direct = 0;
  for (const auto& r : loaded().data())
    direct += std::pow((r.ratio - 1) / r.sigma, 2);
  EXPECT_NEAR(fixed.chi2(params(0, 1), &a), direct, 1e-12);
  EXPECT_EQ(a, 1.0);
}

TEST(Cdhs, RangeEnergyInIron) {
  // Minimum ionisation of iron: 1.451 MeV cm²/g (PDG), near βγ ≈ 3.5 (E ≈ 0.38 GeV).
  double smin = 1e9;
  for (double e = 0.2; e < 2; e += 0.001)
    smin = std::min(smin, cdhs::muon_stopping_power_iron(e));
  EXPECT_NEAR(smin, 1.451, 0.01);
  // CSDA range of a 1 GeV (total energy) muon: ~574 g/cm² (73 cm of iron; PDG tables: ~5.9×10²
  // g/cm² at p = 1 GeV/c).
  EXPECT_NEAR(cdhs::muon_range_in_iron(1.0), 574, 5);
  for (double e : {0.3, 0.8, 2.5, 7.0})
    EXPECT_NEAR(cdhs::muon_energy_from_range(cdhs::muon_range_in_iron(e) / 7.874), e, 1e-9);
  // The bins: 37.5 cm of projected range is 43 cm of iron, a 0.64 GeV muon; open last bins.
  EXPECT_NEAR(loaded().energy_lo()[0], 0.641, 0.002);
  EXPECT_TRUE(std::isinf(loaded().energy_hi()[7]));
  EXPECT_TRUE(std::isinf(loaded().energy_hi()[14]));
  for (std::size_t i = 0; i < cdhs::kBins; ++i)
    EXPECT_LT(loaded().energy_lo()[i], loaded().energy_hi()[i]);
}

TEST(Cdhs, AverageMatchesDirectQuadrature) {
  // R_i by direct double quadrature (E on a fine grid, L by the midpoint rule) against the L/E
  // grid average.
  const double kA = 0.0464133;
  const auto g = [&](double e, double c) {
    if (std::isinf(c) || e <= c) return 0.0;
    const double r = c / e;
    return e * ((1 - r) + kA * (1 - r * r * r));
  };
  for (double dm2 : {0.7, 3.0, 12.0}) {
    const auto p = params(0.2, dm2);
    std::vector<double> r(cdhs::kBins);
    loaded().predict(p, r);
    for (std::size_t i : {0u, 4u, 7u, 9u, 14u}) {
      const double lo = loaded().energy_lo()[i], hi = loaded().energy_hi()[i];
      double site[2];
      const double centre[2] = {cdhs::kBackBaseline, cdhs::kFrontBaseline};
      const double length[2] = {cdhs::kBackLength, cdhs::kFrontLength};
      for (int s = 0; s < 2; ++s) {
        double num = 0, den = 0;
        const int ne = 20000, nl = 200;
        for (int k = 0; k < ne; ++k) {
          const double e = lo + (30.0 - lo) * (k + 0.5) / ne;
          const double w = std::exp(-e) * (g(e, lo) - g(e, hi));
          if (w <= 0) continue;
          double pmean = 0;
          for (int m = 0; m < nl; ++m) {
            const double l = centre[s] + length[s] * ((m + 0.5) / nl - 0.5);
            pmean += sterile3p1::prob_mumu(p, l / e) / nl;
          }
          num += w * pmean;
          den += w;
        }
        site[s] = num / den;
      }
      EXPECT_NEAR(r[i], site[0] / site[1], 2e-4) << "dm2 " << dm2 << " bin " << i;
    }
  }
}

TEST(Cdhs, SensitivityWindow) {
  // No effect where neither detector oscillates (Δm² → 0) or both average out (Δm² ≫ 100 eV²).
  const double null = loaded().chi2(params(0, 1));
  EXPECT_NEAR(loaded().chi2(params(0.5, 1e-3)), null, 1e-3);
  EXPECT_NEAR(loaded().chi2(params(0.5, 1e4)), null, 1e-3);
  // Our 90 % CL upper limit on sin²2θμμ (Δχ² = 2.71 at fixed Δm²): 0.035 at 3 eV², 0.11 at
  // 1 eV² (CDHS excluded 0.3 ≲ Δm² ≲ 90 eV² at large mixing [R]).
  const auto limit = [&](double dm2) {
    double lo = 0, hi = 1;
    const double base = loaded().chi2(params(0, dm2));
    for (int k = 0; k < 40; ++k) {
      const double mid = 0.5 * (lo + hi);
      (loaded().chi2(params(mid, dm2)) - base > 2.71 ? hi : lo) = mid;
    }
    return lo;
  };
  EXPECT_NEAR(limit(3.0), 0.0353, 0.002);
  EXPECT_NEAR(limit(1.0), 0.108, 0.005);
  EXPECT_GT(limit(0.1), 0.99);
}

// ---- inputs -------------------------------------------------------------------------------------

namespace {

class CdhsInputs : public nubayes::testing::InputsCopy {
protected:
  CdhsInputs() : InputsCopy("numu/cdhs") {}
  void load() const override { cdhs::BackFront(cdhs::Options{.inputs = root}); }
  void expect_rejected(const std::string& needle) {
    expect_load_error({(dir / kFile).string(), needle});
  }
  static constexpr const char* kFile = "cdhs_1984_back_front_ratio_transcribed.txt";
};

} // namespace

TEST_F(CdhsInputs, TheCopyLoads) {
  EXPECT_EQ(cdhs::BackFront(cdhs::Options{.inputs = root}).fingerprint(), loaded().fingerprint());
}

TEST_F(CdhsInputs, GarbledRows) {
  // line 9 is the first row: "1 37.5 50 0.985 0.066"
  edit_line(kFile, 9, "1 37.5 50 0.985");
  expect_rejected(":9: expected 5 numbers, found 4");
  edit_line(kFile, 9, "1 37.5 inf 0.985 0.066");
  expect_rejected(":10: only the last bin of a data set may be open-ended");
  edit_line(kFile, 9, "1 37.5 50 0.985 inf");
  expect_rejected(":9: not a number: 'inf'");
  edit_line(kFile, 9, "1 37.5 45 0.985 0.066");
  expect_rejected(":10: range bins must be contiguous");
  edit_line(kFile, 9, "1 37.5 50 0.985 -0.066");
  expect_rejected(":9: sigma must be > 0");
  edit_line(kFile, 9, "3 37.5 50 0.985 0.066");
  expect_rejected(":9: data set must be 1 or 2");
  edit_line(kFile, 9, "# gone");
  expect_rejected("expected 15 rows, found 14");
}

TEST_F(CdhsInputs, MissingFileIsAnOptionError) {
  fs::remove(dir / kFile);
  ::setenv("NUBAYES_INPUTS", root.c_str(), 1);
  try {
    make_cdhs_experiment(ModelOptions({}, "data"));
    ADD_FAILURE() << "no exception";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "experiments");
    EXPECT_NE(std::string(e.what()).find("cdhs: " + (dir / kFile).string() + ": file not found"),
              std::string::npos)
        << e.what();
  }
  ::unsetenv("NUBAYES_INPUTS");
}

TEST(CdhsOptions, NormErrorOption) {
  const ModelOptions none({}, "data");
  const auto plain = make_cdhs_experiment(none);
  EXPECT_EQ(plain->name(), "cdhs");
  EXPECT_DOUBLE_EQ(std::stod(none.resolved().at("cdhs_norm_error")), 0.025);
  double chi2 = 0;
  EXPECT_NEAR(plain->loglike(params(0, 1), chi2), -0.5 * 14.738, 0.001);
  const auto loose = make_cdhs_experiment(ModelOptions({{"cdhs_norm_error", "0.1"}}, "data"));
  double loose_chi2 = 0;
  loose->loglike(params(0, 1), loose_chi2);
  EXPECT_LT(loose_chi2, chi2);
  EXPECT_NE(loose->fingerprint(), plain->fingerprint());
  for (const char* bad : {"-0.1", "2", "x"}) {
    try {
      make_cdhs_experiment(ModelOptions({{"cdhs_norm_error", bad}}, "data"));
      ADD_FAILURE() << bad;
    } catch (const OptionError& e) {
      EXPECT_EQ(e.key(), "cdhs_norm_error");
      EXPECT_EQ(e.section(), "data");
    }
  }
}
