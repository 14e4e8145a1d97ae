#include "prior.h"

#include "parse_number.h"

#include <algorithm>
#include <cmath>
#include <gsl/gsl_cdf.h>
#include <iomanip>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace nubayes {

namespace {

double parse_number(const std::string& word, const std::string& what) {
  const auto value = parse_finite(word);
  if (!value) throw std::invalid_argument("'" + word + "' is not a finite number (" + what + ")");
  return *value;
}

std::string format_number(double x) {
  std::ostringstream out;
  out << std::setprecision(17) << x;
  return out.str();
}

} // namespace

PriorSpec PriorSpec::parse(const std::string& name, const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty())
    throw std::invalid_argument("empty prior; expected 'uniform LO HI', 'log-uniform LO HI', "
                                "'gaussian MU SIGMA' or 'fixed VALUE'");
  PriorSpec spec;
  spec.name = name;
  const std::string& kind = words[0];
  const std::size_t expected = kind == "fixed" ? 2 : 3;
  if (kind == "uniform") spec.kind = PriorKind::uniform;
  else if (kind == "log-uniform") spec.kind = PriorKind::log_uniform;
  else if (kind == "gaussian") spec.kind = PriorKind::gaussian;
  else if (kind == "fixed") spec.kind = PriorKind::fixed;
  else
    throw std::invalid_argument("unknown prior '" + kind +
                                "'; expected uniform, log-uniform, gaussian or fixed");
  if (words.size() != expected)
    throw std::invalid_argument("'" + kind + "' takes " + std::to_string(expected - 1) +
                                " number(s), got " + std::to_string(words.size() - 1));
  switch (spec.kind) {
  case PriorKind::uniform:
  case PriorKind::log_uniform:
    spec.a = parse_number(words[1], "lower bound");
    spec.b = parse_number(words[2], "upper bound");
    if (spec.a >= spec.b)
      throw std::invalid_argument("lower bound " + words[1] + " is not below upper bound " +
                                  words[2]);
    if (spec.kind == PriorKind::log_uniform && spec.a <= 0)
      throw std::invalid_argument("log-uniform needs a positive lower bound, got " + words[1]);
    // The prior density is 1 / width: a width that overflows would make every ln L(prior) -inf.
    if (!std::isfinite(spec.kind == PriorKind::uniform ? spec.b - spec.a : std::log(spec.b) - std::log(spec.a)))
      throw std::invalid_argument(std::string(spec.kind == PriorKind::uniform ? "width" : "log-width") + " " +
                                  words[2] + " - " + words[1] + " is not a finite number");
    break;
  case PriorKind::gaussian:
    spec.a = parse_number(words[1], "mean");
    spec.b = parse_number(words[2], "standard deviation");
    if (spec.b <= 0)
      throw std::invalid_argument("gaussian needs a positive standard deviation, got " + words[2]);
    break;
  case PriorKind::fixed:
    spec.a = parse_number(words[1], "value");
    break;
  }
  return spec;
}

std::string PriorSpec::text() const {
  switch (kind) {
  case PriorKind::uniform: return "uniform " + format_number(a) + " " + format_number(b);
  case PriorKind::log_uniform: return "log-uniform " + format_number(a) + " " + format_number(b);
  case PriorKind::gaussian: return "gaussian " + format_number(a) + " " + format_number(b);
  case PriorKind::fixed: return "fixed " + format_number(a);
  }
  return {};
}

PriorSpace::PriorSpace(std::vector<PriorSpec> specs) : specs_(std::move(specs)) {
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].kind != PriorKind::fixed) sampled_.push_back(i);
}

std::vector<std::string> PriorSpace::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.name);
  return out;
}

void PriorSpace::to_physical(std::span<const double> u, std::span<double> theta) const {
  std::size_t k = 0;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const PriorSpec& s = specs_[i];
    if (s.kind == PriorKind::fixed) {
      theta[i] = s.a;
      continue;
    }
    const double x = u[k++];
    switch (s.kind) {
    case PriorKind::uniform: theta[i] = s.a + x * (s.b - s.a); break;
    case PriorKind::log_uniform: theta[i] = s.a * std::exp(x * std::log(s.b / s.a)); break;
    case PriorKind::gaussian:
      // The cube's faces map to +-infinity; clamp so the likelihood never sees an infinite value.
      theta[i] = s.a + s.b * gsl_cdf_ugaussian_Pinv(std::clamp(x, 1e-300, 1.0 - 1e-16));
      break;
    case PriorKind::fixed: break;
    }
  }
}

std::vector<double> PriorSpace::to_unit(std::span<const double> theta) const {
  std::vector<double> u;
  u.reserve(sampled_.size());
  for (std::size_t i : sampled_) {
    const PriorSpec& s = specs_[i];
    switch (s.kind) {
    case PriorKind::uniform: u.push_back((theta[i] - s.a) / (s.b - s.a)); break;
    case PriorKind::log_uniform: u.push_back(std::log(theta[i] / s.a) / std::log(s.b / s.a)); break;
    case PriorKind::gaussian: u.push_back(gsl_cdf_ugaussian_P((theta[i] - s.a) / s.b)); break;
    case PriorKind::fixed: break;
    }
  }
  return u;
}

double PriorSpace::log_density(std::span<const double> theta) const {
  double lp = 0;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const PriorSpec& s = specs_[i];
    switch (s.kind) {
    case PriorKind::uniform: lp -= std::log(s.b - s.a); break;
    case PriorKind::log_uniform: lp -= std::log(theta[i] * std::log(s.b / s.a)); break;
    case PriorKind::gaussian: {
      const double z = (theta[i] - s.a) / s.b;
      lp -= 0.5 * z * z + std::log(s.b) + 0.5 * std::log(2 * std::numbers::pi);
      break;
    }
    case PriorKind::fixed: break;
    }
  }
  return lp;
}

std::string PriorSpace::fingerprint() const {
  std::string out;
  for (const auto& s : specs_) out += s.name + " = " + s.text() + "\n";
  return out;
}

} // namespace nubayes
