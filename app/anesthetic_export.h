#pragma once
// `nubayes export --anesthetic`: a nested-sampling run in PolyChord's dead-birth layout.
#include "run_file.h"

#include <cstddef>
#include <string>

namespace nubayes {

/// Writes PREFIX_dead-birth.txt and PREFIX.paramnames; returns the rows written.
std::size_t write_anesthetic(const RunFileContents& c, const std::string& prefix);

} // namespace nubayes
