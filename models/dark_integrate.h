#pragma once
// Adaptive Gauss–Kronrod (7/15-point) quadrature on a finite interval, so that models/ needs no
// external numerical library. Used for the smooth integrands left after the variable changes in
// the cross-section and width code.

#include <functional>

namespace nubayes::dark {

/// ∫_a^b f(x) dx to relative accuracy rel_tol (or absolute abs_tol, whichever is looser),
/// bisecting the interval with the largest Kronrod–Gauss error estimate until converged.
/// Throws std::runtime_error if max_intervals subintervals do not suffice.
double integrate(const std::function<double(double)>& f, double a, double b, double rel_tol = 1e-9,
                 double abs_tol = 0.0, int max_intervals = 2000);

} // namespace nubayes::dark
