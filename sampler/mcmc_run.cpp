#include "mcmc_run.h"

#include "evidence.h"
#include "exit_codes.h"
#include "mcmc_batch.h"
#include "mcmc_diagnostics.h"
#include "mcmc_progress.h"
#include "mcmc_run_file.h"
#include "signals.h"

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>

namespace nubayes {

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

/// The current point of one chain.
struct ChainPoint {
  std::span<const double> u;
  double logl;
  std::span<const double> extras;
  bool accepted;
};

/// The three samplers behind one interface: the driver records chain c's current point after
/// every step, whichever algorithm moved it.
class ChainSet {
public:
  virtual ~ChainSet() = default;
  virtual void initialize() = 0;
  virtual void step() = 0;
  virtual void save(StateFile& f) const = 0;
  virtual void load(const StateFile& f) = 0;
  virtual std::size_t nchains() const = 0;
  virtual std::uint64_t steps() const = 0;
  virtual std::uint64_t nlike() const = 0;
  virtual std::uint64_t naccepted() const = 0;
  virtual ChainPoint point(std::size_t c) const = 0;
  virtual std::size_t nrungs() const { return 0; }
  virtual double rung_logl(std::size_t, std::size_t) const { return nan_v; }
  virtual std::vector<double> betas() const { return {}; }
};

class MetropolisChains final : public ChainSet {
public:
  MetropolisChains(const Problem& p, const McmcOptions& o, const Communicator& c)
      : am_(p, o, c), ne_(extras_per_point(p)) {}
  void initialize() override { am_.initialize(); }
  void step() override { am_.step(); }
  void save(StateFile& f) const override { am_.state().save(f); }
  void load(const StateFile& f) override { am_.set_state(AmState::load(f)); }
  std::size_t nchains() const override { return am_.state().chains.size(); }
  std::uint64_t steps() const override { return am_.state().step; }
  std::uint64_t nlike() const override { return am_.state().nlike; }
  std::uint64_t naccepted() const override {
    std::uint64_t n = 0;
    for (const auto& c : am_.state().chains)
      n += c.naccepted;
    return n;
  }
  ChainPoint point(std::size_t c) const override {
    const AmChain& ch = am_.state().chains[c];
    return {ch.u, ch.logl, std::span<const double>(ch.extras.data(), ne_), ch.accepted != 0};
  }

private:
  AdaptiveMetropolis am_;
  std::size_t ne_;
};

class EnsembleChains final : public ChainSet {
public:
  EnsembleChains(const Problem& p, const McmcOptions& o, const Communicator& c)
      : es_(p, o, c), d_(p.ndim()), ne_(extras_per_point(p)) {}
  void initialize() override { es_.initialize(); }
  void step() override { es_.step(); }
  void save(StateFile& f) const override { es_.state().save(f); }
  void load(const StateFile& f) override { es_.set_state(EnsembleState::load(f)); }
  std::size_t nchains() const override { return es_.nwalkers(); }
  std::uint64_t steps() const override { return es_.state().step; }
  std::uint64_t nlike() const override { return es_.state().nlike; }
  std::uint64_t naccepted() const override { return es_.state().naccepted; }
  ChainPoint point(std::size_t k) const override {
    const EnsembleState& s = es_.state();
    return {std::span<const double>(s.u.data() + k * d_, d_), s.logl[k],
            std::span<const double>(s.extras.data() + k * ne_, ne_), s.accepted[k] != 0};
  }

private:
  EnsembleSampler es_;
  std::size_t d_, ne_;
};

/// Chain l is the β = 1 rung of ladder l; every rung's ln L is recorded for the evidence.
class TemperedChains final : public ChainSet {
public:
  TemperedChains(const Problem& p, const PtOptions& o, const Communicator& c)
      : pt_(p, o, c), d_(p.ndim()), ne_(extras_per_point(p)), nladders_(o.nladders) {}
  void initialize() override { pt_.initialize(); }
  void step() override { pt_.step(); }
  void save(StateFile& f) const override { pt_.state().save(f); }
  void load(const StateFile& f) override { pt_.set_state(PtState::load(f)); }
  std::size_t nchains() const override { return nladders_; }
  std::uint64_t steps() const override { return pt_.state().step; }
  std::uint64_t nlike() const override { return pt_.state().nlike; }
  std::uint64_t naccepted() const override {
    std::uint64_t n = 0;
    for (std::size_t l = 0; l < nladders_; ++l)
      n += pt_.state().naccepted[l * pt_.ntemps()];
    return n;
  }
  ChainPoint point(std::size_t l) const override {
    const PtState& s = pt_.state();
    const std::size_t r = l * pt_.ntemps();
    return {std::span<const double>(s.u.data() + r * d_, d_), s.logl[r],
            std::span<const double>(s.extras.data() + r * ne_, ne_), s.accepted[r] != 0};
  }
  std::size_t nrungs() const override { return pt_.ntemps(); }
  double rung_logl(std::size_t l, std::size_t i) const override {
    return pt_.state().logl[l * pt_.ntemps() + i];
  }
  std::vector<double> betas() const override { return pt_.state().betas; }

private:
  ParallelTempering pt_;
  std::size_t d_, ne_, nladders_;
};

std::unique_ptr<ChainSet> make_chains(const Problem& problem, const McmcRunOptions& o,
                                      const Communicator& comm,
                                      const std::vector<double>& initial_u) {
  McmcOptions chains = o.chains;
  chains.seed = o.seed;
  chains.initial_u = initial_u;
  switch (o.algorithm) {
  case McmcAlgorithm::adaptive_metropolis:
    return std::make_unique<MetropolisChains>(problem, chains, comm);
  case McmcAlgorithm::ensemble:
    return std::make_unique<EnsembleChains>(problem, chains, comm);
  case McmcAlgorithm::tempered:
    break;
  }
  PtOptions pt = o.tempering;
  pt.seed = o.seed;
  pt.burn = o.burn;
  pt.initial_u = initial_u;
  return std::make_unique<TemperedChains>(problem, pt, comm);
}

/// How many points a fresh start needs (chains, walkers, or every replica of every ladder).
std::size_t starting_point_count(const Problem& problem, const McmcRunOptions& o) {
  switch (o.algorithm) {
  case McmcAlgorithm::adaptive_metropolis:
    return o.chains.nchains;
  case McmcAlgorithm::ensemble:
    return ensemble_walkers(o.chains, problem.ndim());
  case McmcAlgorithm::tempered:
    break;
  }
  const std::size_t k = o.tempering.ntemps
                            ? o.tempering.ntemps
                            : default_temperatures(problem.ndim(), o.tempering.beta_min);
  return o.tempering.nladders * k;
}

/// Draws recorded up to step t (every thin-th step, from step thin on).
std::size_t draws_at(std::uint64_t t, std::size_t thin) {
  return static_cast<std::size_t>(t / thin);
}

/// The stop rule's schedule: first check at 50 post-burn-in draws, then at +10 %.
std::size_t next_check_after(std::size_t draws) {
  return std::max<std::size_t>(
      draws + 1, static_cast<std::size_t>(std::ceil(1.1 * static_cast<double>(draws))));
}
constexpr std::size_t first_check = 50;

/// Post-burn-in draws of the sampled parameters, kept by rank 0 for the diagnostics.
class DrawStore {
public:
  DrawStore(std::size_t nchains, std::vector<std::size_t> columns)
      : columns_(std::move(columns)), draws_(nchains) {}
  void add(std::size_t chain, std::span<const double> values) {
    for (std::size_t k : columns_)
      draws_[chain].push_back(values[k]);
  }
  /// Replaces everything by what the run file holds from draw `from` on (a resumed run).
  void load(const McmcRunFile& file, std::size_t from) {
    const std::size_t nc = draws_.size(), m = columns_.size();
    const auto per_column = file.read_variables(columns_, from); // [column][chain][draw]
    const std::size_t n = per_column.empty() || per_column[0].empty() ? 0 : per_column[0][0].size();
    for (std::size_t c = 0; c < nc; ++c) {
      draws_[c].assign(n * m, 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j)
          draws_[c][i * m + j] = per_column[j][c][i];
    }
  }
  std::vector<ChainDiagnostics> diagnose() const {
    std::vector<Eigen::MatrixXd> chains;
    const auto m = static_cast<Eigen::Index>(columns_.size());
    for (const auto& d : draws_) {
      const auto n = static_cast<Eigen::Index>(d.size()) / std::max<Eigen::Index>(m, 1);
      chains.push_back(
          Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              d.data(), n, m));
    }
    return diagnose_parameters(chains);
  }
  const std::vector<std::size_t>& columns() const { return columns_; }

private:
  std::vector<std::size_t> columns_;       ///< indices into the recorded variables
  std::vector<std::vector<double>> draws_; ///< per chain, draws x columns, row-major
};

