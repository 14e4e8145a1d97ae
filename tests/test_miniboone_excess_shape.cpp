// Likelihood of a predicted signal against the digitised MiniBooNE excess: the three statistics
// against hand computations on a small distribution, and their properties on the real data.
#include "miniboone_excess_shape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <vector>

using namespace nubayes::miniboone;

namespace {

const std::filesystem::path kInputs = std::filesystem::path(NUBAYES_SOURCE_DIR) / "inputs";

/// data (10, 20, 30), background (5, 10, 20), errors (2, 4, 5).
DigitisedDistribution three_bins() {
  return {Distribution::costheta_nu_2018, {-1, 0, 0.5, 1}, {10, 20, 30}, {5, 10, 20}, {2, 4, 5}};
}

} // namespace

TEST(MiniBooNEExcessShape, ShapeChi2ByHand) {
  // excess (5, 10, 10), N = 25; prediction (1, 1, 2), S = 4 → normalised (6.25, 6.25, 12.5);
  // residuals (−1.25, 3.75, −2.5): χ² = 1.5625/4 + 14.0625/16 + 6.25/25 = 1.51953125
  const std::vector<double> prediction{1, 1, 2};
  EXPECT_DOUBLE_EQ(excess_chi2(three_bins(), prediction, ShapeStatistic::shape), 1.51953125);
  // only the shape counts
  const std::vector<double> scaled{7, 7, 14};
  EXPECT_DOUBLE_EQ(excess_chi2(three_bins(), scaled, ShapeStatistic::shape), 1.51953125);
}

TEST(MiniBooNEExcessShape, RateChi2ByHand) {
  // residuals (5 − 1, 10 − 1, 10 − 2) = (4, 9, 8): 16/4 + 81/16 + 64/25 = 11.6225
  const std::vector<double> prediction{1, 1, 2};
  EXPECT_DOUBLE_EQ(excess_chi2(three_bins(), prediction, ShapeStatistic::rate), 11.6225);
}

TEST(MiniBooNEExcessShape, PoissonByHand) {
  // μ = b + s = (6, 11, 22): 2 Σ [μ − d + d ln(d/μ)]
  //   = 2 [(−4 + 10 ln(10/6)) + (−9 + 20 ln(20/11)) + (−8 + 30 ln(30/22))] = 10.7392882
  const std::vector<double> prediction{1, 1, 2};
  EXPECT_NEAR(excess_chi2(three_bins(), prediction, ShapeStatistic::poisson), 10.7392882, 1e-7);
  // μ = d in every bin: zero
  const std::vector<double> perfect{5, 10, 10};
  EXPECT_NEAR(excess_chi2(three_bins(), perfect, ShapeStatistic::poisson), 0, 1e-14);
}

TEST(MiniBooNEExcessShape, RejectsBadPredictions) {
  EXPECT_THROW(excess_chi2(three_bins(), std::vector<double>{1, 1}), std::invalid_argument);
  EXPECT_THROW(excess_chi2(three_bins(), std::vector<double>{1, -1, 1}), std::invalid_argument);
  EXPECT_THROW(excess_chi2(three_bins(), std::vector<double>{1, NAN, 1}), std::invalid_argument);
  EXPECT_THROW(excess_chi2(three_bins(), std::vector<double>{0, 0, 0}, ShapeStatistic::shape),
               std::invalid_argument);
}

TEST(MiniBooNEExcessShape, ForwardPeakedSignalFitsTheAngleBetterThanAFlatOne) {
  // The 2018 and 2020 cos θ excesses are forward peaked (notes §1.1 / the papers' figures): a
  // prediction rising towards cos θ = 1 must beat a flat one in the shape χ².
  for (auto which : {Distribution::costheta_nu_2018, Distribution::costheta_nu_2020}) {
    const auto d = load_distribution(which, kInputs);
    std::vector<double> flat(d.bins(), 1.0), forward(d.bins());
    for (std::size_t i = 0; i < d.bins(); ++i)
      forward[i] = std::exp(3 * d.edges[i + 1]);
    EXPECT_LT(excess_chi2(d, forward), excess_chi2(d, flat)) << distribution_name(which);
    // rate statistic with no signal: Σ (x/σ)², positive (there is an excess)
    const std::vector<double> none(d.bins(), 0.0);
    EXPECT_GT(excess_chi2(d, none, ShapeStatistic::rate), 10) << distribution_name(which);
  }
}
