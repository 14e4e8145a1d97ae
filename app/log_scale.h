#pragma once
// Parameters with a log-uniform prior live on a log scale: their summaries and plots use log10
// of the value (a linear mean and sd of a quantity spread over decades mean little).
#include "run_file.h"

#include <string>
#include <vector>

namespace nubayes {

/// Whether `v` is a parameter whose prior is log-uniform.
bool has_log_uniform_prior(const VariableMeta& v);

/// The name of log10 of `name`: "log10_NAME" (a valid identifier for GetDist and Python).
std::string log10_name(const std::string& name);

/// log10 of every value (NaN for values <= 0, which a log-uniform prior never gives).
std::vector<double> log10_values(const std::vector<double>& x);

} // namespace nubayes
