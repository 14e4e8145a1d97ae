#pragma once
// The grid file of `nubayes submit --grid`: runs over models x data sets.
//
//   # comment
//   model NAME [CONFIG.ini] [section.key=value ...]
//   data  NAME [section.key=value ...]
//
// Every model line is run on every data line (or once, with no data lines). A model line may
// name its own config file (relative to the grid file); otherwise the config given to `nubayes
// submit` is used. The overrides apply after the command line's --set, the data line's last.
// Quotes keep blanks inside a word: prior.Ue4_sq="fixed 0".
#include <string>
#include <vector>

namespace nubayes {

/// One run of the grid: MODEL-DATA (or MODEL with no data lines).
struct GridCell {
  std::string name;
  std::string model_name;
  std::string data_name; ///< empty with no data lines
  std::string config;    ///< the model line's config file, absolute; empty: the base config
  std::vector<std::string> overrides; ///< section.key=value, model line first
};

/// Reads the grid file. Throws ConfigError "FILE:LINE: message" for anything malformed:
/// unknown line kinds, bad or repeated names, overrides without section.key=value, missing files.
std::vector<GridCell> read_grid(const std::string& path);

} // namespace nubayes
