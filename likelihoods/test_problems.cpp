#include "test_problems.h"

#include "rng.h"

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace nubayes {

namespace {

constexpr double pi = std::numbers::pi;

/// Simulated cost of a call: sleeping (no CPU, for oversubscribed scaling runs) or burning CPU.
struct CallCost {
  double sleep_ms = 0, burn_ms = 0;
  void pay() const {
    if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(sleep_ms));
    if (burn_ms > 0) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double, std::milli>(burn_ms);
      volatile double sink = 1.0;
      while (std::chrono::steady_clock::now() < until)
        for (int i = 0; i < 1000; ++i) sink = sink * 1.0000001 + 1e-9;
    }
  }
  std::string text() const {
    std::ostringstream out;
    out.precision(17);
    out << "sleep_ms=" << sleep_ms << " burn_ms=" << burn_ms;
    return out.str();
  }
};

std::string options_text(std::size_t ndim, const char* key, double value) {
  std::ostringstream out;
  out.precision(17);
  out << "ndim=" << ndim << " " << key << "=" << value;
  return out.str();
}

/// Common plumbing: one term named after the problem, a fingerprint, the call cost.
class TestProblem : public LogLikelihood {
public:
  TestProblem(std::string name, std::string options, CallCost cost)
      : name_(std::move(name)), options_(std::move(options)), cost_(cost) {}
  std::vector<std::string> term_names() const override { return {name_}; }
  std::string fingerprint() const override { return name_ + " " + options_ + " " + cost_.text(); }
  double evaluate(std::span<const double> theta, std::span<double> terms,
                  std::span<double>) const override {
    cost_.pay();
    terms[0] = loglike(theta);
    return terms[0];
  }

protected:
  virtual double loglike(std::span<const double> theta) const = 0;

private:
  std::string name_, options_;
  CallCost cost_;
};

class Gauss : public TestProblem {
public:
  Gauss(std::size_t ndim, double sigma, CallCost cost)
      : TestProblem("gauss", options_text(ndim, "sigma", sigma), cost),
        sigma_(sigma), norm_(-static_cast<double>(ndim) * std::log(sigma * std::sqrt(2 * pi))) {}
  double loglike(std::span<const double> x) const override {
    double r2 = 0;
    for (double v : x) r2 += (v - 0.5) * (v - 0.5);
    return norm_ - 0.5 * r2 / (sigma_ * sigma_);
  }

private:
  double sigma_, norm_;
};

class CorrelatedGauss : public TestProblem {
public:
  CorrelatedGauss(std::size_t ndim, double condition, CallCost cost)
      : TestProblem("corr-gauss", options_text(ndim, "condition", condition), cost) {
    const CorrGaussShape shape = corr_gauss_shape(ndim, condition);
    precision_ = shape.rotation * shape.eigenvalues.cwiseInverse().asDiagonal() * shape.rotation.transpose();
    norm_ = -0.5 * (static_cast<double>(ndim) * std::log(2 * pi) + shape.eigenvalues.array().log().sum());
  }
  double loglike(std::span<const double> x) const override {
    const Eigen::Map<const Eigen::VectorXd> v(x.data(), static_cast<Eigen::Index>(x.size()));
    return norm_ - 0.5 * v.dot(precision_ * v);
  }

private:
  Eigen::MatrixXd precision_;
  double norm_;
};

/// Two Gaussian shells (Feroz & Hobson 2008): radius 2, width 0.1, centres (+-3.5, 0).
class Shells : public TestProblem {
public:
  explicit Shells(CallCost cost) : TestProblem("shells", "r=2 w=0.1 c=3.5", cost) {}
  double loglike(std::span<const double> x) const override {
    constexpr double r = 2.0, w = 0.1, c = 3.5;
    const double norm = -0.5 * std::log(2 * pi * w * w);
    auto shell = [&](double cx) {
      const double rho = std::hypot(x[0] - cx, x[1]);
      return norm - 0.5 * (rho - r) * (rho - r) / (w * w);
    };
    const double a = shell(-c), b = shell(c);
    const double m = std::max(a, b);
    return m + std::log1p(std::exp(std::min(a, b) - m));
  }
};

class Eggbox : public TestProblem {
public:
  explicit Eggbox(CallCost cost) : TestProblem("eggbox", "", cost) {}
  double loglike(std::span<const double> x) const override {
    return std::pow(2.0 + std::cos(0.5 * x[0]) * std::cos(0.5 * x[1]), 5.0);
  }
};

class Rosenbrock : public TestProblem {
public:
  explicit Rosenbrock(CallCost cost) : TestProblem("rosenbrock", "", cost) {}
  double loglike(std::span<const double> x) const override {
    return -((1 - x[0]) * (1 - x[0]) + 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]));
  }
};

/// A likelihood that is exactly flat on half the prior (x < 0.5, L = 1) with a Gaussian peak
/// of height 100 and width 0.05 at (0.75, 0.5): standard nested sampling mis-handles the
/// plateau (Fowlie, Handley & Su 2020). Z = 0.5 + 100 * 2 pi 0.05^2.
class Plateau : public TestProblem {
public:
  explicit Plateau(CallCost cost) : TestProblem("plateau", "", cost) {}
  double loglike(std::span<const double> x) const override {
    if (x[0] < 0.5) return 0.0;
    const double r2 = (x[0] - 0.75) * (x[0] - 0.75) + (x[1] - 0.5) * (x[1] - 0.5);
    return std::log(100.0) - 0.5 * r2 / (0.05 * 0.05);
  }
};

