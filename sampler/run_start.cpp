#include "run_start.h"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace nubayes {

namespace {

/// First line where two texts differ, for a resume refusal that says what changed.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "(no difference)";
    if (!ga) la = "(nothing)";
    if (!gb) lb = "(nothing)";
    if (la != lb) return "checkpoint has '" + la + "', this run has '" + lb + "'";
  }
}

bool file_status_complete(const std::string& path) {
  try {
    return read_run_file(path).complete();
  } catch (const std::exception&) {
    return false;
  }
}

} // namespace

std::string checkpoint_path(const std::string& output) {
  return output + ".ckpt";
}

StartMode decide_start(const RunSettings& settings, const Communicator& comm) {
  std::vector<double> decision{0.0};
  if (comm.is_root() && settings.resume) {
    const std::string ckpt = checkpoint_path(settings.output);
    // A finished file wins: a checkpoint beside it is left from a crash between the final rename
    // and the checkpoint's removal, and resuming from it would re-open a finished file.
    if (file_status_complete(settings.output)) {
      decision[0] = static_cast<double>(StartMode::complete);
      std::error_code ignored;
      std::filesystem::remove(ckpt, ignored);
    } else if (std::filesystem::exists(ckpt)) {
      decision[0] = static_cast<double>(StartMode::from_checkpoint);
    }
  }
  comm.broadcast(decision);
  return static_cast<StartMode>(static_cast<int>(decision[0]));
}

StateFile load_checkpoint(const RunSettings& settings) {
  const std::string ckpt = checkpoint_path(settings.output);
  StateFile state = StateFile::load(ckpt);
  if (state.string("fingerprint") != settings.fingerprint)
    throw ResumeRefused("resume refused: " + ckpt + " belongs to a different run (" +
                        first_difference(state.string("fingerprint"), settings.fingerprint) +
                        "); start afresh without --resume");
  return state;
}

void announce_fresh_start(const RunSettings& settings) {
  const std::string ckpt = checkpoint_path(settings.output);
  if (settings.resume && !settings.quiet)
    std::cerr << "nubayes: no checkpoint " << ckpt << ", starting a new run\n";
  std::filesystem::remove(ckpt);
}

} // namespace nubayes
