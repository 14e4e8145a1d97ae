#include "nested_run.h"

#include "exit_codes.h"
#include "progress.h"
#include "signals.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace nubayes {

namespace {

class Checkpointer {
public:
  Checkpointer(const RunSettings& s, const Communicator& comm) : settings_(s), comm_(comm) {}

  /// Appends pending rows, makes them durable, then records the state that refers to them.
  void write(NestedSampler& sampler, std::optional<RunFile>& file, SampleRows& pending) {
    flush_rows(file, pending);
    if (comm_.is_root()) {
      file->flush();
      StateFile state;
      state.put_string("fingerprint", settings_.fingerprint);
      sampler.save(state);
      state.save_atomic(checkpoint_path(settings_.output));
    }
    last_ = std::chrono::steady_clock::now();
  }
  void flush_rows(std::optional<RunFile>& file, SampleRows& pending) {
    if (comm_.is_root() && pending.n > 0) file->append(pending);
    pending.clear();
  }
  bool due() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >=
           settings_.checkpoint_every;
  }

private:
  const RunSettings& settings_;
  const Communicator& comm_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

void append_rows(SampleRows& to, SampleRows&& from) {
  if (to.n == 0) {
    to = std::move(from);
    return;
  }
  auto cat = [](auto& a, const auto& b) { a.insert(a.end(), b.begin(), b.end()); };
  cat(to.values, from.values);
  cat(to.terms, from.terms);
  cat(to.logl, from.logl);
  cat(to.logl_birth, from.logl_birth);
  cat(to.logprior, from.logprior);
  cat(to.logwt, from.logwt);
  cat(to.nlive, from.nlive);
  cat(to.insertion_rank, from.insertion_rank);
  to.n += from.n;
}

/// Computes the evidence from the whole committed record and writes the final groups.
RunOutcome finalize_run(RunFile& file, const NestedSampler& sampler, std::uint64_t seed, std::size_t nlive) {
  RunOutcome out;
  const std::vector<double> logwt = file.read_column("logwt");
  const std::vector<double> logl = file.read_column("logl");
  const std::vector<double> nlive_col = file.read_column("nlive");
  std::vector<std::int64_t> nl(nlive_col.begin(), nlive_col.end());
  out.evidence = summarize_evidence(logwt, logl, nl);
  out.insertion = insertion_rank_test(sampler.insertion_quantiles(), nlive);
  out.nlike = sampler.nlike();
  FinalResults fr;
  fr.logz = out.evidence.logz;
  fr.logz_err = out.evidence.logz_err;
  fr.information = out.evidence.information;
  fr.nlike = static_cast<std::int64_t>(out.nlike);
  fr.posterior_rows = resample_equal_weight(
      logwt, static_cast<std::size_t>(std::max(1.0, std::round(out.evidence.ess))), seed);
  fr.extra_numbers["ess"] = out.evidence.ess;
  fr.extra_numbers["insertion_ks_pvalue"] = out.insertion.pvalue;
  fr.extra_numbers["insertion_ks_pvalue_chunks"] = out.insertion.chunk_pvalue;
  fr.extra_numbers["iterations"] = static_cast<double>(sampler.progress().iteration);
  file.finalize(fr);
  return out;
}

} // namespace

RunOutcome run_nested(const Problem& problem, const NestedOptions& options,
                      const RunSettings& settings, const Communicator& comm) {
  install_checkpoint_signal_handlers();
  const std::string ckpt = checkpoint_path(settings.output);

  const RunStart start = decide_start(settings, comm); // holds the output lock until we return
  const StartMode mode = start.mode;
  RunOutcome outcome;
  if (mode == StartMode::complete) {
    outcome.was_complete = true;
    return outcome;
  }

  NestedSampler sampler(problem, options, comm);
  std::optional<RunFile> file;
  if (mode == StartMode::from_checkpoint) {
    sampler.load(load_checkpoint(settings));
    if (comm.is_root()) file = RunFile::reopen(settings.output, sampler.rows_emitted());
  } else {
    if (comm.is_root()) {
      announce_fresh_start(settings);
      file = RunFile::create(settings.output, settings.layout, settings.attributes);
    }
    sampler.initialize();
  }

  Checkpointer checkpointer(settings, comm);
  ProgressSettings progress_settings;
  progress_settings.to_stderr = comm.is_root() && !settings.quiet;
  if (comm.is_root()) progress_settings.tsv_path = settings.output + ".progress.tsv";
  progress_settings.append = mode == StartMode::from_checkpoint;
  progress_settings.nlive = options.nlive;
  progress_settings.dlogz = options.dlogz;
  ProgressReporter progress(progress_settings);
  SampleRows pending;
  constexpr std::size_t rows_per_append = 1000;
  while (!sampler.done()) {
    sampler.iterate();
    append_rows(pending, sampler.take_rows());
    if (pending.n >= rows_per_append) checkpointer.flush_rows(file, pending);
    if (checkpoint_signal_received()) sampler.raise(checkpoint_requested | stop_requested);
    if (comm.is_root() && checkpointer.due()) sampler.raise(checkpoint_requested);
    const unsigned flags = sampler.take_flags();
    if (flags & checkpoint_requested) checkpointer.write(sampler, file, pending);
    if (flags & stop_requested) {
      if (comm.is_root())
        std::cerr << "nubayes: checkpointed to " << ckpt << " after a signal; resume with --resume\n";
      outcome.exit_code = exit_code::checkpointed;
      outcome.nlike = sampler.nlike();
      return outcome;
    }
    progress.maybe_report(sampler.progress());
  }
  progress.report(sampler.progress());
  if (!sampler.finished()) sampler.finish();
  append_rows(pending, sampler.take_rows());
  checkpointer.write(sampler, file, pending);
  if (comm.is_root()) {
    outcome = finalize_run(*file, sampler, options.seed, options.nlive);
    std::filesystem::remove(ckpt);
  }
  outcome.nlike = sampler.nlike();
  return outcome;
}

} // namespace nubayes
