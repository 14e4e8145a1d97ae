#include "output_path.h"

#include "output_lock.h"
#include "run_start.h"

#include <filesystem>
#include <unistd.h>

namespace nubayes {

namespace {

namespace fs = std::filesystem;

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) return fs::equivalent(a, b, error);
  return fs::weakly_canonical(a, error) == fs::weakly_canonical(b, error);
}

} // namespace

void check_output_path(const Config& config, const std::string& output,
                       const std::vector<std::string>& inputs) {
  const std::vector<std::string> written = {output, checkpoint_path(output), OutputLock::lock_path(output),
                                            output + ".progress.tsv"};
  for (const auto& input : inputs)
    for (const auto& file : written)
      if (!input.empty() && same_file(file, input))
        config.fail("run", "output", (file == output ? output : file + ", a file of output " + output) +
                                         " is an input of this run (" + input + "); choose another output");
  std::error_code error;
  if (fs::is_directory(output, error)) config.fail("run", "output", output + " is a folder, not a file name");
  const fs::path parent = fs::path(output).has_parent_path() ? fs::path(output).parent_path() : fs::path(".");
  if (!fs::is_directory(parent, error))
    config.fail("run", "output", "the folder " + parent.string() + " of " + output + " does not exist");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    config.fail("run", "output", "the folder " + parent.string() + " of " + output + " is not writable");
}

} // namespace nubayes
