// Prior transforms against closed forms, and rejection of impossible priors.
#include "parse_number.h"
#include "prior.h"

#include <cmath>
#include <gtest/gtest.h>
#include <stdexcept>

using namespace nubayes;

TEST(Prior, UniformMapsCubeLinearly) {
  PriorSpace p({PriorSpec::parse("a", "uniform -2 6")});
  double theta = 0;
  for (double u : {0.0, 0.25, 1.0}) {
    const double x[] = {u};
    p.to_physical(x, {&theta, 1});
    EXPECT_DOUBLE_EQ(theta, -2 + 8 * u);
  }
  EXPECT_NEAR(p.log_density(std::span<const double>(&theta, 1)), -std::log(8.0), 1e-15);
}

TEST(Prior, LogUniformIsUniformInLog) {
  PriorSpace p({PriorSpec::parse("m", "log-uniform 1e-6 1e-2")});
  double theta = 0;
  const double half[] = {0.5};
  p.to_physical(half, {&theta, 1});
  EXPECT_NEAR(theta, 1e-4, 1e-16); // geometric midpoint
  // density 1/(x ln(b/a))
  EXPECT_NEAR(p.log_density(std::span<const double>(&theta, 1)), -std::log(1e-4 * std::log(1e4)), 1e-12);
}

TEST(Prior, GaussianUsesInverseNormalCdf) {
  PriorSpace p({PriorSpec::parse("g", "gaussian 1 2")});
  double theta = 0;
  const double u[] = {0.8413447460685429}; // Phi(1)
  p.to_physical(u, {&theta, 1});
  EXPECT_NEAR(theta, 3.0, 1e-9);
  const double edge[] = {0.0};
  p.to_physical(edge, {&theta, 1});
  EXPECT_TRUE(std::isfinite(theta));
}

TEST(Prior, FixedParametersTakeNoCubeCoordinate) {
  PriorSpace p({PriorSpec::parse("a", "uniform 0 1"), PriorSpec::parse("b", "fixed 3.5"),
                PriorSpec::parse("c", "uniform 10 20")});
  EXPECT_EQ(p.nparams(), 3u);
  EXPECT_EQ(p.nsampled(), 2u);
  const double u[] = {0.5, 0.5};
  double theta[3];
  p.to_physical(u, theta);
  EXPECT_DOUBLE_EQ(theta[0], 0.5);
  EXPECT_DOUBLE_EQ(theta[1], 3.5);
  EXPECT_DOUBLE_EQ(theta[2], 15.0);
}

TEST(Prior, TextRoundTrips) {
  for (const char* text : {"uniform -1 2.5", "log-uniform 1e-05 3", "gaussian 0 0.25", "fixed 42"}) {
    const PriorSpec s = PriorSpec::parse("x", text);
    const PriorSpec t = PriorSpec::parse("x", s.text());
    EXPECT_EQ(s.kind, t.kind);
    EXPECT_EQ(s.a, t.a);
    EXPECT_EQ(s.b, t.b);
  }
}

TEST(Prior, RejectsImpossiblePriorsWithAReason) {
  auto message = [](const char* text) {
    try {
      PriorSpec::parse("x", text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("uniform 1 1").find("not below"), std::string::npos);
  EXPECT_NE(message("uniform 2 1").find("not below"), std::string::npos);
  EXPECT_NE(message("log-uniform 0 1").find("positive"), std::string::npos);
  EXPECT_NE(message("log-uniform -1 1").find("positive"), std::string::npos);
  EXPECT_NE(message("gaussian 0 0").find("positive"), std::string::npos);
  EXPECT_NE(message("uniform 0 abc").find("'abc' is not a finite number"), std::string::npos);
  EXPECT_NE(message("uniform 0 inf").find("finite"), std::string::npos);
  EXPECT_NE(message("uniform 0").find("takes 2"), std::string::npos);
  EXPECT_NE(message("beta 1 2").find("unknown prior"), std::string::npos);
  EXPECT_NE(message("").find("empty prior"), std::string::npos);
  // A width that overflows would make the prior density 0 and ln Z -inf.
  EXPECT_NE(message("uniform -1e308 1e308").find("width 1e308 - -1e308 is not a finite number"), std::string::npos);
  EXPECT_NE(message("uniform 0 1e400").find("'1e400' is not a finite number"), std::string::npos);
  EXPECT_NE(message("uniform 0 0x32").find("'0x32' is not a finite number"), std::string::npos);
  EXPECT_EQ(message("uniform -1e307 1e307"), "accepted");
  EXPECT_EQ(message("log-uniform 1e-300 1e300"), "accepted");
}

TEST(ParseNumber, OnlyWholeFiniteDecimalNumbers) {
  EXPECT_EQ(parse_finite("50"), 50.0);
  EXPECT_EQ(parse_finite("+2.5e-3"), 2.5e-3);
  EXPECT_EQ(parse_finite("-.5"), -0.5);
  for (const char* bad : {"", "0x32", "0X32", "50x", " 50", "50 ", "inf", "-inf", "nan", "1e309", "+", "+-1", "1,5", "0x1p3"})
    EXPECT_FALSE(parse_finite(bad).has_value()) << bad;
}
