// RENO far/near prompt-spectrum ratio transcribed from GLoBESfit, 25 bins from 1.3 to 7 MeV;
// the 3+1 experiment `reno`. Inputs and provenance: inputs/reactor/reno/MANIFEST.md.
#include "far_near.h"

#include <cmath>

namespace nubayes::far_near {

Setup reno_setup() {
  Setup s;
  s.name = "reno";
  s.label = "reno-fd-nd";
  s.ratio_file = "reactor/reno/reno_FD_ND_ratio_transcribed.txt";
  s.covariance_file = "reactor/reno/reno_FD_ND_inverse_covariance_transcribed.txt";
  s.bins = 25;
  // GLoBESfit's effective baselines of the six Hanbit cores (file header).
  s.sites = {{"ND", {point(433.1)}}, {"FD", {point(1446.9)}}};
  s.ratio_sites = {{1, 0}};
  s.offset = reactor::kPromptOffset;
  s.sigma = [](double e) { return 0.08 * std::sqrt(std::max(e, 0.0)); }; // ~8 %/√E (assumed)
  // GLoBESfit's ND and FD fission fractions differ by < 0.002: their mean.
  s.fractions = {0.57356, 0.07325, 0.29827, 0.05496};
  s.e_max = 14;
  s.grid_step = 0.2;
  return s;
}

} // namespace nubayes::far_near
