// The IceCube IC86-2011 events method: Δχ² on a few points for oversampling 1, 2, 4 with the
// time per evaluation, the null fit, the best grid point and the 90 % CL limits quoted in the
// README (about 3 s). Not run by CI. Usage: build/bench/icecube_events_scan
#include "icecube_events.h"
#include "sterile3p1.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

using namespace nubayes;

namespace {
const std::filesystem::path kInputs = std::filesystem::path(NUBAYES_SOURCE_DIR) / "inputs";

/// |Uμ4|² giving sin²2θ24 = s with θ14 = 0.
sterile3p1::Params params(double s, double dm2) {
  return {dm2, 0, 0.5 * (1 - std::sqrt(1 - s)), 0};
}
} // namespace

int main() {
  for (int n : {1, 2, 4}) {
    const icecube::Events e(icecube::EventsOptions{.inputs = kInputs, .oversampling = n});
    const double null = e.chi2(params(0, 1));
    const auto start = std::chrono::steady_clock::now();
    std::cout << "oversampling " << n << ":";
    for (double dm2 : {0.3, 1.0, 5.0, 20.0})
      std::cout << " " << e.chi2(params(0.05, dm2)) - null;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count() /
        4;
    std::cout << " (" << ms << " ms per evaluation)\n";
  }
  for (double sg : {0.0, 0.05}) {
    const icecube::Events e(icecube::EventsOptions{.inputs = kInputs, .spectral_index_error = sg});
    double k = 0, g = 0;
    const double null = e.chi2(params(0, 1), &k, &g);
    std::cout << "sigma_gamma " << sg << ": null chi2 " << null << " k " << k << " dgamma " << g
              << "\n";
    double best = 1e9, bs = 0, bd = 0;
    for (int i = 0; i <= 20; ++i)
      for (int j = 0; j <= 12; ++j) {
        const double dm2 = 0.1 * std::pow(1000.0, i / 20.0), s = 1e-3 * std::pow(1000.0, j / 12.0);
        const double c = e.chi2(params(s, dm2));
        if (c < best) best = c, bs = s, bd = dm2;
      }
    std::cout << "  grid best dchi2 " << best - null << " at sin2 " << bs << " dm2 " << bd << "\n";
    for (double dm2 : {0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0}) {
      double lo = 1e-4, hi = 1.0; // Δχ² = 4.61 crossing (log bisection)
      for (int it = 0; it < 25; ++it) {
        const double mid = std::sqrt(lo * hi);
        (e.chi2(params(mid, dm2)) - null < 4.61 ? lo : hi) = mid;
      }
      std::cout << "  90% CL (2 dof) at dm2 " << dm2 << ": sin2_2theta24 < " << std::sqrt(lo * hi)
                << "\n";
    }
  }
  return 0;
}