struct Verdict {
  bool converged = false;
  double rhat_max = nan_v, ess_bulk_min = nan_v, ess_tail_min = nan_v;
};

Verdict judge(const std::vector<ChainDiagnostics>& diags, double rhat_target, double ess_target) {
  Verdict v;
  v.converged = converged(diags, rhat_target, ess_target);
  for (const auto& d : diags) {
    v.rhat_max = std::isnan(v.rhat_max) ? d.rhat : std::max(v.rhat_max, d.rhat);
    v.ess_bulk_min = std::isnan(v.ess_bulk_min) ? d.ess_bulk : std::min(v.ess_bulk_min, d.ess_bulk);
    v.ess_tail_min = std::isnan(v.ess_tail_min) ? d.ess_tail : std::min(v.ess_tail_min, d.ess_tail);
  }
  return v;
}

McmcFileLayout file_layout(const RunSettings& settings, const ChainSet& chains,
                           const McmcRunOptions& o) {
  McmcFileLayout layout;
  layout.variables = settings.layout.variables;
  layout.terms = settings.layout.terms;
  layout.nchains = chains.nchains();
  layout.nrungs = chains.nrungs();
  layout.burn_draws = draws_at(o.burn, o.thin);
  layout.algorithm = algorithm_name(o.algorithm);
  return layout;
}

