// Bugey-3 (Nucl. Phys. B 434 (1995) 503): the 40 m / 15 m positron-spectrum ratio transcribed from
// GLoBESfit, 25 bins of 0.2 MeV kinetic energy from 1 to 6 MeV; the 3+1 experiment `bugey3`.
// Inputs and provenance: inputs/reactor/bugey3/MANIFEST.md.
#include "far_near.h"

#include <cmath>

namespace nubayes::far_near {

Setup bugey3_setup() {
  Setup s;
  s.name = "bugey3";
  s.label = "bugey3-40m-15m";
  s.ratio_file = "reactor/bugey3/bugey3_40m_15m_ratio_transcribed.txt";
  s.covariance_file = "reactor/bugey3/bugey3_40m_15m_inverse_covariance_transcribed.txt";
  s.bins = 25;
  // Baselines 14.93 m and 39.96 m (GLoBESfit). The core (a PWR, ~3 m across) spreads the baseline
  // along the line of sight with an rms of about R/2 = 0.75 m: a uniform ±1.3 m has that rms.
  s.sites = {{"15m", spread(14.93, 1.3, 27)}, {"40m", spread(39.96, 1.3, 27)}};
  s.ratio_sites = {{1, 0}};
  s.offset = reactor::kKineticOffset; // positron kinetic energy: E_ν = T + 1.804 MeV
  // GLoBESfit's @sigma_e = {0.06, 0, 0}, read as 0.06 √(E/MeV) MeV as for NEOS (see neos.h).
  s.sigma = [](double t) { return 0.06 * std::sqrt(std::max(t, 0.0)); };
  s.fractions = {0.538, 0.078, 0.328, 0.056}; // GLoBESfit BugeyF
  s.e_max = 12;
  // L/E from 1.1 to 23 m/MeV; Nyquist Δm² = π/(2h·1.267) = 124 eV².
  s.grid_step = 0.01;
  return s;
}

} // namespace nubayes::far_near
