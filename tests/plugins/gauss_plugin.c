/* Test plugin: a normalised 2-D Gaussian (mean 0.5, sigma 0.1). With options "count=FILE" it
 * writes the number of likelihood calls it served to FILE when the process exits. */
#include <nubayes/plugin.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long calls = 0;
static char count_file[4096] = "";

static void write_count(void) {
  FILE *f = fopen(count_file, "a");
  if (f) {
    fprintf(f, "%ld\n", calls);
    fclose(f);
  }
}

int nubayes_plugin_init(int ndim, const char *options) {
  if (ndim != 2) return 7;
  if (strncmp(options, "count=", 6) == 0) {
    strncpy(count_file, options + 6, sizeof count_file - 1);
    atexit(write_count);
  } else if (options[0] != '\0') {
    return 3;
  }
  return 0;
}

double nubayes_loglike(const double *theta, int ndim) {
  double r2 = 0;
  ++calls;
  for (int i = 0; i < ndim; ++i) r2 += (theta[i] - 0.5) * (theta[i] - 0.5);
  return -0.5 * r2 / 0.01 - ndim * log(0.1 * sqrt(2 * M_PI));
}