std::vector<PriorSpec> box_priors(std::size_t ndim, double lo, double hi, const std::vector<std::string>& names = {}) {
  std::vector<PriorSpec> out;
  for (std::size_t i = 0; i < ndim; ++i) {
    PriorSpec s;
    s.name = names.empty() ? std::string("x").append(std::to_string(i + 1)) : names[i];
    s.kind = PriorKind::uniform;
    s.a = lo;
    s.b = hi;
    out.push_back(s);
  }
  return out;
}

} // namespace

CorrGaussShape corr_gauss_shape(std::size_t ndim, double condition) {
  const auto d = static_cast<Eigen::Index>(ndim);
  // Eigenvalues log-spaced from 1e-2 down to 1e-2/condition; a fixed random rotation (QR of a
  // seeded Gaussian matrix) so that the correlations are not axis-aligned.
  Eigen::VectorXd lambda(d);
  for (Eigen::Index i = 0; i < d; ++i)
    lambda[i] = 1e-2 * std::pow(condition, -(d > 1 ? double(i) / double(d - 1) : 0.0));
  Rng rng(20240601, StreamPurpose::user, ndim);
  Eigen::MatrixXd g(d, d);
  for (Eigen::Index i = 0; i < d; ++i)
    for (Eigen::Index j = 0; j < d; ++j) g(i, j) = rng.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  return {lambda, qr.householderQ()};
}

std::vector<std::string> test_problem_names() {
  return {"gauss", "corr-gauss", "shells", "eggbox", "rosenbrock", "plateau"};
}

std::string test_problem_help() {
  return "  gauss       isotropic normalised Gaussian, mean 0.5, on [0,1]^ndim; keys ndim (2), sigma (0.1);\n"
         "              lnZ = ndim ln erf(0.5/(sigma sqrt 2)) (= 0 to 1e-6 for sigma 0.1)\n"
         "  corr-gauss  normalised Gaussian, mean 0, covariance R diag(lambda) R^T with lambda log-spaced\n"
         "              from 1e-2 to 1e-2/condition, R a fixed random rotation, on [-1,1]^ndim;\n"
         "              keys ndim (10), condition (1e4); lnZ = -ndim ln 2\n"
         "  shells      two Gaussian shells (r 2, w 0.1, centres (+-3.5, 0)) on [-6,6]^2; lnZ = ln(8 pi/144)\n"
         "  eggbox      lnL = (2 + cos(x/2) cos(y/2))^5 on [0,10 pi]^2; lnZ = 235.855940 (quadrature)\n"
         "  rosenbrock  lnL = -[(1-x)^2 + 100 (y-x^2)^2] on [-5,5]^2; lnZ = -5.804132 (quadrature)\n"
         "  plateau     L = 1 for x < 0.5, else 100 exp(-r^2/(2 0.05^2)) around (0.75, 0.5), on [0,1]^2;\n"
         "              lnZ = ln(0.5 + 100 pi/200)\n"
         "  every problem also takes sleep_ms (each call sleeps) and burn_ms (each call computes), default 0\n";
}

TestProblemSetup make_test_problem(const std::string& name, const ModelOptions& options) {
  CallCost cost;
  cost.sleep_ms = options.number_in("sleep_ms", 0.0, 0.0, 1e7);
  cost.burn_ms = options.number_in("burn_ms", 0.0, 0.0, 1e7);
  TestProblemSetup s;
  if (name == "gauss") {
    const auto ndim = static_cast<std::size_t>(options.integer_in("ndim", 2, 1, 1000));
    const double sigma = options.number_in("sigma", 0.1, 1e-12, 1e12);
    s.likelihood = std::make_unique<Gauss>(ndim, sigma, cost);
    s.priors = box_priors(ndim, 0.0, 1.0);
    s.analytic_logz = static_cast<double>(ndim) * std::log(std::erf(0.5 / (sigma * std::sqrt(2.0))));
  } else if (name == "corr-gauss") {
    const auto ndim = static_cast<std::size_t>(options.integer_in("ndim", 10, 1, 1000));
    const double condition = options.number_in("condition", 1e4, 1.0, 1e12);
    s.likelihood = std::make_unique<CorrelatedGauss>(ndim, condition, cost);
    s.priors = box_priors(ndim, -1.0, 1.0);
    s.analytic_logz = -static_cast<double>(ndim) * std::log(2.0);
  } else if (name == "shells") {
    s.likelihood = std::make_unique<Shells>(cost);
    s.priors = box_priors(2, -6.0, 6.0, {"x", "y"});
    s.analytic_logz = std::log(8 * pi / 144);
  } else if (name == "eggbox") {
    s.likelihood = std::make_unique<Eggbox>(cost);
    s.priors = box_priors(2, 0.0, 10 * pi, {"x", "y"});
    s.analytic_logz = 235.855940;
  } else if (name == "rosenbrock") {
    s.likelihood = std::make_unique<Rosenbrock>(cost);
    s.priors = box_priors(2, -5.0, 5.0, {"x", "y"});
    s.analytic_logz = -5.804132;
  } else if (name == "plateau") {
    s.likelihood = std::make_unique<Plateau>(cost);
    s.priors = box_priors(2, 0.0, 1.0, {"x", "y"});
    s.analytic_logz = std::log(0.5 + 100 * pi / 200);
  } else {
    throw std::invalid_argument("unknown test problem '" + name + "'");
  }
  return s;
}

} // namespace nubayes
