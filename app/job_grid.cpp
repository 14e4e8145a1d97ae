#include "job_grid.h"

#include "config.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace nubayes {

namespace {

struct GridLine {
  std::string name, config;
  std::vector<std::string> overrides;
};

/// The words of a line: split at blanks outside quotes; "..." or '...' keeps blanks in a word
/// (prior.x="uniform 0 1") and the quotes are dropped. Throws ConfigError for an open quote.
std::vector<std::string> split_words(const std::string& text, const std::string& where) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) throw ConfigError(where + "unclosed quote");
  if (in_word) words.push_back(word);
  return words;
}

} // namespace

std::vector<GridCell> read_grid(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the grid file");
  // Names become file names and SLURM job names: keep them plain.
  static const std::regex name_form("[A-Za-z0-9_][A-Za-z0-9_.+-]*");
  static const std::regex override_form(R"([A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+=.*)");
  const fs::path base = fs::absolute(path).parent_path();
  std::vector<GridLine> models, data;
  std::set<std::string> names;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (const auto hash = text.find('#'); hash != std::string::npos) text.erase(hash);
    const std::vector<std::string> words = split_words(text, where);
    if (words.empty()) continue;
    const std::string& kind = words[0];
    if (kind != "model" && kind != "data")
      throw ConfigError(where + "expected 'model NAME ...' or 'data NAME ...', not '" + kind + "'");
    GridLine line;
    if (words.size() < 2) throw ConfigError(where + kind + " line without a name");
    line.name = words[1];
    if (!std::regex_match(line.name, name_form))
      throw ConfigError(where + "name '" + line.name + "': use letters, digits and _ . + -");
    if (!names.insert(kind + " " + line.name).second)
      throw ConfigError(where + kind + " '" + line.name + "' is listed twice");
    for (std::size_t i = 2; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (std::regex_match(word, override_form)) {
        line.overrides.push_back(word);
      } else if (kind == "model" && line.config.empty() && word.find('=') == std::string::npos) {
        const fs::path config = fs::path(word).is_absolute() ? fs::path(word) : base / word;
        if (!fs::is_regular_file(config))
          throw ConfigError(where + "config file '" + word + "' not found");
        line.config = config.lexically_normal().string();
      } else {
        throw ConfigError(where + "'" + word + "' is not section.key=value" +
                          (kind == "model" ? " (nor the one config file of the line)" : ""));
      }
    }
    (kind == "model" ? models : data).push_back(std::move(line));
  }
  if (models.empty()) throw ConfigError(path + ": no 'model NAME ...' line");

  std::vector<GridCell> cells;
  const auto add = [&](const GridLine& model, const GridLine* dataset) {
    GridCell cell{model.name, model.name, "", model.config, model.overrides};
    if (dataset) {
      cell.name += "-" + dataset->name;
      cell.data_name = dataset->name;
      cell.overrides.insert(cell.overrides.end(), dataset->overrides.begin(),
                            dataset->overrides.end());
    }
    cells.push_back(std::move(cell));
  };
  for (const auto& model : models) {
    if (data.empty()) add(model, nullptr);
    for (const auto& dataset : data)
      add(model, &dataset);
  }
  std::set<std::string> cell_names;
  for (const auto& cell : cells)
    if (!cell_names.insert(cell.name).second)
      throw ConfigError(path + ": two runs would both be named '" + cell.name + "'");
  return cells;
}

} // namespace nubayes
