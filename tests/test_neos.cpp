// NEOS / Daya Bay ratio: the χ² of the transcribed data (physics notes §9.4), the best fit of a
// grid scan against the published one (§10.2), the Daya Bay factor (its table against the exact
// average, its large-Δm² limit), the input checks and the [data] options.
#include "inputs_copy.h"
#include "model_options.h"
#include "neos.h"
#include "sterile3p1.h"

#include "nue_scan.h"

#include "option_errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

const neos::Ratio& loaded() {
  static const neos::Ratio ratio(neos::Options{.inputs = kInputs});
  return ratio;
}

/// Grid scan: sin²2θ in [0, 0.2] by 0.0025, Δm² log-spaced over [0.2, 10] eV² (400 points).
const ScanGrid kGrid{0.2, 50.0, 400, 0.0025, 80};

} // namespace

// ---- the numbers --------------------------------------------------------------------------------

TEST(Neos, NoOscillationChi2OfTheTranscription) {
  // Notes §9.4: χ²(ratio ≡ const, free normalisation) = 64.0 for the 60 transcribed bins.
  double k = 0;
  EXPECT_NEAR(loaded().chi2(params(0, 1.0), &k), 64.008, 0.005);
  EXPECT_NEAR(k, 1.0036, 0.0005);
  // No mixing, no Δm², or a Δm² so large that NEOS and Daya Bay both average to ½: flat ratio.
  EXPECT_DOUBLE_EQ(loaded().chi2(params(0.1, 0)), loaded().chi2(params(0, 1)));
  EXPECT_NEAR(loaded().chi2(params(0.1, 1e4)), loaded().chi2(params(0, 1)), 1e-9);
  // A fixed normalisation at the fitted k gives the same χ².
  const neos::Ratio fixed(
      neos::Options{.inputs = kInputs, .normalisation = reactor::Normalisation{false, k}});
  EXPECT_NEAR(fixed.chi2(params(0, 1.0)), 64.008, 0.005);
}

TEST(Neos, BestFitOfAGridScanIsNearThePublishedOne) {
  // Paper: sin²2θ = 0.05, Δm² = 1.73 eV². Ours: 56.12 at (0.0525, 1.70 eV²), Δχ² = 7.9 below no
  // oscillation; the χ² valley is narrow in Δm² (58.03 at the published point itself).
  const BestFit best =
      scan([](const sterile3p1::Params& p) { return loaded().chi2(p); }, kGrid, "neos");
  EXPECT_NEAR(best.chi2, 56.12, 0.02);
  EXPECT_NEAR(best.sin2_2theta, 0.0525, 0.0051);
  EXPECT_NEAR(best.dm2, 1.70, 0.03);
  EXPECT_NEAR(loaded().chi2(params(0.05, 1.73)), 58.03, 0.03);
}

TEST(Neos, ResolutionSetsTheFittedAmplitude) {
  // With the bare 5 %/√E of the paper (no constant term) the same wiggle is fitted by a smaller
  // amplitude: 54.6 at (0.035, 1.68 eV²). The default's 0.12 MeV constant term (Berryman–Huber)
  // brings the amplitude to the published 0.05.
  const neos::Options sharp{.inputs = kInputs, .resolution_constant = 0};
  const neos::Ratio ratio(sharp);
  const BestFit best =
      scan([&](const sterile3p1::Params& p) { return ratio.chi2(p); }, kGrid, "neos, 5%/sqrt(E)");
  EXPECT_NEAR(best.chi2, 54.63, 0.02);
  EXPECT_NEAR(best.sin2_2theta, 0.035, 0.0051);
  EXPECT_NEAR(best.dm2, 1.68, 0.03);
}

// Finite over Δm² from 0.01 to 10 eV², where Daya Bay is computed too (timing: bench/global_speed).
TEST(Neos, EvaluationIsFiniteOverAScan) {
  for (const char* db : {"averaged", "oscillating"}) {
    const auto experiment = make_neos_experiment(ModelOptions({{"neos_dayabay", db}}, "data"));
    double chi2 = 0;
    for (int i = 0; i < 1000; ++i) {
      EXPECT_TRUE(std::isfinite(experiment->loglike(params(0.05, 0.01 * std::pow(1000.0, i / 999.0)), chi2)))
          << db << i;
      EXPECT_GE(chi2, 0) << db << i;
    }
  }
}

