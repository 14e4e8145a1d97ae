// MicroBooNE Wire-Cell inclusive νe (likelihoods/microboone_inclusive.h) against the paper
// (PRD 105 112005, arXiv:2110.13978) and the release: the reader's shape checks, the
// νμ-constrained 0–600 MeV prediction (56 observed, 69.6 / 103.8 predicted), the goodness-of-fit χ²
// of the release's recipe, the Δχ²(x) of the eLEE strength against the official curve, and the
// Bayesian posterior of x (docs/microboone.md compares it with the paper's frequentist numbers).
#include "experiment_table.h"
#include "inputs_copy.h"
#include "microboone_inclusive.h"
#include "model_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::microboone;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";
constexpr const char* kFolder = "microboone/inclusive_WireCell_2110.13978";
constexpr Eigen::Index kLowEnergyBins = 6; ///< E_reco < 600 MeV

const Inclusive& loaded() {
  static const Inclusive inclusive(kInputs);
  return inclusive;
}

/// Sum of the first 6 bins and √(Σ_ij C_ij) over them: the paper's 0–600 MeV numbers.
struct LowEnergy {
  double events, syst;
};
LowEnergy low_energy(const NueFcPrediction& p) {
  return {p.prediction.head(kLowEnergyBins).sum(),
          std::sqrt(p.covariance.topLeftCorner(kLowEnergyBins, kLowEnergyBins).sum())};
}

/// χ²(x) on a grid of `steps` + 1 points over [0, 2].
std::vector<double> chi2_scan(int steps, Statistic statistic = Statistic::cnp) {
  std::vector<double> out;
  for (int i = 0; i <= steps; ++i)
    out.push_back(loaded().chi2_at_lee_strength(kMaxStrength * i / steps, statistic));
  return out;
}

} // namespace

