#pragma once
// The Gaussian χ² and ln det M of a covariance M rebuilt at every call, through its Cholesky
// factor M = L Lᵀ: shared by the likelihoods with signal-dependent covariances (MiniBooNE,
// MicroBooNE).
#include <Eigen/Cholesky>

#include <limits>

namespace nubayes {

/// χ² = rᵀ M⁻¹ r = |L⁻¹ r|²; factorises M into `llt` (which reads M's lower triangle only and
/// keeps the factor for cholesky_log_det) and overwrites r. +inf if M is not positive definite.
template <class LLT, class Matrix, class Vector>
double cholesky_chi2(LLT& llt, const Matrix& m, Vector& r) {
  llt.compute(m);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  llt.matrixL().solveInPlace(r);
  return r.squaredNorm();
}

/// ln det M = 2 Σ ln L_ii of the last factorisation; +inf if it failed.
template <class LLT> double cholesky_log_det(const LLT& llt) {
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  return 2.0 * llt.matrixLLT().diagonal().array().log().sum();
}

} // namespace nubayes
