#pragma once
// `nubayes export --getdist`: a run as GetDist chain files.
#include "run_file.h"

#include <cstddef>
#include <string>

namespace nubayes {

/// Writes PREFIX.txt, PREFIX.paramnames, PREFIX.ranges and PREFIX.properties.ini; returns the
/// rows written.
std::size_t write_getdist(const RunFileContents& c, const std::string& prefix);

} // namespace nubayes