TEST(MicroBooNEInclusive, ReleaseShapes) {
  const Release& r = loaded().release();
  ASSERT_EQ(r.data.size(), static_cast<Eigen::Index>(kBins));
  EXPECT_EQ(r.data.head(kLowEnergyBins).sum(), 56.0);     // the paper's 56 FC νe candidates
  EXPECT_EQ(r.data.head(kNueFcBins).sum(), 368.0);        // README §12a: 0p + Np = 368
  EXPECT_NEAR(r.prediction.head(kLowEnergyBins).sum(), 61.54, 1e-9); // unconstrained S+B
  EXPECT_NEAR((r.prediction + r.lee).head(kLowEnergyBins).sum(), 91.77, 1e-9);
  // The LEE template lives in the two νe channels only.
  EXPECT_EQ(r.lee.tail(kBins - 2 * kNueFcBins).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_GT(r.lee.head(2 * kNueFcBins).sum(), 0.0);
}

TEST(MicroBooNEInclusive, CovarianceIsQuadraticInTheStrength) {
  // The quadratic reproduces all 21 released matrices to their rounding (4 decimals).
  for (std::size_t k = 0; k < kStrengths; ++k) {
    const double x = kStrengthStep * static_cast<double>(k);
    const double worst = (loaded().covariance(x) - loaded().release().covariance[k]).cwiseAbs().maxCoeff();
    EXPECT_LT(worst, 2e-3) << "x = " << x;
  }
  EXPECT_THROW(loaded().chi2_at_lee_strength(-0.01), std::invalid_argument);
  EXPECT_THROW(loaded().chi2_at_lee_strength(2.01), std::invalid_argument);
}

TEST(MicroBooNEInclusive, ConstrainedPredictionBelow600MeV) {
  // Paper: 56 observed; 69.6 ± 8.0 (stat) ± 5.0 (syst) without LEE, 103.8 ± 9.0 ± 7.4 with eLEE x = 1.
  const auto none = low_energy(loaded().constrained_nue_fc(0.0));
  const auto elee = low_energy(loaded().constrained_nue_fc(1.0));
  EXPECT_NEAR(none.events, 69.6, 0.05);
  EXPECT_NEAR(none.syst, 5.0, 0.05);
  EXPECT_NEAR(elee.events, 103.8, 0.05);
  EXPECT_NEAR(elee.syst, 7.4, 0.05);
  // The release's own constrained tables (signal and background constrained separately) agree.
  const Release& r = loaded().release();
  EXPECT_NEAR(r.constrained_prediction.head(kLowEnergyBins).sum(), none.events, 0.2);
  EXPECT_NEAR((r.constrained_prediction + r.constrained_lee).head(kLowEnergyBins).sum(), elee.events,
              0.2);
  EXPECT_NEAR(std::sqrt(r.constrained_covariance.topLeftCorner(6, 6).sum()), none.syst, 0.01);
}

TEST(MicroBooNEInclusive, GoodnessOfFitOfTheReleaseRecipe) {
  // νeCC FC, 25 bins, x = 0: the example script's three cases (shared/data README §12a; the
  // script reports plots, "matches Fig. 24a" / "Fig. 25").
  const Release& r = loaded().release();
  const Eigen::VectorXd n = r.data.head(kNueFcBins);
  const auto unconstrained = loaded().unconstrained_nue_fc(0.0);
  const NueFcPrediction released{r.constrained_prediction, r.constrained_covariance};
  const auto conditioned = loaded().constrained_nue_fc(0.0);
  EXPECT_NEAR(nue_fc_gof(n, unconstrained, Statistic::pearson), 12.56, 0.01);
  EXPECT_NEAR(nue_fc_gof(n, unconstrained, Statistic::cnp), 12.88, 0.01);
  EXPECT_NEAR(nue_fc_gof(n, released, Statistic::pearson), 18.04, 0.01);
  EXPECT_NEAR(nue_fc_gof(n, released, Statistic::cnp), 19.02, 0.01);
  EXPECT_NEAR(nue_fc_gof(n, conditioned, Statistic::pearson), 17.88, 0.01);
  // The joint 7-channel fit at x = 0 (137 bins, CNP).
  EXPECT_NEAR(loaded().chi2_at_lee_strength(0.0), 83.49, 0.01);
}

TEST(MicroBooNEInclusive, DeltaChi2MatchesTheOfficialCurve) {
  // muB_1eX_eLEE_Chi2_Official.csv: the paper's Δχ²(x), digitised (to about ±0.05).
  const Table official =
      read_table(kInputs / kFolder / "muB_1eX_eLEE_Chi2_Official.csv", 2, /*csv=*/true);
  const auto scan = chi2_scan(2000);
  const double best = *std::min_element(scan.begin(), scan.end());
  EXPECT_EQ(best, scan.front()); // best fit at x = 0, as in the paper
  double worst = 0;
  for (std::size_t i = 0; i < official.rows(); ++i) {
    const double x = official.row(i)[0];
    const double ours = loaded().chi2_at_lee_strength(x) - best;
    worst = std::max(worst, std::abs(ours - official.row(i)[1]));
  }
  EXPECT_LT(worst, 0.15);
  // Δχ²(1) = 12.98 (official curve 12.93): Wilks, √Δχ² = 3.60σ; the paper's 3.75σ comes from
  // its frequentist construction. Δχ² = 4 (2σ, 95.45 % by Wilks) at x = 0.453; paper 0.502.
  const double at_one = scan[1000] - best;
  EXPECT_NEAR(at_one, 12.98, 0.01);
  const auto crossing = std::find_if(scan.begin(), scan.end(), [&](double c) { return c - best > 4; });
  const double x_limit = kMaxStrength * static_cast<double>(crossing - scan.begin()) / 2000;
  EXPECT_NEAR(x_limit, 0.453, 0.002);
}

TEST(MicroBooNEInclusive, BayesianPosteriorOfTheStrength) {
  // Flat prior on [0, 2], posterior ∝ exp(−χ²/2) on a fine grid (the χ² the paper uses; the
  // experiment's ln L adds −½ ln det M, which moves the limit to 0.42 — docs/microboone.md).
  constexpr int steps = 4000;
  const auto scan = chi2_scan(steps);
  std::vector<double> cdf(scan.size());
  double total = 0;
  for (std::size_t i = 0; i < scan.size(); ++i)
    cdf[i] = total += std::exp(-0.5 * (scan[i] - scan.front()));
  for (double& c : cdf) c /= total;
  const auto quantile = [&](double p) {
    return kMaxStrength * static_cast<double>(std::lower_bound(cdf.begin(), cdf.end(), p) - cdf.begin()) /
           steps;
  };
  EXPECT_NEAR(quantile(0.9545), 0.4985, 0.002); // paper (frequentist): x < 0.502 at 95.5 % CL
  EXPECT_NEAR(quantile(0.90), 0.396, 0.002);
  const double tail = 1 - cdf[steps / 2]; // P(x ≥ 1 | data)
  EXPECT_NEAR(tail, 6.5e-4, 0.2e-4);
}

TEST(MicroBooNEInclusive, ExperimentIsInNoGroup) {
  const ModelOptions data({{"experiments", "microboone-inclusive"}}, "data");
  auto choice = make_experiments(data);
  ASSERT_EQ(choice.experiments.size(), 1u);
  double chi2 = 0;
  EXPECT_TRUE(std::isfinite(choice.experiments.front()->loglike(ModelPoint{}, chi2)));
  EXPECT_NEAR(chi2, 83.49, 0.01);
  // In no group: MicroBooNE's official 3+1 contour is not reproduced (docs/microboone.md).
  const ModelOptions all({{"experiments", "all"}}, "data");
  EXPECT_EQ(make_experiments(all).datasets.find("microboone"), std::string::npos);
}

namespace {

class MicroBooNEInputs : public nubayes::testing::InputsCopy {
protected:
  MicroBooNEInputs() : InputsCopy(kFolder) {}
  void load() const override { Inclusive{root}; }
};

} // namespace

TEST_F(MicroBooNEInputs, TheCopyLoads) {
  EXPECT_EQ(Inclusive(root).fingerprint(), loaded().fingerprint());
}

TEST_F(MicroBooNEInputs, ShapeErrorsNameTheFile) {
  edit_line("numuCC_PC.txt", 6, ""); // one data row fewer
  expect_load_error({(dir / "numuCC_PC.txt").string(), "expected 26 rows"});
}

TEST_F(MicroBooNEInputs, AsymmetricCovarianceIsRejected) {
  std::string row;
  for (std::size_t i = 0; i < kBins; ++i) row += "9 ";
  edit_line("cov_lee_x_07.txt", 5, row); // row 2 (after 3 header lines), not its column
  expect_load_error({(dir / "cov_lee_x_07.txt").string(), "symmetric"});
}

TEST_F(MicroBooNEInputs, ShiftedBinEdgesAreRejected) {
  edit_line("NCpi0.txt", 6, "0.0 0.1 1 1 1"); // row 2 repeats row 1's edges
  expect_load_error({(dir / "NCpi0.txt").string(), "0.1 GeV steps"});
}
