#pragma once
// n-point Gauss–Legendre rule on [−1, 1] (Newton iteration on P_n; exact for polynomials of
// degree < 2n).
#include <cmath>
#include <numbers>
#include <vector>

namespace nubayes {

struct GaussLegendre {
  std::vector<double> nodes, weights;

  explicit GaussLegendre(int n) : nodes(n), weights(n) {
    for (int i = 0; i < n; ++i) {
      double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5)), dp = 0;
      for (int iter = 0; iter < 100; ++iter) {
        double p0 = 1, p1 = 0;
        for (int k = 1; k <= n; ++k) {
          const double p2 = p1;
          p1 = p0;
          p0 = ((2 * k - 1) * z * p1 - (k - 1) * p2) / k;
        }
        dp = n * (z * p0 - p1) / (z * z - 1);
        const double dz = p0 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-15) break;
      }
      nodes[i] = z;
      weights[i] = 2 / ((1 - z * z) * dp * dp);
    }
  }

  /// ∫_a^b f(x) dx by this rule.
  template <class F> double integrate(F&& f, double a, double b) const {
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    double sum = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i)
      sum += weights[i] * f(mid + half * nodes[i]);
    return half * sum;
  }
};

} // namespace nubayes
