#pragma once
// `nubayes export --getdist`: a run as GetDist chain files.
#include "run_file.h"

#include <cstddef>
#include <string>
#include <vector>

namespace nubayes {

struct GetDistFiles {
  std::vector<std::string> chains; ///< the chain files written
  std::size_t rows = 0;            ///< rows in them together
};

/// Writes the chains (PREFIX.txt for a nested-sampling run; PREFIX_1.txt, PREFIX_2.txt, ... one
/// per chain for an MCMC run), PREFIX.paramnames, PREFIX.ranges and PREFIX.properties.ini.
GetDistFiles write_getdist(const RunFileContents& c, const std::string& prefix);

} // namespace nubayes
