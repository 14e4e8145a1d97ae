// Double Chooz far/near (FD/ND) prompt-spectrum ratio transcribed from GLoBESfit, 26 bins of
// 0.25 MeV from 1 to 7.5 MeV; the 3+1 experiment `doublechooz`. Inputs and provenance:
// inputs/reactor/doublechooz/MANIFEST.md.
#include "far_near.h"

#include <cmath>

namespace nubayes::far_near {

Setup doublechooz_setup() {
  Setup s;
  s.name = "doublechooz";
  s.label = "doublechooz-fd-nd";
  s.ratio_file = "reactor/doublechooz/doublechooz_FD_ND_ratio_transcribed.txt";
  s.covariance_file = "reactor/doublechooz/doublechooz_FD_ND_inverse_covariance_transcribed.txt";
  s.bins = 26;
  // GLoBESfit's flux-weighted effective baselines of the two Chooz-B cores (file header); at
  // these distances only the θ13 phase depends on the detail.
  s.sites = {{"ND", {point(400.3)}}, {"FD", {point(1051.7)}}};
  s.ratio_sites = {{1, 0}};
  s.offset = reactor::kPromptOffset;
  s.sigma = [](double e) { return 0.08 * std::sqrt(std::max(e, 0.0)); }; // ~8 %/√E (assumed)
  s.fractions = {0.511, 0.087, 0.340, 0.062};                            // GLoBESfit DCF
  s.e_max = 14;
  s.grid_step = 0.2;
  return s;
}

} // namespace nubayes::far_near
