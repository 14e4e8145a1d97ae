#include "anesthetic_export.h"

#include "export_text.h"

#include <vector>

namespace nubayes {

/// PREFIX_dead-birth.txt in PolyChord's layout: `values...  logL  logL_birth` for every dead
/// point, then the final live points (the run file's row order already). Initial points were
/// born at -inf, which numpy (and so anesthetic) reads as written.
std::size_t write_anesthetic(const RunFileContents& c, const std::string& prefix) {
  const auto& logl = column(c, "logl");
  const auto& birth = column(c, "logl_birth");
  std::vector<const std::vector<double>*> values;
  for (const auto& v : c.variables)
    values.push_back(&column(c, v.name));

  const std::string path = prefix + "_dead-birth.txt";
  auto out = open_output(path);
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (const auto* col : values)
      out << number((*col)[i]) << "  ";
    out << number(logl[i]) << "  " << number(birth[i]) << "\n";
  }
  close_output(out, path);
  write_paramnames(c, prefix + ".paramnames");
  return c.rows;
}

} // namespace nubayes