// ---- the Daya Bay factor ------------------------------------------------------------------------

TEST(NeosDayaBay, TableMatchesTheExactAverage) {
  const auto& table = loaded().dayabay_table();
  ASSERT_EQ(table.bins(), neos::kBins);
  double worst = 0;
  for (std::size_t b = 0; b < table.bins(); b += 7)
    for (double kappa = 0.37; kappa < table.kappa_max(); kappa *= 1.13)
      worst =
          std::max(worst, std::abs(table.mean_sin2(b, kappa) - table.mean_sin2_exact(b, kappa)));
  EXPECT_LT(worst, 1e-6);
  EXPECT_NEAR(table.mean_sin2(0, 0.0), 0.0, 1e-12);
  EXPECT_EQ(table.mean_sin2(30, 1e6), 0.5);
  // Only the lowest bins, fed down to the IBD threshold, are cut before they settle.
  EXPECT_LT(table.residual(), 1e-3);
}

TEST(NeosDayaBay, OscillatesAtSmallDm2AndAveragesAtLarge) {
  std::vector<double> d(neos::kBins);
  loaded().dayabay_mean_sin2(sterile3p1::wavenumber(0.02), d); // phase ~ 1 at 360 m
  EXPECT_GT(*std::max_element(d.begin(), d.end()) - *std::min_element(d.begin(), d.end()), 0.3);
  loaded().dayabay_mean_sin2(sterile3p1::wavenumber(2.0), d);
  for (double v : d)
    EXPECT_NEAR(v, 0.5, 1e-3);
  // So 'averaged' changes χ² only where Daya Bay's own oscillation is not averaged out.
  const neos::Ratio averaged(neos::Options{.inputs = kInputs, .dayabay = neos::DayaBay::averaged});
  EXPECT_NEAR(averaged.chi2(params(0.05, 1.7)), loaded().chi2(params(0.05, 1.7)), 0.01);
  EXPECT_GT(loaded().chi2(params(0.1, 0.02)) - averaged.chi2(params(0.1, 0.02)), 10.0);
}

// ---- inputs -------------------------------------------------------------------------------------

namespace {

/// A scratch copy of inputs/reactor/neos/.
class NeosInputs : public nubayes::testing::InputsCopy {
protected:
  NeosInputs() : InputsCopy("reactor/neos") {}
  void load() const override { neos::Ratio(neos::Options{.inputs = root}); }
  /// Expects loading to fail with one line naming `file` and containing `needle`.
  void expect_rejected(const std::string& file, const std::string& needle) {
    expect_load_error({(dir / file).string(), needle});
  }
};

constexpr const char* kRatio = "neos_dayabay_ratio_transcribed.txt";
constexpr const char* kCovariance = "neos_inverse_covariance_transcribed.txt";

} // namespace

TEST_F(NeosInputs, TheCopyLoadsAndGivesTheSameFingerprint) {
  EXPECT_EQ(neos::Ratio(neos::Options{.inputs = root}).fingerprint(), loaded().fingerprint());
}

TEST_F(NeosInputs, MalformedRatioTable) {
  // the data rows start on line 10
  edit_line(kRatio, 10, "1.0 1.1 0.978 0.0761 7");
  expect_rejected(kRatio, ":10: expected 4 numbers, found 5");
  edit_line(kRatio, 10, "1.0 1.1 0.978 O.0761");
  expect_rejected(kRatio, ":10: not a number: 'O.0761'");
  edit_line(kRatio, 10, "1.1 1.0 0.978 0.0761");
  expect_rejected(kRatio, "row 1: bin edges must increase");
  edit_line(kRatio, 10, "1.0 1.1 0.978 0.0761");
  edit_line(kRatio, 11, "1.1 1.2 1.04 -0.0697");
  expect_rejected(kRatio, "row 2: sigma must be > 0");
  edit_line(kRatio, 11, "");
  expect_rejected(kRatio, "expected 60 rows, found 59");
}

