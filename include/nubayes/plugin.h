/* nubayes plugin likelihood, C ABI version 1.
 *
 * Build a shared library exporting these symbols and point a config at it:
 *   [model]
 *   name = plugin
 *   library = /path/to/libmylike.so
 *   options = any text, handed to nubayes_plugin_init
 * The parameters are the [prior] lines, in order.
 */
#ifndef NUBAYES_PLUGIN_H
#define NUBAYES_PLUGIN_H

#ifdef __cplusplus
extern "C" {
#endif

#define NUBAYES_PLUGIN_ABI_VERSION 1

/* Optional. Called once per process before any likelihood call; return 0 on success.
 * options is the [model] options string ("" if absent). */
int nubayes_plugin_init(int ndim, const char *options);

/* Required. theta holds the parameters in [prior] order, in physical units.
 * May return -INFINITY; must never return NaN. */
double nubayes_loglike(const double *theta, int ndim);

#ifdef __cplusplus
}
#endif

#endif /* NUBAYES_PLUGIN_H */
