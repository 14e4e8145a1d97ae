#pragma once
// Physical bounds of the models' derived quantities, which GetDist's .ranges needs: without them
// its density estimates spill over the bounds (sin²2θ beyond [0, 1]). The run file records no
// bounds for derived quantities, so they follow from the names the models give them.
#include <optional>
#include <string>

namespace nubayes {

struct Bounds {
  std::optional<double> lo, hi; ///< empty: unbounded on that side
};

/// The physical bounds of the derived quantity `name`: [0, 1] for the mixing amplitudes
/// sin2_2theta_* and the mixings U*_sq, [0, inf) for the decay lengths ctau_* and the expected
/// signal counts signal_*; nullopt for a name not known to be bounded.
std::optional<Bounds> derived_bounds(const std::string& name);

} // namespace nubayes