TEST_F(NeosInputs, MalformedInverseCovariance) {
  std::ofstream(dir / kCovariance, std::ios::app) << "1 2 3\n"; // rows are lines 4-63
  expect_rejected(kCovariance, ":64: more than 60 rows");
  edit_line(kCovariance, 64, "");
  edit_line(kCovariance, 63, "");
  expect_rejected(kCovariance, "expected 60 rows of 60 numbers, found 59 rows");
  edit_line(kCovariance, 63, std::string(60 * 2, ' ') + "0");
  expect_rejected(kCovariance, ":63: expected 60 numbers, found 1");
}

TEST_F(NeosInputs, MissingFileIsAnOptionErrorOfTheExperimentList) {
  fs::remove(dir / kCovariance);
  ::setenv("NUBAYES_INPUTS", root.c_str(), 1);
  try {
    make_neos_experiment(ModelOptions({}, "data"));
    ADD_FAILURE() << "no exception";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "experiments");
    EXPECT_EQ(e.section(), "data");
    EXPECT_NE(
        std::string(e.what()).find("neos: " + (dir / kCovariance).string() + ": file not found"),
        std::string::npos)
        << e.what();
  }
  ::unsetenv("NUBAYES_INPUTS");
}

// ---- [data] options -----------------------------------------------------------------------------

namespace {

void expect_option_error(const std::map<std::string, std::string>& keys, const std::string& key,
                         const std::string& needle) {
  expect_data_option_error([](const ModelOptions& o) { return make_neos_experiment(o); }, keys, key,
                           needle);
}

} // namespace

TEST(NeosOptions, BadValuesNameTheKey) {
  expect_option_error({{"neos_normalisation", "fitted"}}, "neos_normalisation",
                      "expected 'free' or a positive number");
  expect_option_error({{"neos_normalisation", "0"}}, "neos_normalisation", "'0'");
  expect_option_error({{"neos_resolution_stochastic", "5%"}}, "neos_resolution_stochastic",
                      "not a finite number");
  expect_option_error({{"neos_resolution_constant", "0.6"}}, "neos_resolution_constant",
                      "outside the allowed range [0, 0.5]");
  expect_option_error({{"neos_resolution_stochastic", "0"}, {"neos_resolution_constant", "0"}},
                      "neos_resolution_stochastic", "at least 0.01 MeV");
  expect_option_error({{"neos_dayabay", "average"}}, "neos_dayabay",
                      "expected 'oscillating' or 'averaged'");
}

TEST(NeosOptions, DefaultsAreResolvedAndOptionsReachTheLikelihood) {
  const ModelOptions none({}, "data");
  const auto plain = make_neos_experiment(none);
  EXPECT_EQ(plain->name(), "neos");
  EXPECT_EQ(none.resolved().at("neos_normalisation"), "free");
  EXPECT_EQ(none.resolved().at("neos_resolution_stochastic"), "0.050000000000000003");
  EXPECT_EQ(none.resolved().at("neos_resolution_constant"), "0.12");
  EXPECT_EQ(none.resolved().at("neos_dayabay"), "oscillating");
  double chi2 = 0;
  EXPECT_NEAR(plain->loglike(params(0, 1), chi2), -0.5 * 64.008, 0.003);
  EXPECT_NEAR(chi2, 64.008, 0.005);

  const auto averaged = make_neos_experiment(ModelOptions({{"neos_dayabay", "averaged"}}, "data"));
  EXPECT_NE(averaged->fingerprint(), plain->fingerprint());
  EXPECT_NE(averaged->fingerprint().find("dayabay=averaged"), std::string::npos)
      << averaged->fingerprint();
  const auto fixed = make_neos_experiment(ModelOptions({{"neos_normalisation", "1.05"}}, "data"));
  fixed->loglike(params(0, 1), chi2);
  EXPECT_GT(chi2, 64.008 + 1); // away from the fitted k = 1.0036
}
