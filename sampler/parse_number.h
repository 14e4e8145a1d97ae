#pragma once
// Strict number parsing for config values: the whole text must be one finite number.
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

namespace nubayes {

/// The number `text` spells, or nullopt if it is empty, has trailing characters, or is not finite.
inline std::optional<double> parse_finite(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

} // namespace nubayes
