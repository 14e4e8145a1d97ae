#pragma once
// A likelihood from a user's shared library (C ABI of include/nubayes/plugin.h).
#include "likelihood.h"

#include <memory>
#include <string>

namespace nubayes {

class PluginLikelihood : public LogLikelihood {
public:
  /// Loads `library`, calls its init with (ndim, options). Throws std::runtime_error naming the
  /// library on a missing file or symbol, or a non-zero init.
  PluginLikelihood(const std::string& library, int ndim, const std::string& options);
  ~PluginLikelihood() override;
  PluginLikelihood(const PluginLikelihood&) = delete;
  PluginLikelihood& operator=(const PluginLikelihood&) = delete;

  std::vector<std::string> term_names() const override { return {"plugin"}; }
  double evaluate(std::span<const double> theta, std::span<double> terms,
                  std::span<double> derived) const override;
  std::string fingerprint() const override;

private:
  using LogLikeFn = double (*)(const double*, int);
  std::string library_, options_;
  int ndim_;
  void* handle_ = nullptr;
  LogLikeFn loglike_ = nullptr;
};

} // namespace nubayes
