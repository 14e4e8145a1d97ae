#pragma once
// On-disk cache of the dark-sector templates (dark_templates.h): one HDF5 file written atomically
// (StateFile: temporary file, fsync, rename). The file stores a key, the text of everything the
// templates depend on — physics version, model, mass grid, events, seed, decay-angle option,
// observable layout and a hash of the flux tables — and the packed grid points. A file whose key
// differs (or that cannot be read) is rebuilt and replaced; a matching file is reused.
#include "dark_templates.h"

#include <filesystem>
#include <string>

namespace nubayes::darkfit {

/// Bump whenever a change in models/ or in the detector response changes the templates.
inline constexpr const char* kDarkPhysicsVersion = "dark-templates-2";

std::string template_cache_key(const MassGrid& grid, const TemplateSettings& settings,
                               const TemplateInputs& inputs);

/// Default cache file: $NUBAYES_CACHE/<model>-templates-<grid name>.h5 when NUBAYES_CACHE is set,
/// else the same name in the current directory (where `nubayes run` is started).
std::filesystem::path default_template_cache(DarkModelKind kind, const std::string& grid_name);

struct CachedTemplates {
  TemplateSet set;
  bool rebuilt = false; ///< false: read from the file
  double build_seconds = 0;
  std::string note; ///< why it was rebuilt, or a warning that the file could not be written
};

/// Reads `path` if its key matches, else builds (all ranks together) and, on rank 0, writes it.
/// A failure to write is reported in `note` (the templates are still returned).
CachedTemplates load_or_build_templates(const std::filesystem::path& path, const MassGrid& grid,
                                        const TemplateSettings& settings,
                                        const TemplateInputs& inputs, const Communicator& comm);

} // namespace nubayes::darkfit
