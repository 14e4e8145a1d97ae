#include "export_text.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace nubayes {

std::ofstream open_output(const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot write");
  return out;
}

void close_output(std::ofstream& out, const std::string& path) {
  out.close();
  if (!out) throw std::runtime_error(path + ": write failed");
}

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return std::string(buffer, end);
}

const std::vector<double>& column(const RunFileContents& c, const std::string& name) {
  const auto it = c.columns.find(name);
  if (it == c.columns.end()) throw std::runtime_error("run file has no /nested_sampling/" + name);
  return it->second;
}

void write_paramnames(const RunFileContents& c, const std::string& path) {
  auto out = open_output(path);
  for (const auto& v : c.variables)
    out << v.name << (v.is_derived ? "*" : "") << "  " << (v.latex.empty() ? v.name : v.latex)
        << "\n";
  close_output(out, path);
}

} // namespace nubayes
