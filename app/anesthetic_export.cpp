#include "anesthetic_export.h"

#include "export_text.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace nubayes {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

/// anesthetic reads any ln L or ln L_birth at or below this as -inf (its `logzero`).
constexpr double anesthetic_logzero = -1e30;

/// A finite stand-in for ln L = -inf: below every finite ln L of the run and above anesthetic's
/// logzero, so that anesthetic keeps the row (with weight exp(level) dX = 0).
double zero_likelihood_level(const std::vector<double>& logl) {
  double lowest = std::numeric_limits<double>::infinity();
  for (double l : logl)
    if (std::isfinite(l)) lowest = std::min(lowest, l);
  double level = -1e29;
  if (!(level < lowest)) level = 0.5 * (lowest + anesthetic_logzero);
  if (!(level > anesthetic_logzero && level < lowest))
    throw std::runtime_error("ln L goes down to " + number(lowest) +
                             ", below anesthetic's logzero (-1e30): anesthetic would read those "
                             "points as ln L = -inf; use --getdist");
  return level;
}

} // namespace

/// PREFIX_dead-birth.txt in PolyChord's layout: `values...  logL  logL_birth` for every dead
/// point, then the final live points (the run file's row order already).
///
/// Initial points outside the physical region (ln L = -inf) are prior volume with L = 0: the run
/// killed them first, as one plateau, with the live count falling by one per death, and their
/// replacements were born on that plateau. anesthetic drops rows whose ln L is -inf (ln L <=
/// ln L_birth), which would lose that compression and raise its ln Z by about (unphysical
/// fraction). So the plateau is written at a finite level far below every other ln L, and as many
/// of the points born at -inf as the plateau had (its replacements, which are indistinguishable
/// from the surviving initial draws) are written as born on it. anesthetic then counts the same
/// live points at every death as the run did (deaths before births on a tie), and its ln Z differs
/// from nubayes's only by the quadrature.
std::size_t write_anesthetic(const RunFileContents& c, const std::string& prefix) {
  const auto& logl = column(c, "logl");
  std::vector<double> birth = column(c, "logl_birth");
  std::vector<double> death = logl;
  const auto plateau = static_cast<std::size_t>(std::count(logl.begin(), logl.end(), neg_inf));
  if (plateau > 0) {
    const double level = zero_likelihood_level(logl);
    std::size_t reborn = 0;
    for (std::size_t i = c.rows; i-- > 0 && reborn < plateau;)
      if (birth[i] == neg_inf && std::isfinite(logl[i])) {
        birth[i] = level;
        ++reborn;
      }
    for (auto& l : death)
      if (l == neg_inf) l = level;
  }
  std::vector<const std::vector<double>*> values;
  for (const auto& v : c.variables)
    values.push_back(&column(c, v.name));

  const std::string path = prefix + "_dead-birth.txt";
  auto out = open_output(path);
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (const auto* col : values)
      out << number((*col)[i]) << "  ";
    out << number(death[i]) << "  " << number(birth[i]) << "\n";
  }
  close_output(out, path);
  write_paramnames(c, prefix + ".paramnames");
  return c.rows;
}

} // namespace nubayes
