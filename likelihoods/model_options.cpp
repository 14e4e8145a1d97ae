#include "model_options.h"

#include "parse_number.h"

#include <cmath>
#include <sstream>

namespace nubayes {

std::string ModelOptions::text(const std::string& key, const std::string& fallback) const {
  const auto it = values_.find(key);
  const std::string value = it == values_.end() ? fallback : it->second;
  resolved_[key] = value;
  return value;
}

double ModelOptions::number(const std::string& key, double fallback) const {
  const auto it = values_.find(key);
  if (it == values_.end()) {
    std::ostringstream out;
    out.precision(17);
    out << fallback;
    resolved_[key] = out.str();
    return fallback;
  }
  const auto value = parse_finite(it->second);
  if (!value) throw OptionError(key, "'" + it->second + "' is not a finite number", section_);
  resolved_[key] = it->second;
  return *value;
}

double ModelOptions::number_in(const std::string& key, double fallback, double lo, double hi) const {
  const double v = number(key, fallback);
  if (v < lo || v > hi) {
    std::ostringstream out;
    out << v << " is outside the allowed range [" << lo << ", " << hi << "]";
    throw OptionError(key, out.str(), section_);
  }
  return v;
}

long ModelOptions::integer_in(const std::string& key, long fallback, long lo, long hi) const {
  const double v = number_in(key, static_cast<double>(fallback), static_cast<double>(lo), static_cast<double>(hi));
  if (v != std::floor(v)) throw OptionError(key, "expected a whole number, got " + values_.at(key), section_);
  return static_cast<long>(v);
}

bool ModelOptions::flag(const std::string& key, bool fallback) const {
  const std::string value = text(key, fallback ? "true" : "false");
  if (value == "true") return true;
  if (value == "false") return false;
  throw OptionError(key, "expected true or false, got '" + value + "'", section_);
}

std::map<std::string, std::string> ModelOptions::unused() const {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : values_)
    if (!resolved_.count(k)) out[k] = v;
  return out;
}

std::string trim(std::string_view text, std::string_view blanks) {
  const auto b = text.find_first_not_of(blanks);
  if (b == std::string_view::npos) return "";
  return std::string(text.substr(b, text.find_last_not_of(blanks) - b + 1));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (auto t = trim(item); !t.empty()) out.push_back(std::move(t));
  return out;
}

} // namespace nubayes
