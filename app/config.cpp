#include "config.h"
#include "model_options.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nubayes {

namespace {

/// Config lines: blanks and a Windows line end's \r around names and values.
std::string trim_line(const std::string& s) {
  return nubayes::trim(s, " \t\r");
}

bool valid_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

/// Drops a comment: a line starting with # or ;, or " #"/" ;" after text.
std::string strip_comment(const std::string& line) {
  const std::string t = trim_line(line);
  if (t.empty() || t[0] == '#' || t[0] == ';') return "";
  for (std::size_t i = 1; i < line.size(); ++i)
    if ((line[i] == '#' || line[i] == ';') && (line[i - 1] == ' ' || line[i - 1] == '\t'))
      return trim_line(line.substr(0, i));
  return t;
}

} // namespace

Config Config::parse_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw ConfigError(path + ": is a folder, not a config file");
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open config file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_text(text.str(), path);
}

Config Config::parse_text(const std::string& text, const std::string& name) {
  Config c;
  c.name_ = name;
  std::istringstream in(text);
  std::string line, section;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = name + ":" + std::to_string(number);
    if (line.find('\0') != std::string::npos) throw ConfigError(where + ": binary data in config file");
    const std::string t = strip_comment(line);
    if (t.empty()) continue;
    if (t.front() == '[') {
      if (t.back() != ']') throw ConfigError(where + ": malformed section header '" + t + "'");
      section = trim_line(t.substr(1, t.size() - 2));
      if (!valid_name(section)) throw ConfigError(where + ": malformed section name '" + section + "'");
      if (c.sections_.count(section)) throw ConfigError(where + ": section [" + section + "] appears twice");
      c.order_.push_back(section);
      c.sections_[section];
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw ConfigError(where + ": expected 'key = value', got '" + t + "'");
    const std::string key = trim_line(t.substr(0, eq));
    const std::string value = trim_line(t.substr(eq + 1));
    if (section.empty()) throw ConfigError(where + ": '" + key + "' is outside any [section]");
    if (!valid_name(key)) throw ConfigError(where + ": [" + section + "] malformed key '" + key + "'");
    if (c.find(section, key)) throw ConfigError(where + ": [" + section + "] " + key + ": key given twice");
    c.sections_[section].push_back({key, value, where, false});
  }
  return c;
}

void Config::apply_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw ConfigError("--set " + assignment + ": expected section.key=value");
  const std::string section = trim_line(assignment.substr(0, dot));
  const std::string key = trim_line(assignment.substr(dot + 1, eq - dot - 1));
  const std::string value = trim_line(assignment.substr(eq + 1));
  if (!valid_name(section) || !valid_name(key))
    throw ConfigError("--set " + assignment + ": malformed section or key name");
  if (!sections_.count(section)) order_.push_back(section);
  auto& entries = sections_[section];
  for (auto& e : entries)
    if (e.key == key) {
      e.value = value;
      e.origin = "--set";
      return;
    }
  entries.push_back({key, value, "--set", false});
}

const ConfigValue* Config::find(const std::string& section, const std::string& key) const {
  const auto s = sections_.find(section);
  if (s == sections_.end()) return nullptr;
  for (const auto& e : s->second)
    if (e.key == key) return &e;
  return nullptr;
}

std::optional<std::string> Config::get(const std::string& section, const std::string& key) const {
  const ConfigValue* v = find(section, key);
  if (!v) return std::nullopt;
  v->used = true;
  return v->value;
}

const std::vector<ConfigValue>& Config::entries(const std::string& section) const {
  static const std::vector<ConfigValue> none;
  const auto s = sections_.find(section);
  if (s == sections_.end()) return none;
  for (const auto& e : s->second) e.used = true;
  return s->second;
}

std::vector<std::pair<std::string, const ConfigValue*>> Config::unused() const {
  std::vector<std::pair<std::string, const ConfigValue*>> out;
  for (const auto& section : order_)
    for (const auto& e : sections_.at(section))
      if (!e.used) out.emplace_back(section, &e);
  return out;
}

void Config::fail(const std::string& section, const std::string& key, const std::string& message) const {
  const ConfigValue* v = find(section, key);
  const std::string origin = v ? (v->origin == "--set" ? "--set " + section + "." + key : v->origin) : name_;
  throw ConfigError(origin + ": [" + section + "]" + (key.empty() ? "" : " " + key) + ": " + message);
}

std::vector<std::string> Config::section_names() const { return order_; }

} // namespace nubayes