/// Indices of the recorded variables that are sampled parameters (the stop rule's subjects).
std::vector<std::size_t> sampled_columns(const Problem& problem) {
  return problem.prior().sampled_indices();
}

/// Appends chain c's current point to `draws`.
void record(const Problem& problem, const ChainSet& chains, McmcDraws& draws,
            std::vector<double>& theta) {
  const std::size_t nc = chains.nchains(), nt = problem.nterms();
  for (std::size_t c = 0; c < nc; ++c) {
    const ChainPoint p = chains.point(c);
    problem.prior().to_physical(p.u, theta);
    draws.values.insert(draws.values.end(), theta.begin(), theta.end());
    draws.values.insert(draws.values.end(), p.extras.begin() + static_cast<std::ptrdiff_t>(nt),
                        p.extras.end());
    draws.terms.insert(draws.terms.end(), p.extras.begin(),
                       p.extras.begin() + static_cast<std::ptrdiff_t>(nt));
    draws.logl.push_back(p.logl);
    draws.logprior.push_back(problem.prior().log_density(theta));
    draws.accepted.push_back(p.accepted ? 1 : 0);
    for (std::size_t i = 0; i < chains.nrungs(); ++i)
      draws.rung_logl.push_back(chains.rung_logl(c, i));
  }
  ++draws.n;
}

