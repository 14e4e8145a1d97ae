/* Test plugin: returns NaN once x > 0.7, to check that nubayes stops with a clear error. */
#include <nubayes/plugin.h>

#include <math.h>

double nubayes_loglike(const double *theta, int ndim) {
  (void)ndim;
  return theta[0] > 0.7 ? NAN : -theta[0] * theta[0];
}
