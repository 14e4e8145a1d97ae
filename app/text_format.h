#pragma once
// Number and string formatting shared by the commands' text and JSON output.
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

namespace nubayes {

/// x with `digits` digits after the point.
inline std::string fixed(double x, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << x;
  return out.str();
}

/// A JSON number with every digit (null for NaN and infinities, which JSON lacks).
inline std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  std::ostringstream out;
  out << std::setprecision(17) << x;
  return out.str();
}

/// A JSON string literal.
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace nubayes
