#include "batch_script.h"

#include <regex>
#include <set>
#include <stdexcept>

namespace nubayes {

std::string fill_template(const std::string& text,
                          const std::map<std::string, std::string>& values) {
  // Placeholders are @UPPER_CASE@; "USR1@@MARGIN@" keeps the literal '@' before one.
  static const std::regex placeholder("@([A-Z][A-Z0-9_]*)@");
  std::string out;
  std::set<std::string> used;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
    const std::string key = (*it)[1].str();
    const auto value = values.find(key);
    if (value == values.end()) throw std::logic_error("batch template: no value for @" + key + "@");
    out.append(last, (*it)[0].first);
    out += value->second;
    used.insert(key);
    last = (*it)[0].second;
  }
  out.append(last, text.cend());
  for (const auto& [key, value] : values)
    if (!used.count(key)) throw std::logic_error("batch template: @" + key + "@ does not occur");
  return out;
}

std::string shell_quote(const std::string& word) {
  static const std::regex plain("[A-Za-z0-9_./:=+,%@-]+");
  if (std::regex_match(word, plain)) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string shell_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_quote(w);
  }
  return out;
}

std::optional<long> parse_time_limit(const std::string& text) {
  static const std::regex form(R"(((\d+)-)?(\d{1,3}):(\d\d):(\d\d))");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  const long days = m[2].matched ? std::stol(m[2].str()) : 0;
  const long hours = std::stol(m[3].str()), minutes = std::stol(m[4].str()),
             seconds = std::stol(m[5].str());
  if (minutes > 59 || seconds > 59 || (days > 0 && hours > 23)) return std::nullopt;
  const long total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  if (total <= 0) return std::nullopt;
  return total;
}

} // namespace nubayes
