#pragma once
// Number and string formatting shared by the commands' text and JSON output.
#include <cmath>
#include <cstdio>
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

/// A JSON string literal (RFC 8259): quote, backslash and control characters escaped, other
/// bytes (UTF-8 included) as they are.
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char code[8];
        std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
        out += code;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

} // namespace nubayes
