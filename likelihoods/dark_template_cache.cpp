#include "dark_template_cache.h"

#include "state_file.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace nubayes::darkfit {

namespace fs = std::filesystem;

namespace {

/// FNV-1a over the bytes of the flux tables: a changed input file changes the key.
std::uint64_t flux_hash(const TemplateInputs& inputs) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](double x) {
    unsigned char bytes[sizeof x];
    std::memcpy(bytes, &x, sizeof x);
    for (unsigned char b : bytes)
      h = (h ^ b) * 1099511628211ULL;
  };
  for (const auto* flux : {&inputs.fhc, &inputs.rhc})
    for (std::size_t k = 0; k < flux->bins(); ++k) {
      mix(flux->low_edge(k));
      for (int f = 0; f < 4; ++f)
        mix(flux->per_bin(static_cast<miniboone::Flavour>(f), k));
    }
  return h;
}

const char* angles_name(dark::DecayAngles angles) {
  switch (angles) {
  case dark::DecayAngles::polarised:
    return "polarised";
  case dark::DecayAngles::unpolarised:
    return "unpolarised";
  case dark::DecayAngles::isotropic:
    return "isotropic";
  }
  return "?";
}

} // namespace

std::string template_cache_key(const MassGrid& grid, const TemplateSettings& settings,
                               const TemplateInputs& inputs) {
  std::ostringstream key;
  key << kDarkPhysicsVersion << "; grid " << grid.describe() << "; events "
      << settings.events_per_target << "; seed " << settings.seed << "; angles "
      << angles_name(settings.angles) << "; boost_bins " << settings.boost_bins << "; selection "
      << (settings.selection == PairSelection::rings ? "rings" : "single-shower");
  if (settings.selection == PairSelection::rings)
    key << " (opening < " << settings.rings.max_opening_angle_deg << " deg, soft < "
        << settings.rings.asymmetric_threshold_gev << " GeV, mass cut "
        << (settings.rings.apply_mass_cut ? "on" : "off") << ')';
  key << "; observables " << inputs.layout.enu_bins << '+' << inputs.layout.cos_bins << "; flux "
      << std::hex << flux_hash(inputs);
  return key.str();
}

fs::path default_template_cache(DarkModelKind kind, const std::string& grid_name) {
  const char* dir = std::getenv("NUBAYES_CACHE");
  const std::string file = std::string(model_name(kind)) + "-templates-" + grid_name + ".h5";
  return dir && *dir ? fs::path(dir) / file : fs::path(file);
}

CachedTemplates load_or_build_templates(const fs::path& path, const MassGrid& grid,
                                        const TemplateSettings& settings,
                                        const TemplateInputs& inputs, const Communicator& comm) {
  CachedTemplates out;
  const std::string key = template_cache_key(grid, settings, inputs);
  if (fs::exists(path)) {
    try {
      const StateFile file = StateFile::load(path.string());
      if (file.string("key") == key) {
        const auto& packed = file.doubles("points");
        const auto stride = static_cast<std::size_t>(file.int64s("stride").at(0));
        if (stride == 0 || packed.size() != stride * grid.size())
          throw std::runtime_error(path.string() + ": template array has the wrong size");
        out.set = {grid, inputs.layout, {}};
        for (std::size_t i = 0; i < grid.size(); ++i)
          out.set.points.push_back(
              unpack(std::span(packed).subspan(i * stride, stride), inputs.layout));
        return out;
      }
      out.note = path.string() + " was built for other settings; rebuilding";
    } catch (const std::exception& e) {
      out.note = std::string("unreadable template cache (") + e.what() + "); rebuilding";
    }
  }
  const auto start = std::chrono::steady_clock::now();
  out.set = build_templates(grid, settings, inputs, comm);
  out.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.rebuilt = true;
  if (!comm.is_root()) return out;
  try {
    const std::size_t stride = packed_size(grid.model, settings, inputs.layout);
    std::vector<double> packed(stride * grid.size(), 0.0);
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const auto p = pack(out.set.points[i]);
      std::copy(p.begin(), p.end(), packed.begin() + static_cast<std::ptrdiff_t>(i * stride));
    }
    StateFile file;
    file.put_string("key", key);
    const std::int64_t stride_value = static_cast<std::int64_t>(stride);
    file.put("stride", std::span<const std::int64_t>(&stride_value, 1));
    file.put("points", packed);
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    file.save_atomic(path.string());
  } catch (const std::exception& e) {
    out.note += (out.note.empty() ? "" : "; ") +
                std::string("could not write the template cache: ") + e.what();
  }
  return out;
}

} // namespace nubayes::darkfit
