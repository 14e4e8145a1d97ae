#include "derived_ranges.h"

namespace nubayes {

std::optional<Bounds> derived_bounds(const std::string& name) {
  const bool mixing =
      name.starts_with("sin2_2theta_") || (name.starts_with("U") && name.ends_with("_sq"));
  if (mixing) return Bounds{0.0, 1.0};
  if (name.starts_with("ctau_") || name.starts_with("signal_")) return Bounds{0.0, std::nullopt};
  return std::nullopt;
}

} // namespace nubayes
