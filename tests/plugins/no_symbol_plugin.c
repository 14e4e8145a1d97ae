/* Test plugin without nubayes_loglike: loading it must fail with a clear error. */
int nubayes_plugin_init(int ndim, const char *options) {
  (void)ndim;
  (void)options;
  return 0;
}
