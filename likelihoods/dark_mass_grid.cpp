#include "dark_mass_grid.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nubayes::darkfit {

double LogAxis::at(int i) const {
  if (points <= 1) return lo;
  return lo * std::pow(hi / lo, static_cast<double>(i) / (points - 1));
}

std::optional<std::pair<int, double>> LogAxis::locate(double x) const {
  // a relative slack of 1e-12 lets the end points themselves (and fixed priors on them) in
  if (!(x >= lo * (1 - 1e-12) && x <= hi * (1 + 1e-12))) return std::nullopt;
  if (points <= 1) return std::pair{0, 0.0};
  const double t = std::clamp(std::log(x / lo) / std::log(hi / lo), 0.0, 1.0) * (points - 1);
  const int i = std::min(static_cast<int>(t), points - 2);
  return std::pair{i, t - i};
}

std::size_t MassGrid::size() const {
  return static_cast<std::size_t>(heavy.points) * static_cast<std::size_t>(ratio.points);
}

std::pair<double, double> MassGrid::masses(std::size_t index) const {
  const int i = static_cast<int>(index / static_cast<std::size_t>(ratio.points));
  const int j = static_cast<int>(index % static_cast<std::size_t>(ratio.points));
  const double m = heavy.at(i);
  return {m, m * ratio.at(j)};
}

std::optional<GridCell> MassGrid::locate(double m_heavy, double m_mediator) const {
  const auto h = heavy.locate(m_heavy);
  const auto r = ratio.locate(m_mediator / m_heavy);
  if (!h || !r) return std::nullopt;
  const auto [i, fi] = *h;
  const auto [j, fj] = *r;
  const auto index = [&](int a, int b) {
    return static_cast<std::size_t>(std::min(a, heavy.points - 1)) *
               static_cast<std::size_t>(ratio.points) +
           static_cast<std::size_t>(std::min(b, ratio.points - 1));
  };
  GridCell cell;
  cell.corner = {index(i, j), index(i + 1, j), index(i, j + 1), index(i + 1, j + 1)};
  cell.weight = {(1 - fi) * (1 - fj), fi * (1 - fj), (1 - fi) * fj, fi * fj};
  return cell;
}

std::string MassGrid::describe() const {
  std::ostringstream out;
  out.precision(17);
  out << model_name(model) << " heavy " << heavy.lo << ' ' << heavy.hi << ' ' << heavy.points
      << " ratio " << ratio.lo << ' ' << ratio.hi << ' ' << ratio.points;
  return out.str();
}

MassGrid named_grid(DarkModelKind kind, const std::string& name) {
  if (name != "default" && name != "small")
    throw std::invalid_argument("unknown template grid '" + name + "' (known: default, small)");
  const bool small = name == "small";
  MassGrid grid;
  grid.model = kind;
  if (kind == DarkModelKind::dark_zd) {
    // m_ZD from 10 MeV at m_N = 0.6 GeV (r = 1/60) up to r = 0.9 (the phase space of N → ν Z_D
    // closes at r = 1)
    grid.heavy = {0.1, 0.6, small ? 3 : 11};
    grid.ratio = {1.0 / 60, 0.9, small ? 3 : 13};
  } else {
    // m_Z′ from 1.1 m₄ (just off shell) to 3 GeV at m₄ = 0.05 GeV (r = 60)
    grid.heavy = {0.05, 0.5, small ? 3 : 11};
    grid.ratio = {1.1, 60, small ? 3 : 11};
  }
  return grid;
}

long named_grid_events(const std::string& name) {
  return name == "small" ? 1500 : 100000;
}

} // namespace nubayes::darkfit
