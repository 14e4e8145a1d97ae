#include "dark_model_kind.h"

#include <stdexcept>

namespace nubayes::darkfit {

std::string_view model_name(DarkModelKind kind) {
  return kind == DarkModelKind::dark_zd ? "dark-zd" : "heavy-zprime";
}

const std::vector<std::string>& parameter_names(DarkModelKind kind) {
  static const std::vector<std::string> zd{"m_N", "m_ZD", "Umu4_sq", "alpha_D", "alpha_eps2"};
  static const std::vector<std::string> zp{"m4",       "m_Zprime", "Umu4_sq",
                                           "Utau4_sq", "chi_sq",   "alpha_prime"};
  return kind == DarkModelKind::dark_zd ? zd : zp;
}

dark::DarkModelParams params_from(DarkModelKind kind, std::span<const double> v) {
  if (v.size() != parameter_names(kind).size())
    throw std::invalid_argument("params_from: wrong number of parameters");
  if (kind == DarkModelKind::dark_zd) return dark::DarkZdParams{v[0], v[1], v[2], v[3], v[4]};
  return dark::HeavyZprimeParams{v[0], v[1], v[2], v[3], v[4], v[5]};
}

dark::DarkModelParams reference_params(DarkModelKind kind, double m_heavy, double m_mediator) {
  if (kind == DarkModelKind::dark_zd)
    return dark::DarkZdParams{m_heavy, m_mediator, 1e-6, 0.25, 3e-9};
  return dark::HeavyZprimeParams{m_heavy, m_mediator, 1.5e-6, 7.8e-4, 5e-6, 1.0};
}

double production_coupling_sq(const dark::DarkModelParams& params) {
  return std::visit([](const auto& p) { return dark::upscatter_vertex(p).coupling_sq; }, params);
}

double three_body_coupling_sq(const dark::HeavyZprimeParams& params) {
  return dark::three_body_vertex(params).coupling_sq;
}

} // namespace nubayes::darkfit