/// The run-loop bookkeeping a checkpoint must carry besides the sampler state.
struct LoopState {
  std::uint64_t committed_draws = 0;
  std::uint64_t next_check = first_check;
  /// The stop rule fired: a run that converged and was then interrupted while finalizing must
  /// not sample on after a resume.
  bool converged = false;
  void save(StateFile& f) const {
    const std::uint64_t h[4] = {2, committed_draws, next_check, converged ? 1u : 0u};
    f.put("mcmc_run/header", std::span<const std::uint64_t>(h));
  }
  static LoopState load(const StateFile& f) {
    const auto& h = f.uint64s("mcmc_run/header");
    if (h.size() != 4 || h[0] != 2)
      throw std::runtime_error("checkpoint entry 'mcmc_run/header' is not version 2");
    return {h[1], h[2], h[3] != 0};
  }
};

/// The reopened file must be this run's: same chains, variables and rungs.
void check_reopened(const McmcRunFile& file, const McmcFileLayout& expected,
                    const std::string& path) {
  const McmcFileLayout& got = file.layout();
  if (got.nchains != expected.nchains || got.variables.size() != expected.variables.size() ||
      got.nrungs != expected.nrungs || got.burn_draws != expected.burn_draws)
    throw ResumeRefused("resume refused: " + path + " holds another run (" +
                        std::to_string(got.nchains) + " chains, " +
                        std::to_string(got.variables.size()) + " variables) than its checkpoint");
}

} // namespace

const char* algorithm_name(McmcAlgorithm algorithm) {
  switch (algorithm) {
  case McmcAlgorithm::adaptive_metropolis:
    return "adaptive-metropolis";
  case McmcAlgorithm::ensemble:
    return "ensemble";
  case McmcAlgorithm::tempered:
    return "tempered";
  }
  return "?";
}

std::vector<double> starting_points_from_run(const std::string& path, const Problem& problem,
                                             std::size_t count, std::uint64_t seed) {
  const RunFileContents run = read_run_file(path);
  if (!run.complete())
    throw std::runtime_error(path +
                             ": init run is not complete; finish it first (nubayes run --resume)");
  const auto names = problem.prior().names();
  for (const auto& name : names)
    if (!run.columns.count(name))
      throw std::runtime_error(path + ": init run has no parameter '" + name + "'");
  // Twice the points needed, so a few outside this run's prior can be skipped.
  const std::vector<std::size_t> rows =
      resample_equal_weight(run.columns.at("logwt"), 2 * count + 16, seed);
  std::vector<double> u_all;
  std::vector<double> theta(names.size());
  std::size_t found = 0;
  for (std::size_t row : rows) {
    if (found == count) break;
    for (std::size_t i = 0; i < names.size(); ++i)
      theta[i] = run.columns.at(names[i])[row];
    const std::vector<double> u = problem.prior().to_unit(theta);
    if (!inside_cube(u)) continue;
    u_all.insert(u_all.end(), u.begin(), u.end());
    ++found;
  }
  if (found < count)
    throw std::runtime_error(path +
                             ": init run has too few posterior points inside this run's prior (" +
                             std::to_string(found) + " of " + std::to_string(count) + ")");
  return u_all;
}

