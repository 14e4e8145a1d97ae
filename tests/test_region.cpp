// Region geometry: it must contain the contour the live points sample, sample it uniformly,
// and separate well-separated modes.
#include "region.h"

#include <Eigen/Dense>
#include <cmath>
#include <gtest/gtest.h>

using namespace nubayes;

namespace {

/// n points uniform in a disc of radius r around c (2-D, cube coordinates).
Eigen::MatrixXd disc(Rng& rng, std::size_t n, double cx, double cy, double r) {
  Eigen::MatrixXd p(static_cast<Eigen::Index>(n), 2);
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    const Eigen::VectorXd z = sample_unit_ball(rng, 2) * r;
    p(i, 0) = cx + z[0];
    p(i, 1) = cy + z[1];
  }
  return p;
}

} // namespace

TEST(Region, UnitBallDrawsAreUniform) {
  Rng rng(1, StreamPurpose::user, 0);
  // In d dimensions, P(|z| < 0.5) = 0.5^d.
  for (std::size_t d : {2u, 5u}) {
    int inside = 0;
    const int n = 40000;
    for (int i = 0; i < n; ++i) inside += sample_unit_ball(rng, d).norm() < 0.5;
    const double p = std::pow(0.5, double(d));
    EXPECT_NEAR(inside / double(n), p, 4 * std::sqrt(p * (1 - p) / n));
  }
}

TEST(Region, ContainsTheDiscItWasBuiltFrom) {
  Rng rng(2, StreamPurpose::user, 0);
  const Eigen::MatrixXd pts = disc(rng, 400, 0.5, 0.5, 0.2);
  Rng build(3, StreamPurpose::region, 0);
  const Region region(pts, build);
  // One cluster, up to a stray edge point or two that get a ball of their own.
  EXPECT_LE(region.nclusters(), 3u);
  // Fresh points from the same disc: the bootstrap makes misses rare (MLFriends).
  int missed = 0;
  for (int i = 0; i < 2000; ++i) missed += !region.contains(disc(rng, 1, 0.5, 0.5, 0.2).row(0).transpose());
  EXPECT_LT(missed, 10);
}

TEST(Region, SamplesUniformlyInsideTheRegion) {
  Rng rng(4, StreamPurpose::user, 0);
  const Eigen::MatrixXd pts = disc(rng, 500, 0.5, 0.5, 0.3);
  Rng build(5, StreamPurpose::region, 0);
  const Region region(pts, build);
  // Uniform on a region close to the disc: the inner disc of half the radius gets about 1/4.
  int inner = 0;
  const int n = 20000;
  Eigen::VectorXd u;
  std::uint64_t tries = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(region.sample(rng, u, 100000, tries));
    ASSERT_TRUE(region.contains(u));
    inner += (u - Eigen::Vector2d(0.5, 0.5)).norm() < 0.15;
  }
  // The region is slightly larger than the disc (its bootstrap margin), so the inner share is
  // a bit below 1/4 but not far.
  EXPECT_GT(inner / double(n), 0.19);
  EXPECT_LT(inner / double(n), 0.26);
}

TEST(Region, SeparatesDistantModes) {
  Rng rng(6, StreamPurpose::user, 0);
  Eigen::MatrixXd pts(600, 2);
  pts << disc(rng, 200, 0.2, 0.2, 0.05), disc(rng, 200, 0.8, 0.3, 0.05), disc(rng, 200, 0.5, 0.8, 0.05);
  Rng build(7, StreamPurpose::region, 0);
  const Region region(pts, build);
  EXPECT_EQ(region.nclusters(), 3u);
  EXPECT_FALSE(region.contains(Eigen::Vector2d(0.5, 0.5)));
  EXPECT_TRUE(region.contains(Eigen::Vector2d(0.2, 0.2)));
  // Samples land near the modes, in proportion to their size (1/3 each).
  int first = 0;
  Eigen::VectorXd u;
  std::uint64_t tries = 0;
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(region.sample(rng, u, 100000, tries));
    first += (u - Eigen::Vector2d(0.2, 0.2)).norm() < 0.15;
  }
  EXPECT_NEAR(first / double(n), 1.0 / 3.0, 0.04);
}

TEST(Region, StaysInsideTheUnitCube) {
  Rng rng(8, StreamPurpose::user, 0);
  const Eigen::MatrixXd pts = disc(rng, 300, 0.02, 0.5, 0.1); // hangs over the edge x < 0
  Eigen::MatrixXd kept = pts;
  for (Eigen::Index i = 0; i < kept.rows(); ++i) kept(i, 0) = std::abs(kept(i, 0));
  Rng build(9, StreamPurpose::region, 0);
  const Region region(kept, build);
  Eigen::VectorXd u;
  std::uint64_t tries = 0;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(region.sample(rng, u, 100000, tries));
    EXPECT_GE(u.minCoeff(), 0.0);
    EXPECT_LE(u.maxCoeff(), 1.0);
  }
}

TEST(Region, WhiteningFollowsTheClusterShape) {
  // An elongated cloud: the whitening factor's covariance must match the cloud's.
  Rng rng(10, StreamPurpose::user, 0);
  Eigen::MatrixXd pts(800, 2);
  for (Eigen::Index i = 0; i < pts.rows(); ++i) {
    const double a = rng.normal() * 0.1, b = rng.normal() * 0.01;
    pts(i, 0) = 0.5 + (a + b) / std::sqrt(2.0);
    pts(i, 1) = 0.5 + (a - b) / std::sqrt(2.0);
  }
  Rng build(11, StreamPurpose::region, 0);
  const Region region(pts, build);
  const Eigen::MatrixXd w = region.whitening_near(Eigen::Vector2d(0.5, 0.5));
  const Eigen::Matrix2d cov = w * w.transpose();
  EXPECT_NEAR(cov(0, 0), 0.5 * (0.01 + 0.0001), 0.001);
  EXPECT_NEAR(cov(0, 1), 0.5 * (0.01 - 0.0001), 0.001);
}
