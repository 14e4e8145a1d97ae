#pragma once
// The INI config file: sections of `key = value` lines. Every value remembers where it came from
// (file and line, or --set), so an error names the file, section and key in one line.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nubayes {

/// A config problem; what() is the complete one-line message. Exit code 2.
class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ConfigValue {
  std::string key;
  std::string value;
  std::string origin; ///< "FILE:LINE" or "--set"
  mutable bool used = false;
};

class Config {
public:
  /// Parses `path`. Throws ConfigError for a missing file or a malformed line.
  static Config parse_file(const std::string& path);
  /// Parses text as if it were the file `name` (tests, embedded defaults).
  static Config parse_text(const std::string& text, const std::string& name);
  /// Applies "section.key=value" (a --set option).
  void apply_override(const std::string& assignment);

  const std::string& name() const { return name_; }
  bool has_section(const std::string& section) const { return sections_.count(section) != 0; }
  /// The value, marked used; nullopt if absent.
  std::optional<std::string> get(const std::string& section, const std::string& key) const;
  /// All entries of a section in file order, marked used.
  const std::vector<ConfigValue>& entries(const std::string& section) const;
  /// Entries never read, in file order, as (section, value).
  std::vector<std::pair<std::string, const ConfigValue*>> unused() const;

  /// Throws ConfigError "ORIGIN: [section] key: message" (ORIGIN = file:line, or file if absent).
  [[noreturn]] void fail(const std::string& section, const std::string& key,
                         const std::string& message) const;
  std::vector<std::string> section_names() const;

private:
  const ConfigValue* find(const std::string& section, const std::string& key) const;
  std::string name_;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<ConfigValue>> sections_;
};

} // namespace nubayes
