#pragma once
// Options of a [model] section, handed to a model or likelihood factory. Every read marks the key
// as used, so the config reader can reject keys nobody asked for.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nubayes {

/// A bad option value; `section` and `key` name the config key at fault.
class OptionError : public std::runtime_error {
public:
  OptionError(std::string key, const std::string& what, std::string section = "model")
      : std::runtime_error(what), key_(std::move(key)), section_(std::move(section)) {}
  const std::string& key() const { return key_; }
  const std::string& section() const { return section_; }

private:
  std::string key_;
  std::string section_;
};

class ModelOptions {
public:
  explicit ModelOptions(std::map<std::string, std::string> values = {}, std::string section = "model")
      : values_(std::move(values)), section_(std::move(section)) {}
  const std::string& section() const { return section_; }

  std::string text(const std::string& key, const std::string& fallback) const;
  double number(const std::string& key, double fallback) const;
  /// A number that must lie in [lo, hi].
  double number_in(const std::string& key, double fallback, double lo, double hi) const;
  long integer_in(const std::string& key, long fallback, long lo, long hi) const;
  /// `true` or `false`.
  bool flag(const std::string& key, bool fallback) const;

  /// Keys that were never read.
  std::map<std::string, std::string> unused() const;
  /// All keys and values that were read (defaults included), for the resolved config.
  const std::map<std::string, std::string>& resolved() const { return resolved_; }

private:
  std::map<std::string, std::string> values_;
  std::string section_;
  mutable std::map<std::string, std::string> resolved_;
};

/// `text` without the characters of `blanks` at either end.
std::string trim(std::string_view text, std::string_view blanks = " \t");

/// The items of a comma-separated value, blanks around them trimmed, empty items dropped.
std::vector<std::string> split_list(const std::string& text);

/// Runs `build` (which reads data files); a file error becomes an OptionError on [data]
/// experiments that names the experiment (or part) `name`, the file and the line.
template <class Build> auto build_experiment(const std::string& name, Build build) {
  try {
    return build();
  } catch (const OptionError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw OptionError("experiments", name + ": " + e.what(), "data");
  }
}

} // namespace nubayes