McmcOutcome run_mcmc(const Problem& problem, const McmcRunOptions& o, const RunSettings& settings,
                     const Communicator& comm) {
  if (o.thin == 0) throw std::invalid_argument("MCMC: thin must be at least 1");
  install_checkpoint_signal_handlers();
  const std::string ckpt = checkpoint_path(settings.output);
  const RunStart start = decide_start(settings, comm); // holds the output lock until we return
  const StartMode mode = start.mode;
  McmcOutcome outcome;
  if (mode == StartMode::complete) {
    outcome.was_complete = true;
    return outcome;
  }

  std::vector<double> initial_u;
  if (mode == StartMode::fresh && !o.init.empty()) {
    if (comm.is_root())
      initial_u =
          starting_points_from_run(o.init, problem, starting_point_count(problem, o), o.seed);
    comm.broadcast(initial_u);
  }
  std::unique_ptr<ChainSet> chains = make_chains(problem, o, comm, initial_u);
  const std::size_t burn_draws = draws_at(o.burn, o.thin);
  LoopState loop;
  std::optional<McmcRunFile> file;
  std::optional<DrawStore> store;
  if (mode == StartMode::from_checkpoint) {
    const StateFile state = load_checkpoint(settings);
    chains->load(state);
    loop = LoopState::load(state);
    if (comm.is_root()) {
      file = McmcRunFile::reopen(settings.output, loop.committed_draws);
      check_reopened(*file, file_layout(settings, *chains, o), settings.output);
      store.emplace(chains->nchains(), sampled_columns(problem));
      store->load(*file, burn_draws);
    }
  } else {
    chains->initialize();
    if (comm.is_root()) {
      announce_fresh_start(settings);
      file = McmcRunFile::create(settings.output, file_layout(settings, *chains, o),
                                 settings.attributes);
      store.emplace(chains->nchains(), sampled_columns(problem));
    }
  }

  const std::size_t nc = chains->nchains();
  const std::size_t nvars = settings.layout.variables.size();
  McmcDraws pending;
  std::vector<double> theta(problem.nparams());
  const std::size_t draws_per_append =
      std::max<std::size_t>(1, 65536 / std::max<std::size_t>(1, nc * (nvars + 4)));
  auto commit = [&](bool durable) {
    if (comm.is_root()) {
      file->append(pending);
      if (durable) file->flush();
    }
    loop.committed_draws += pending.n;
    pending.clear();
  };
  auto write_checkpoint = [&] {
    commit(true);
    if (comm.is_root()) {
      StateFile state;
      state.put_string("fingerprint", settings.fingerprint);
      chains->save(state);
      loop.save(state);
      state.save_atomic(ckpt);
    }
  };

  McmcProgressSettings ps;
  ps.to_stderr = comm.is_root() && !settings.quiet;
  if (comm.is_root()) ps.tsv_path = settings.output + ".progress.tsv";
  ps.append = mode == StartMode::from_checkpoint;
  McmcProgressReporter progress(ps);
  McmcProgress status;
  status.max_post_burn_steps = o.max_steps;
  status.ess_target = o.ess_target;
  status.rhat_max = status.ess_min = nan_v;
  auto update_status = [&] {
    status.step = chains->steps();
    status.nlike = chains->nlike();
    status.post_burn_steps = status.step > o.burn ? status.step - o.burn : 0;
    status.acceptance = status.step ? static_cast<double>(chains->naccepted()) /
                                          static_cast<double>(status.step * nc)
                                    : 0;
  };

  auto last_checkpoint = std::chrono::steady_clock::now();
  Verdict verdict;
  std::string stop_reason = loop.converged ? "converged" : "max_steps";
  while (!loop.converged && chains->steps() < o.burn + o.max_steps) {
    chains->step();
    const std::uint64_t t = chains->steps();
    if (t % o.thin == 0) {
      const std::size_t before = pending.values.size();
      record(problem, *chains, pending, theta);
      if (store && t > o.burn)
        for (std::size_t c = 0; c < nc; ++c)
          store->add(c, std::span<const double>(pending.values.data() + before + c * nvars, nvars));
      if (pending.n >= draws_per_append) commit(false);
      // The stop rule, on a schedule of draw counts (identical on every rank and on resume).
      const std::size_t post =
          draws_at(t, o.thin) > burn_draws ? draws_at(t, o.thin) - burn_draws : 0;
      if (t > o.burn && post >= loop.next_check) {
        std::vector<double> v{0, nan_v, nan_v};
        if (comm.is_root()) {
          verdict = judge(store->diagnose(), o.rhat_target, o.ess_target);
          v = {verdict.converged ? 1.0 : 0.0, verdict.rhat_max,
               std::min(verdict.ess_bulk_min, verdict.ess_tail_min)};
        }
        comm.broadcast(v);
        status.rhat_max = v[1];
        status.ess_min = v[2];
        loop.next_check = next_check_after(post);
        if (v[0] != 0.0) {
          stop_reason = "converged";
          loop.converged = true;
          break;
        }
      }
    }
    // A signal on any rank, or rank 0's checkpoint clock, checkpoints every rank at this step.
    std::vector<double> flags{checkpoint_signal_received() ? 2.0 : 0.0, 0.0};
    if (comm.is_root() &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint).count() >=
            settings.checkpoint_every)
      flags[1] = 1.0;
    const std::vector<double> all = comm.size() > 1 ? comm.allgather(flags) : flags;
    bool stop = false, save = false;
    for (std::size_t i = 0; i < all.size(); i += 2) {
      stop = stop || all[i] != 0.0;
      save = save || all[i + 1] != 0.0;
    }
    if (stop || save) {
      write_checkpoint();
      last_checkpoint = std::chrono::steady_clock::now();
    }
    if (stop) {
      if (comm.is_root())
        std::cerr << "nubayes: checkpointed to " << ckpt
                  << " after a signal; resume with --resume\n";
      outcome.exit_code = exit_code::checkpointed;
      outcome.nlike = chains->nlike();
      return outcome;
    }
    if (comm.is_root()) {
      update_status();
      progress.maybe_report(status);
    }
  }
  // A last checkpoint, so a failure while finalizing can still resume.
  write_checkpoint();
  update_status();
  if (comm.is_root()) progress.report(status);
  outcome.nlike = chains->nlike();
  outcome.steps = chains->steps();
  if (!comm.is_root()) {
    outcome.converged = stop_reason == "converged";
    return outcome;
  }

  // Final diagnostics over every post-burn-in draw, and the evidence of a tempered run.
  std::map<std::string, VariableDiagnostics> per_variable;
  std::vector<ChainDiagnostics> diags;
  if (file->draws() > burn_draws + 1) diags = store->diagnose();
  verdict = judge(diags, o.rhat_target, o.ess_target);
  const auto& columns = store->columns();
  for (std::size_t j = 0; j < diags.size(); ++j)
    per_variable[settings.layout.variables[columns[j]].name] = {diags[j].rhat, diags[j].ess_bulk,
                                                                diags[j].ess_tail, diags[j].tau};
  FinalResults fr;
  fr.logz = fr.logz_err = fr.information = nan_v;
  fr.logz_method = "";
  fr.nlike = static_cast<std::int64_t>(chains->nlike());
  if (chains->nrungs() > 0 && file->draws() > burn_draws) {
    const PtEvidence ev = thermodynamic_evidence(chains->betas(), file->read_rung_logl(burn_draws));
    fr.logz = ev.lnz_ti;
    fr.logz_err = ev.err_ti;
    fr.logz_method = "thermodynamic_integration";
    fr.extra_numbers["logz_ss"] = ev.lnz_ss;
    fr.extra_numbers["logz_ss_err"] = ev.err_ss;
    fr.extra_numbers["logz_ti_trapezoid"] = ev.lnz_ti_trapezoid;
  }
  fr.extra_numbers["converged"] = verdict.converged ? 1 : 0;
  fr.extra_numbers["rhat_max"] = verdict.rhat_max;
  fr.extra_numbers["ess_bulk_min"] = verdict.ess_bulk_min;
  fr.extra_numbers["ess_tail_min"] = verdict.ess_tail_min;
  fr.extra_numbers["rhat_target"] = o.rhat_target;
  fr.extra_numbers["ess_target"] = o.ess_target;
  fr.extra_numbers["steps"] = static_cast<double>(chains->steps());
  fr.extra_numbers["burn"] = static_cast<double>(o.burn);
  fr.extra_numbers["thin"] = static_cast<double>(o.thin);
  fr.extra_numbers["acceptance"] = status.acceptance;
  fr.extra_strings["stop_reason"] = stop_reason;
  file->finalize(fr, per_variable, chains->betas());
  file.reset();
  std::filesystem::remove(ckpt);
  outcome.converged = verdict.converged;
  return outcome;
}

} // namespace nubayes
