#include "dark_signal.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nubayes::darkfit {

namespace {

constexpr double kCmPerM = 100;

double ctau_m(double width) {
  return width > 0 ? dark::ctau_cm(width) / kCmPerM : std::numeric_limits<double>::infinity();
}

std::pair<double, double> masses_of(const dark::DarkModelParams& params) {
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params)) return {zd->m_N, zd->m_ZD};
  const auto& zp = std::get<dark::HeavyZprimeParams>(params);
  return {zp.m4, zp.m_Zprime};
}

} // namespace

Lifetimes direct_lifetimes(const dark::DarkModelParams& params) {
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params))
    return {ctau_m(dark::width_n_to_nu_zd(*zd)), ctau_m(dark::width_zd_to_ee(*zd))};
  return {ctau_m(dark::width_nu4_to_nu_ee(std::get<dark::HeavyZprimeParams>(params))), 0};
}

TemplateSignal::TemplateSignal(TemplateSet templates) : set_(std::move(templates)) {}

double TemplateSignal::heavy_width(const dark::DarkModelParams& params,
                                   const GridCell& cell) const {
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params)) return dark::width_n_to_nu_zd(*zd);
  // geometric interpolation: Γ/C² ∝ m₄⁵/m_Z′⁴ × (slowly varying), linear in the log masses
  double log_width = 0;
  for (std::size_t k = 0; k < 4; ++k)
    log_width += cell.weight[k] * std::log(set_.points[cell.corner[k]].width_per_coupling);
  return three_body_coupling_sq(std::get<dark::HeavyZprimeParams>(params)) * std::exp(log_width);
}

bool TemplateSignal::lifetimes(const dark::DarkModelParams& params, Lifetimes& out) const {
  out = {};
  const auto [m_heavy, m_mediator] = masses_of(params);
  const auto cell = set_.grid.locate(m_heavy, m_mediator);
  if (!cell) return false;
  out.ctau_heavy_m = ctau_m(heavy_width(params, *cell));
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params))
    out.ctau_mediator_m = ctau_m(dark::width_zd_to_ee(*zd));
  return true;
}

void TemplateSignal::add_point(std::size_t index, const Lifetimes& life, double weight,
                               std::span<double> per_pot) const {
  const TemplatePoint& p = set_.points[index];
  const std::size_t n = set_.layout.size();
  const int nh = p.heavy_boost.bins, nm = p.mediator_boost.bins;
  for (int i = 0; i < nh; ++i) {
    const double lambda_heavy = std::exp(p.heavy_boost.centre(i)) * life.ctau_heavy_m;
    for (int j = 0; j < nm; ++j) {
      const double* c =
          p.counts.data() + (static_cast<std::size_t>(i) * static_cast<std::size_t>(nm) +
                             static_cast<std::size_t>(j)) *
                                n;
      const double probability =
          life.ctau_mediator_m > 0
              ? fiducial_.two_step(lambda_heavy,
                                   std::exp(p.mediator_boost.centre(j)) * life.ctau_mediator_m)
              : fiducial_.single(lambda_heavy);
      const double f = weight * probability;
      if (f == 0) continue;
      for (std::size_t b = 0; b < n; ++b)
        per_pot[b] += f * c[b];
    }
  }
}

bool TemplateSignal::predict(const dark::DarkModelParams& params, std::span<double> per_pot) const {
  std::fill(per_pot.begin(), per_pot.end(), 0.0);
  const auto [m_heavy, m_mediator] = masses_of(params);
  const auto cell = set_.grid.locate(m_heavy, m_mediator);
  if (!cell) return false;
  Lifetimes life;
  life.ctau_heavy_m = ctau_m(heavy_width(params, *cell));
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params))
    life.ctau_mediator_m = ctau_m(dark::width_zd_to_ee(*zd));
  const double c2 = production_coupling_sq(params);
  // Per observable, geometric interpolation between the corners (rates change by large factors
  // across a cell, roughly as powers of the masses); linear where a corner predicts nothing.
  for (std::size_t k = 0; k < 4; ++k) {
    corner_[k].assign(per_pot.size(), 0.0);
    if (cell->weight[k] > 0) add_point(cell->corner[k], life, c2, corner_[k]);
  }
  for (std::size_t b = 0; b < per_pot.size(); ++b) {
    bool positive = true;
    double log_sum = 0, linear = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (!(cell->weight[k] > 0)) continue;
      const double x = corner_[k][b];
      linear += cell->weight[k] * x;
      if (x > 0)
        log_sum += cell->weight[k] * std::log(x);
      else
        positive = false;
    }
    per_pot[b] = positive ? std::exp(log_sum) : linear;
  }
  return true;
}

void TemplateSignal::predict_at_point(std::size_t index, const dark::DarkModelParams& params,
                                      std::span<double> per_pot) const {
  std::fill(per_pot.begin(), per_pot.end(), 0.0);
  GridCell single;
  single.corner = {index, index, index, index};
  single.weight = {1, 0, 0, 0};
  Lifetimes life;
  life.ctau_heavy_m = ctau_m(heavy_width(params, single));
  if (const auto* zd = std::get_if<dark::DarkZdParams>(&params))
    life.ctau_mediator_m = ctau_m(dark::width_zd_to_ee(*zd));
  add_point(index, life, production_coupling_sq(params), per_pot);
}

} // namespace nubayes::darkfit
