// Evidence bookkeeping, resampling, KS test and weighted quantiles on cases with known answers.
#include "evidence.h"
#include "posterior_summary.h"
#include "progress.h"
#include "rng.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace nubayes;

TEST(Evidence, ConstantLiveCountGivesSkillingError) {
  // A run with constant n: Var(ln Z) must reduce to about H/n (Skilling 2006).
  const std::int64_t n = 100;
  std::vector<double> logwt, logl;
  std::vector<std::int64_t> nlive;
  double logx = 0;
  for (int i = 0; i < 4000; ++i) {
    const double x = std::exp(logx);
    // A Gaussian in d = 4 written in X: L(X) = exp(-X^(2/d) / (2 s^2)), s = 0.05.
    const double loglike = -std::pow(x, 0.5) / (2 * 0.0025);
    logl.push_back(loglike);
    logwt.push_back(loglike + logx + std::log(1 - std::exp(-1.0 / n)));
    nlive.push_back(n);
    logx -= 1.0 / n;
  }
  const EvidenceSummary s = summarize_evidence(logwt, logl, nlive);
  EXPECT_NEAR(s.logz_err, std::sqrt(s.information / n), 0.25 * std::sqrt(s.information / n));
  EXPECT_GT(s.information, 1.0);
}

TEST(Evidence, ResampleFollowsWeights) {
  const std::vector<double> logwt{std::log(0.1), std::log(0.6), std::log(0.3)};
  const auto rows = resample_equal_weight(logwt, 1000, 7);
  ASSERT_EQ(rows.size(), 1000u);
  int counts[3] = {0, 0, 0};
  for (auto r : rows) ++counts[r];
  // Systematic resampling: each count is within one of weight * N.
  EXPECT_NEAR(counts[0], 100, 1);
  EXPECT_NEAR(counts[1], 600, 1);
  EXPECT_NEAR(counts[2], 300, 1);
}

TEST(Evidence, KsTestAcceptsUniformAndRejectsSkewed) {
  Rng rng(3, StreamPurpose::user, 0);
  std::vector<double> uniform(2000), skewed(2000);
  for (auto& u : uniform) u = rng.uniform();
  for (auto& u : skewed) u = std::pow(rng.uniform(), 1.2);
  EXPECT_GT(ks_uniform_pvalue(uniform), 0.001);
  EXPECT_LT(ks_uniform_pvalue(skewed), 1e-6);
  const InsertionTest t = insertion_rank_test(skewed, 500);
  EXPECT_LT(t.chunk_pvalue, 0.05);
}

TEST(PosteriorSummary, WeightedQuantilesOfAGaussianSample) {
  Rng rng(11, StreamPurpose::user, 0);
  std::vector<double> x(200000), w(200000, 1.0);
  for (auto& v : x) v = 2.0 + 0.5 * rng.normal();
  const MarginalSummary s = summarize_marginal(x, w);
  // Monte-Carlo errors for N = 2e5: mean 0.0011, quantiles about 0.002.
  EXPECT_NEAR(s.mean, 2.0, 0.006);
  EXPECT_NEAR(s.sd, 0.5, 0.005);
  EXPECT_NEAR(s.median, 2.0, 0.008);
  EXPECT_NEAR(s.lo68, 1.5, 0.01);
  EXPECT_NEAR(s.hi95, 2.0 + 1.959964 * 0.5, 0.015);
  // One-sided limits at 1.644854 sigma.
  EXPECT_NEAR(s.upper95, 2.0 + 1.644854 * 0.5, 0.012);
  EXPECT_NEAR(s.lower95, 2.0 - 1.644854 * 0.5, 0.012);
}

TEST(PosteriorSummary, OneSidedLimitOfAWeightedSample) {
  // x uniform on a grid over [0, 1] with weight 2x (density 2x): the 95 % upper limit is
  // sqrt(0.95), the lower one sqrt(0.05); both differ from the central interval's ends.
  std::vector<double> x, w;
  for (int i = 0; i < 100000; ++i) {
    x.push_back((i + 0.5) / 100000);
    w.push_back(2 * x.back());
  }
  const MarginalSummary s = summarize_marginal(x, w);
  EXPECT_NEAR(s.upper95, std::sqrt(0.95), 1e-4);
  EXPECT_NEAR(s.lower95, std::sqrt(0.05), 1e-4);
  EXPECT_NEAR(s.hi95, std::sqrt(0.975), 1e-4);
}

TEST(Rng, StreamsAreKeyedByTaskNotOrder) {
  Rng a(5, StreamPurpose::proposal, 17), b(5, StreamPurpose::proposal, 17), c(5, StreamPurpose::proposal, 18),
      d(6, StreamPurpose::proposal, 17), e(5, StreamPurpose::region, 17);
  const auto x = a();
  EXPECT_EQ(x, b());
  EXPECT_NE(x, c());
  EXPECT_NE(x, d());
  EXPECT_NE(x, e());
}

TEST(Progress, IterationsLeftFollowTheRemainingEvidence) {
  // Done once the remaining ln(1 + L_max X / Z) is below dlogz; far from it, about
  // nlive * (ln(L_max X / Z) - ln(e^dlogz - 1)) iterations remain.
  EXPECT_EQ(ProgressReporter::iterations_left(0.5, 0.5, 500), 0.0);
  EXPECT_EQ(ProgressReporter::iterations_left(0.1, 0.5, 500), 0.0);
  EXPECT_NEAR(ProgressReporter::iterations_left(20.0, 0.5, 500),
              500 * (std::log(std::expm1(20.0)) - std::log(std::expm1(0.5))), 1e-8);
  EXPECT_NEAR(ProgressReporter::iterations_left(20.0, 0.5, 500), 500 * (20.0 - std::log(std::expm1(0.5))), 1e-5);
}
