#include "log_scale.h"

#include "prior.h"

#include <cmath>

namespace nubayes {

bool has_log_uniform_prior(const VariableMeta& v) {
  if (v.is_derived || v.prior.empty()) return false;
  return PriorSpec::parse(v.name, v.prior).kind == PriorKind::log_uniform;
}

std::string log10_name(const std::string& name) {
  return "log10_" + name;
}

std::vector<double> log10_values(const std::vector<double>& x) {
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = x[i] > 0 ? std::log10(x[i]) : std::nan("");
  return out;
}

} // namespace nubayes
