#include "dark_priors.h"

#include "model_options.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace nubayes::darkfit {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

/// [lo, hi] that the prior can produce.
std::pair<double, double> support(const PriorSpec& p) {
  switch (p.kind) {
  case PriorKind::fixed:
    return {p.a, p.a};
  case PriorKind::gaussian:
    return {-kInf, kInf};
  default:
    return {p.a, p.b};
  }
}

} // namespace

std::vector<PriorSpec> default_priors(DarkModelKind kind) {
  if (kind == DarkModelKind::dark_zd)
    return {PriorSpec::parse("m_N", "log-uniform 0.1 0.6"),
            PriorSpec::parse("m_ZD", "log-uniform 0.01 0.2"),
            PriorSpec::parse("Umu4_sq", "log-uniform 1e-9 1e-5"),
            PriorSpec::parse("alpha_D", "fixed 0.25"),
            PriorSpec::parse("alpha_eps2", "log-uniform 1e-11 1e-7")};
  return {PriorSpec::parse("m4", "log-uniform 0.05 0.5"),
          PriorSpec::parse("m_Zprime", "log-uniform 0.1 3"),
          PriorSpec::parse("Umu4_sq", "log-uniform 1e-9 1e-4"),
          PriorSpec::parse("Utau4_sq", "log-uniform 1e-6 0.1"),
          PriorSpec::parse("chi_sq", "log-uniform 1e-8 1e-3"),
          PriorSpec::parse("alpha_prime", "fixed 1")};
}

/// The user's [prior] lines (any order) must name exactly the model's parameters; returns, per
/// theta entry, its canonical index.
std::vector<std::size_t> parameter_order(DarkModelKind kind, const std::vector<PriorSpec>& priors) {
  const auto& names = parameter_names(kind);
  const std::string model(model_name(kind));
  std::string list;
  for (const auto& n : names)
    list += (list.empty() ? "" : ", ") + n;
  std::vector<std::size_t> order;
  for (const auto& p : priors) {
    const auto it = std::find(names.begin(), names.end(), p.name);
    if (it == names.end())
      throw OptionError(
          p.name, "'" + p.name + "' is not a parameter of " + model + " (" + list + ")", "prior");
    order.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::count(order.begin(), order.end(), i) != 1)
      throw OptionError(names[i],
                        "[prior] must give " + names[i] + " exactly once for " + model + " (" +
                            list + ")",
                        "prior");
  return order;
}

/// Mass priors: bounded, compatible with each other (m_ZD < m_N, m₄ < m_Z′) and inside the grid.
void check_mass_priors(const MassGrid& grid, const std::string& grid_name,
                       const std::vector<PriorSpec>& priors,
                       const std::vector<std::size_t>& order) {
  const auto& names = parameter_names(grid.model);
  std::pair<double, double> heavy{}, mediator{};
  for (std::size_t i = 0; i < priors.size(); ++i) {
    if (order[i] > 1) continue;
    const auto s = support(priors[i]);
    if (!std::isfinite(s.first) || !std::isfinite(s.second) || !(s.first > 0))
      throw OptionError(names[order[i]],
                        "mass priors must be bounded and positive (uniform, log-uniform or fixed)",
                        "prior");
    (order[i] == 0 ? heavy : mediator) = s;
  }
  const std::string& h = names[0];
  const std::string& m = names[1];
  if (grid.model == DarkModelKind::dark_zd && mediator.first >= heavy.second)
    throw OptionError(
        m,
        "impossible masses: m_ZD must be below m_N (N -> nu Z_D on shell), but the prior gives "
        "m_ZD >= " +
            number_text(mediator.first) + " GeV and m_N <= " + number_text(heavy.second) + " GeV",
        "prior");
  if (grid.model == DarkModelKind::heavy_zprime && mediator.second <= heavy.first)
    throw OptionError(
        m,
        "impossible masses: m_Zprime must be above m4 (off-shell Z' in nu4 -> nu e e), but the "
        "prior gives m_Zprime <= " +
            number_text(mediator.second) + " GeV and m4 >= " + number_text(heavy.first) + " GeV",
        "prior");
  const std::string where = " (template_grid = " + grid_name + ": " + h + " " +
                            number_text(grid.heavy.lo) + "-" + number_text(grid.heavy.hi) +
                            " GeV, " + m + "/" + h + " " + number_text(grid.ratio.lo) + "-" +
                            number_text(grid.ratio.hi) + ")";
  if (!grid.heavy.locate(heavy.first) || !grid.heavy.locate(heavy.second))
    throw OptionError(h,
                      "prior range " + number_text(heavy.first) + "-" + number_text(heavy.second) +
                          " GeV is not inside the template grid" + where,
                      "prior");
  // The ratio end at the physical boundary (r -> 1) may be cut by the grid (ln L = -inf there);
  // the other end must be covered.
  if (grid.model == DarkModelKind::dark_zd &&
      mediator.first / heavy.second < grid.ratio.lo * (1 - 1e-12))
    throw OptionError(
        m,
        "prior range reaches m_ZD/m_N = " + number_text(mediator.first / heavy.second) +
            ", below the template grid" + where,
        "prior");
  if (grid.model == DarkModelKind::heavy_zprime &&
      mediator.second / heavy.first > grid.ratio.hi * (1 + 1e-12))
    throw OptionError(
        m,
        "prior range reaches m_Zprime/m4 = " + number_text(mediator.second / heavy.first) +
            ", above the template grid" + where,
        "prior");
}

} // namespace nubayes::darkfit
