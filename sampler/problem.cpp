#include "problem.h"

#include <cmath>
#include <sstream>

namespace nubayes {

void Problem::evaluate(std::span<const double> u, Point& p) const {
  p.u.assign(u.begin(), u.end());
  p.theta.resize(nparams());
  p.terms.assign(nterms(), 0.0);
  p.derived.assign(nderived(), 0.0);
  prior_.to_physical(u, p.theta);
  p.logl = likelihood_.evaluate(p.theta, p.terms, p.derived);
  if (std::isnan(p.logl) || p.logl == std::numeric_limits<double>::infinity()) {
    std::ostringstream msg;
    msg.precision(17);
    msg << name_ << ": log-likelihood is " << p.logl << " at";
    const auto names = prior_.names();
    for (std::size_t i = 0; i < names.size(); ++i)
      msg << (i ? ", " : " ") << names[i] << "=" << p.theta[i];
    throw LikelihoodError(msg.str());
  }
  p.logprior = prior_.log_density(p.theta);
}

} // namespace nubayes
