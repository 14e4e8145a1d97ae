#include "plugin_likelihood.h"

#include <dlfcn.h>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>

namespace nubayes {

PluginLikelihood::PluginLikelihood(const std::string& library, int ndim, const std::string& options)
    : library_(library), options_(options), ndim_(ndim) {
  handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = dlerror();
    throw std::runtime_error("plugin " + library + ": cannot load (" + (why ? why : "unknown error") + ")");
  }
  loglike_ = reinterpret_cast<LogLikeFn>(dlsym(handle_, "nubayes_loglike"));
  if (!loglike_) {
    dlclose(handle_);
    throw std::runtime_error("plugin " + library + ": missing symbol nubayes_loglike");
  }
  using InitFn = int (*)(int, const char*);
  if (auto init = reinterpret_cast<InitFn>(dlsym(handle_, "nubayes_plugin_init"))) {
    const int status = init(ndim, options.c_str());
    if (status != 0) {
      dlclose(handle_);
      throw std::runtime_error("plugin " + library + ": nubayes_plugin_init returned " +
                               std::to_string(status) + " (options '" + options + "')");
    }
  }
}

PluginLikelihood::~PluginLikelihood() {
  if (handle_) dlclose(handle_);
}

double PluginLikelihood::evaluate(std::span<const double> theta, std::span<double> terms,
                                  std::span<double>) const {
  terms[0] = loglike_(theta.data(), ndim_);
  return terms[0];
}

std::string PluginLikelihood::fingerprint() const {
  // The library's bytes are part of the identity: a rebuilt plugin is different data.
  std::ifstream in(library_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return "plugin " + library_ + " options=" + options_ + " hash=" + std::to_string(std::hash<std::string>{}(bytes));
}

} // namespace nubayes
