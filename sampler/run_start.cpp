#include "run_start.h"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace nubayes {

namespace {

namespace fs = std::filesystem;

enum class Existing { none, unfinished, finished, foreign };

struct ExistingOutput {
  Existing kind = Existing::none;
  std::string fingerprint; ///< of a finished run file
  std::string why;         ///< why a foreign file is not a run file
};

ExistingOutput probe(const std::string& path) {
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error))) return {};
  try {
    const RunFileContents contents = read_run_file(path);
    if (!contents.complete()) return {Existing::unfinished, "", ""};
    return {Existing::finished, contents.text("fingerprint"), ""};
  } catch (const UnclosedRunFile&) {
    return {Existing::unfinished, "", ""};
  } catch (const std::exception& e) {
    return {Existing::foreign, "", e.what()};
  }
}

/// Temporary files of a crashed writer of `output` (the lock says that none is running).
void remove_stale_temporaries(const std::string& output) {
  const fs::path out(output);
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::string ckpt_tmp = out.filename().string() + ".ckpt.tmp.";
  const std::string finalize_tmp = out.filename().string() + ".finalize.tmp";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(ckpt_tmp) || name == finalize_tmp) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);
    }
  }
}

/// Removes a checkpoint beside a finished run if it is this run's: one left from a crash between
/// the final rename and the checkpoint's removal.
void remove_leftover_checkpoint(const RunSettings& settings) {
  const std::string ckpt = checkpoint_path(settings.output);
  if (!fs::exists(ckpt)) return;
  try {
    if (StateFile::load(ckpt).string("fingerprint") != settings.fingerprint) return;
  } catch (const std::exception&) {
    return;
  }
  std::error_code ignored;
  fs::remove(ckpt, ignored);
}

/// Rank 0's decision; throws StartRefused (or OutputBusy) to refuse.
StartMode decide_on_root(const RunSettings& settings) {
  remove_stale_temporaries(settings.output);
  const std::string& out = settings.output;
  const ExistingOutput existing = probe(out);
  if (settings.resume && existing.kind == Existing::finished) {
    if (existing.fingerprint != settings.fingerprint)
      throw ResumeRefused("resume refused: " + out + " is a finished run of another config (" +
                          first_difference(existing.fingerprint, settings.fingerprint, "file") +
                          "); choose another [run] output");
    remove_leftover_checkpoint(settings);
    return StartMode::complete;
  }
  if (settings.resume && fs::exists(checkpoint_path(out))) return StartMode::from_checkpoint;
  if (settings.overwrite) return StartMode::fresh;
  if (existing.kind == Existing::finished)
    throw StartRefused(out + " holds a finished run; refusing to replace it (pass --overwrite to "
                             "replace it, or --resume to report it)");
  if (existing.kind == Existing::foreign)
    throw StartRefused(out + " exists and is not a nubayes run file (" + existing.why +
                       "); refusing to replace it (pass --overwrite to replace it)");
  return StartMode::fresh;
}

} // namespace

std::string checkpoint_path(const std::string& output) {
  return output + ".ckpt";
}

std::string first_difference(const std::string& stored, const std::string& requested,
                             const std::string& stored_name) {
  std::istringstream sa(stored), sb(requested);
  std::string la, lb;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "(no difference)";
    if (!ga) la = "(nothing)";
    if (!gb) lb = "(nothing)";
    if (la != lb) return stored_name + " has '" + la + "', this run has '" + lb + "'";
  }
}

RunStart decide_start(const RunSettings& settings, const Communicator& comm) {
  RunStart start;
  std::vector<double> decision{0.0};
  std::string refusal;
  if (comm.is_root()) {
    try {
      start.lock = OutputLock::acquire(settings.output);
      decision[0] = static_cast<double>(decide_on_root(settings));
    } catch (const OutputBusy& e) {
      refusal = e.what();
    } catch (const StartRefused& e) {
      refusal = e.what();
    }
    if (!refusal.empty()) decision[0] = -1;
  }
  comm.broadcast(decision);
  if (decision[0] < 0) throw StartRefused(refusal);
  start.mode = static_cast<StartMode>(static_cast<int>(decision[0]));
  return start;
}

StateFile load_checkpoint(const RunSettings& settings) {
  const std::string ckpt = checkpoint_path(settings.output);
  StateFile state = StateFile::load(ckpt);
  if (state.string("fingerprint") != settings.fingerprint)
    throw ResumeRefused("resume refused: " + ckpt + " belongs to a different run (" +
                        first_difference(state.string("fingerprint"), settings.fingerprint,
                                         "checkpoint") +
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
