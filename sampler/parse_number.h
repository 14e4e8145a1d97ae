#pragma once
// The one strict number parser for config values and command-line numbers: the whole text must
// be one finite decimal number (an optional sign, digits, an optional exponent). Hexadecimal
// ("0x32"), trailing text ("50x"), spaces, "inf", "nan" and values that overflow a double are
// refused.
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

namespace nubayes {

/// The number `text` spells, or nullopt if it is not exactly one finite decimal number.
inline std::optional<double> parse_finite(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

} // namespace nubayes
