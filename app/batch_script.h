#pragma once
// Small pieces of writing SLURM batch scripts: template filling, shell quoting, time limits.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nubayes {

/// `text` with every @KEY@ of `values` replaced. Throws std::logic_error if a @KEY@ of the
/// template is left unfilled or a value is never used (a template and its filler out of step).
std::string fill_template(const std::string& text,
                          const std::map<std::string, std::string>& values);

/// `word` as one bash word: unchanged if it is plain, else in single quotes.
std::string shell_quote(const std::string& word);
/// The words quoted and joined by spaces.
std::string shell_join(const std::vector<std::string>& words);

/// A SLURM time limit [D-]HH:MM:SS in seconds; nullopt unless well formed and positive.
std::optional<long> parse_time_limit(const std::string& text);

} // namespace nubayes
