#include "nested_sampler.h"

#include "slice_step.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace nubayes {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();
constexpr std::uint64_t max_region_tries = 100000;
// Counters decay so that efficiency estimates follow the last few hundred proposals.
constexpr double window_length = 500.0;

double log_add_exp(double a, double b) {
  if (a == neg_inf) return b;
  if (b == neg_inf) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

// Layout of one proposal's record in a round's message.
enum RecordField { f_calls, f_status, f_logl, f_logprior, f_expansions, f_contractions, f_head };
constexpr std::size_t header_size = 2; // per rank: flags, error

} // namespace

NestedSampler::NestedSampler(const Problem& problem, const NestedOptions& options,
                             const Communicator& comm)
    : problem_(problem), options_(options), comm_(comm) {
  if (options_.nlive < 2 || options_.nlive > kMaxNlive)
    throw std::invalid_argument("nlive must be between 2 and " + std::to_string(kMaxNlive));
  using_slice_ = options_.method == SamplingMethod::slice;
  // Region builds are replicated state, but their bootstrap rounds are shared out over ranks:
  // each rank runs a contiguous block and all gather the results in task order.
  task_map_ = [this](std::size_t n, const std::function<double(std::size_t)>& task) {
    const auto ranks = static_cast<std::size_t>(comm_.size());
    const std::size_t per_rank = (n + ranks - 1) / ranks;
    std::vector<double> mine(per_rank, 0.0);
    for (std::size_t j = 0; j < per_rank; ++j) {
      const std::size_t i = static_cast<std::size_t>(comm_.rank()) * per_rank + j;
      if (i < n) mine[j] = task(i);
    }
    std::vector<double> all = comm_.allgather(mine);
    all.resize(n);
    return all;
  };
}

std::size_t NestedSampler::repeats() const {
  // Two slices per dimension keep ln Z unbiased at d = 30 (one per dimension biases it by about
  // +0.2 there); see the benchmark notes in the README.
  return options_.slice_repeats ? options_.slice_repeats : std::max<std::size_t>(2 * problem_.ndim(), 4);
}

void NestedSampler::initialize() {
  generate_round(options_.nlive, neg_inf, true);
  while (live_.size() < options_.nlive) {
    insert(std::move(pool_.front()), neg_inf);
    pool_.pop_front();
  }
  rebuild_region();
}

bool NestedSampler::done() const {
  if (finished_) return true;
  if (options_.max_calls && nlike_ >= options_.max_calls) return true;
  double max_logl = neg_inf, min_logl = std::numeric_limits<double>::infinity();
  for (const auto& p : live_) {
    max_logl = std::max(max_logl, p.logl);
    min_logl = std::min(min_logl, p.logl);
  }
  if (max_logl == min_logl) return true; // the rest of the prior is one plateau: nothing to shrink
  if (logz_ == neg_inf) return false;
  return log_add_exp(logz_, max_logl + log_volume_) - logz_ < options_.dlogz;
}

void NestedSampler::record_row(const Point& p, std::int64_t nlive_at_death, double logwt) {
  rows_.values.insert(rows_.values.end(), p.theta.begin(), p.theta.end());
  rows_.values.insert(rows_.values.end(), p.derived.begin(), p.derived.end());
  rows_.terms.insert(rows_.terms.end(), p.terms.begin(), p.terms.end());
  rows_.logl.push_back(p.logl);
  rows_.logl_birth.push_back(p.logl_birth);
  rows_.logprior.push_back(p.logprior);
  rows_.logwt.push_back(logwt);
  rows_.nlive.push_back(nlive_at_death);
  rows_.insertion_rank.push_back(p.insertion_rank);
  ++rows_.n;
  ++rows_emitted_;
}

void NestedSampler::kill(std::size_t index) {
  const Point& p = live_[index];
  const double n = static_cast<double>(live_.size());
  // Expected compression per death is 1/n; the weight uses the trapezoid rule in L.
  const double log_dx = log_volume_ + std::log(-std::expm1(-1.0 / n));
  const double logwt = log_dx + log_add_exp(last_logl_, p.logl) - std::numbers::ln2;
  record_row(p, static_cast<std::int64_t>(live_.size()), logwt);
  logz_ = log_add_exp(logz_, logwt);
  last_logl_ = p.logl;
  log_volume_ -= 1.0 / n;
  live_[index] = std::move(live_.back());
  live_.pop_back();
}

void NestedSampler::insert(Point p, double birth) {
  std::size_t below = 0, equal = 0;
  for (const auto& q : live_) {
    below += q.logl < p.logl;
    equal += q.logl == p.logl;
  }
  // Randomised rank: exactly uniform on (0,1) when the new point is a fair draw.
  Rng tie(options_.seed, StreamPurpose::tie_break, insertion_quantiles_.size());
  const double rank = static_cast<double>(below) + tie.uniform() * static_cast<double>(equal + 1);
  if (birth != neg_inf)
    insertion_quantiles_.push_back(rank / static_cast<double>(live_.size() + 1));
  p.insertion_rank = birth == neg_inf ? -1 : static_cast<std::int64_t>(below);
  p.logl_birth = birth;
  live_.push_back(std::move(p));
}

void NestedSampler::iterate() {
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& p : live_) lowest = std::min(lowest, p.logl);
  // Everything on the lowest plateau dies now, with the live count falling one by one.
  std::size_t killed = 0;
  for (std::size_t i = 0; i < live_.size();) {
    if (live_[i].logl == lowest) {
      kill(i);
      ++killed;
    } else {
      ++i;
    }
  }
  std::size_t needed = killed;
  // A plateau took many points at once: the old region is far too large for what is left.
  if (killed > 1 && live_.size() >= 2) rebuild_region();
  while (needed > 0) {
    while (needed > 0 && !pool_.empty()) {
      Point p = std::move(pool_.front());
      pool_.pop_front();
      if (p.logl > lowest) {
        insert(std::move(p), lowest);
        --needed;
      }
    }
    if (needed > 0) generate_round(needed, lowest, false);
  }
  ++iteration_;
  ++iterations_since_build_;
  // Rebuild once the volume has shrunk by about 10% (slice sampling only needs the metric).
  const std::size_t rebuild_every = std::max<std::size_t>(1, options_.nlive / (using_slice_ ? 5 : 10));
  if (iterations_since_build_ >= rebuild_every) rebuild_region();
}

void NestedSampler::finish() {
  std::sort(live_.begin(), live_.end(),
            [](const Point& a, const Point& b) { return a.logl > b.logl; });
  if (!live_.empty() && live_.front().logl == live_.back().logl) {
    // One plateau holds all that is left: its mass L X is known exactly, shared evenly.
    const double n = static_cast<double>(live_.size());
    for (const Point& p : live_) {
      const double logwt = p.logl + log_volume_ - std::log(n);
      record_row(p, static_cast<std::int64_t>(live_.size()), logwt);
      logz_ = log_add_exp(logz_, logwt);
    }
    live_.clear();
    log_volume_ = -std::numeric_limits<double>::infinity();
  }
  while (!live_.empty()) kill(live_.size() - 1);
  pool_.clear();
  finished_ = true;
}

SampleRows NestedSampler::take_rows() {
  SampleRows out = std::move(rows_);
  rows_.clear();
  return out;
}

unsigned NestedSampler::take_flags() {
  const unsigned f = seen_flags_;
  seen_flags_ = 0;
  return f;
}

void NestedSampler::rebuild_region() {
  const auto n = static_cast<Eigen::Index>(live_.size());
  const auto d = static_cast<Eigen::Index>(problem_.ndim());
  region_points_.resize(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < d; ++k) region_points_(i, k) = live_[static_cast<std::size_t>(i)].u[static_cast<std::size_t>(k)];
  region_start_ = region_ ? region_->metric() : Region::Metric{};
  Rng rng(options_.seed, StreamPurpose::region, region_builds_++);
  region_ = std::make_unique<Region>(region_points_, rng, &region_start_, task_map_);
  iterations_since_build_ = 0;
}

void NestedSampler::evaluate_proposal(std::uint64_t index, double threshold, bool from_prior,
                                      Point& out, double& calls, double& expansions,
                                      double& contractions) const {
  const std::size_t d = problem_.ndim();
  Rng rng(options_.seed, from_prior ? StreamPurpose::initial_point : StreamPurpose::proposal, index);
  calls = expansions = contractions = 0;
  if (from_prior) {
    std::vector<double> u(d);
    for (auto& x : u) x = rng.uniform();
    problem_.evaluate(u, out);
    calls = 1;
    return;
  }
  if (!using_slice_) {
    Eigen::VectorXd u;
    std::uint64_t tries = 0;
    if (region_->sample(rng, u, max_region_tries, tries)) {
      problem_.evaluate(std::span<const double>(u.data(), d), out);
      calls = 1;
      return;
    }
    // The region is too tight to sample (rare): fall back to a slice walk for this proposal.
  }
  const Point& start = live_[rng.below(live_.size())];
  const Eigen::MatrixXd whitening =
      region_->whitening_near(Eigen::Map<const Eigen::VectorXd>(start.u.data(), static_cast<Eigen::Index>(d)));
  SliceStats stats;
  slice_walk(problem_, start, threshold, whitening, slice_width_, repeats(), rng, out, stats);
  calls = static_cast<double>(stats.calls);
  expansions = static_cast<double>(stats.expansions);
  contractions = static_cast<double>(stats.contractions);
}

void NestedSampler::generate_round(std::size_t needed, double threshold, bool from_prior) {
  const std::size_t nranks = static_cast<std::size_t>(comm_.size());
  const std::size_t d = problem_.ndim(), np = problem_.nparams(), nt = problem_.nterms(),
                    nd = problem_.nderived();
  // Round size is a deterministic function of the state, so a rerun repeats it exactly.
  double target = static_cast<double>(needed);
  double yield = 1.0;
  if (!from_prior) {
    // A small pool (about nlive/50 points, at least two per rank) amortises each round's
    // communication and bookkeeping; points it holds go stale at a rate of about
    // pool/(2 nlive), so it stays a few per cent of the work.
    target = std::max({target, static_cast<double>(options_.nlive) / 50.0, 2.0 * static_cast<double>(nranks)});
    if (!using_slice_) yield = std::max(1e-4, (window_accepted_ + 0.5) / (window_evaluated_ + 1.0));
  }
  const std::size_t per_rank = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(target / (static_cast<double>(nranks) * yield))), 1,
      std::max<std::size_t>(1, 100000 / nranks));

  const std::size_t record = f_head + d + np + nt + nd;
  std::vector<double> mine(header_size + per_rank * record, 0.0);
  std::string error;
  Point p;
  const std::uint64_t base = next_proposal_ + static_cast<std::uint64_t>(comm_.rank()) * per_rank;
  for (std::size_t j = 0; j < per_rank && error.empty(); ++j) {
    double* r = mine.data() + header_size + j * record;
    try {
      evaluate_proposal(base + j, threshold, from_prior, p, r[f_calls], r[f_expansions],
                        r[f_contractions]);
    } catch (const LikelihoodError& e) {
      error = e.what();
      break;
    }
    r[f_status] = (from_prior || p.logl > threshold) ? 1.0 : 0.0;
    r[f_logl] = p.logl;
    r[f_logprior] = p.logprior;
    double* out = r + f_head;
    out = std::copy(p.u.begin(), p.u.end(), out);
    out = std::copy(p.theta.begin(), p.theta.end(), out);
    out = std::copy(p.terms.begin(), p.terms.end(), out);
    std::copy(p.derived.begin(), p.derived.end(), out);
  }
  mine[0] = static_cast<double>(local_flags_);
  mine[1] = error.empty() ? 0.0 : 1.0;
  local_flags_ = 0;

  const std::vector<double> all = comm_.allgather(mine);
  next_proposal_ += per_rank * nranks;

  bool any_error = false;
  for (std::size_t r = 0; r < nranks; ++r) {
    const double* h = all.data() + r * mine.size();
    seen_flags_ |= static_cast<unsigned>(h[0]);
    any_error = any_error || h[1] != 0.0;
  }
  if (!error.empty()) throw LikelihoodError(error);
  if (any_error) throw PeerFailure("a likelihood evaluation failed on another rank");

  double accepted = 0, evaluated = 0, calls = 0, expansions = 0, contractions = 0;
  for (std::size_t r = 0; r < nranks; ++r)
    for (std::size_t j = 0; j < per_rank; ++j) {
      const double* rec = all.data() + r * mine.size() + header_size + j * record;
      nlike_ += static_cast<std::uint64_t>(rec[f_calls]);
      calls += rec[f_calls];
      expansions += rec[f_expansions];
      contractions += rec[f_contractions];
      evaluated += 1;
      if (rec[f_status] != 1.0) continue;
      accepted += 1;
      Point q;
      const double* in = rec + f_head;
      q.u.assign(in, in + d);
      q.theta.assign(in + d, in + d + np);
      q.terms.assign(in + d + np, in + d + np + nt);
      q.derived.assign(in + d + np + nt, in + d + np + nt + nd);
      q.logl = rec[f_logl];
      q.logprior = rec[f_logprior];
      pool_.push_back(std::move(q));
    }
  if (!from_prior) adapt_after_round(accepted, evaluated, expansions, contractions, calls);
}

void NestedSampler::adapt_after_round(double accepted, double evaluated, double expansions,
                                      double contractions, double calls) {
  const double keep = std::exp(-calls / window_length);
  window_accepted_ = keep * window_accepted_ + accepted;
  window_evaluated_ = keep * window_evaluated_ + evaluated;
  window_points_ = keep * window_points_ + accepted;
  window_calls_ = keep * window_calls_ + calls;
  if (using_slice_) {
    // Aim for as many bracket expansions as contractions: the bracket then matches the slice.
    if (expansions + contractions > 0)
      slice_width_ *= std::clamp(std::sqrt((expansions + 1.0) / (contractions + 1.0)), 0.5, 2.0);
    return;
  }
  // Automatic method: leave region sampling once a slice walk would cost fewer calls per point.
  if (options_.method == SamplingMethod::automatic && window_calls_ > 200) {
    const double region_cost = window_calls_ / (window_points_ + 0.5);
    const double slice_cost = 5.0 * static_cast<double>(repeats());
    if (region_cost > slice_cost) {
      using_slice_ = true;
      window_points_ = window_calls_ = 0;
    }
  }
}

NestedProgress NestedSampler::progress() const {
  NestedProgress p;
  p.iteration = iteration_;
  p.nlike = nlike_;
  p.logz = logz_;
  double max_logl = neg_inf;
  for (const auto& q : live_) max_logl = std::max(max_logl, q.logl);
  p.remaining = logz_ == neg_inf ? std::numeric_limits<double>::infinity()
                                 : log_add_exp(logz_, max_logl + log_volume_) - logz_;
  p.efficiency = window_calls_ > 0 ? window_points_ / window_calls_ : 1.0;
  p.method = using_slice_ ? "slice" : "region";
  return p;
}

// ---- checkpoint state -----------------------------------------------------------------------

namespace {

void put_points(StateFile& s, const std::string& prefix, const std::vector<Point>& pts) {
  std::vector<double> u, theta, terms, derived, logl, logprior, birth;
  std::vector<std::int64_t> rank;
  for (const auto& p : pts) {
    u.insert(u.end(), p.u.begin(), p.u.end());
    theta.insert(theta.end(), p.theta.begin(), p.theta.end());
    terms.insert(terms.end(), p.terms.begin(), p.terms.end());
    derived.insert(derived.end(), p.derived.begin(), p.derived.end());
    logl.push_back(p.logl);
    logprior.push_back(p.logprior);
    birth.push_back(p.logl_birth);
    rank.push_back(p.insertion_rank);
  }
  s.put(prefix + "u", u);
  s.put(prefix + "theta", theta);
  s.put(prefix + "terms", terms);
  s.put(prefix + "derived", derived);
  s.put(prefix + "logl", logl);
  s.put(prefix + "logprior", logprior);
  s.put(prefix + "logl_birth", birth);
  s.put(prefix + "insertion_rank", rank);
}

std::vector<Point> get_points(const StateFile& s, const std::string& prefix, const Problem& pb) {
  const auto& logl = s.doubles(prefix + "logl");
  const std::size_t n = logl.size();
  const auto& u = s.doubles(prefix + "u");
  const auto& theta = s.doubles(prefix + "theta");
  const auto& terms = s.doubles(prefix + "terms");
  const auto& derived = s.doubles(prefix + "derived");
  const auto& logprior = s.doubles(prefix + "logprior");
  const auto& birth = s.doubles(prefix + "logl_birth");
  const auto& rank = s.int64s(prefix + "insertion_rank");
  const std::size_t d = pb.ndim(), np = pb.nparams(), nt = pb.nterms(), nd = pb.nderived();
  if (u.size() != n * d || theta.size() != n * np || terms.size() != n * nt ||
      derived.size() != n * nd || logprior.size() != n || birth.size() != n || rank.size() != n)
    throw std::runtime_error("checkpoint: the stored points do not match this problem's dimensions");
  std::vector<Point> pts(n);
  for (std::size_t i = 0; i < n; ++i) {
    Point& p = pts[i];
    p.u.assign(u.begin() + static_cast<long>(i * d), u.begin() + static_cast<long>((i + 1) * d));
    p.theta.assign(theta.begin() + static_cast<long>(i * np), theta.begin() + static_cast<long>((i + 1) * np));
    p.terms.assign(terms.begin() + static_cast<long>(i * nt), terms.begin() + static_cast<long>((i + 1) * nt));
    p.derived.assign(derived.begin() + static_cast<long>(i * nd), derived.begin() + static_cast<long>((i + 1) * nd));
    p.logl = logl[i];
    p.logprior = logprior[i];
    p.logl_birth = birth[i];
    p.insertion_rank = rank[i];
  }
  return pts;
}

} // namespace

void NestedSampler::save(StateFile& s) const {
  put_points(s, "live/", live_);
  put_points(s, "pool/", std::vector<Point>(pool_.begin(), pool_.end()));
  s.put("scalars", std::vector<double>{log_volume_, logz_, last_logl_, window_accepted_,
                                       window_evaluated_, window_calls_, window_points_,
                                       slice_width_});
  s.put("counters", std::vector<std::uint64_t>{iteration_, nlike_, next_proposal_, region_builds_,
                                               iterations_since_build_, using_slice_ ? 1u : 0u,
                                               finished_ ? 1u : 0u, rows_emitted_});
  std::vector<double> region(region_points_.data(), region_points_.data() + region_points_.size());
  s.put("region_points", region);
  s.put("region_start_mean", std::vector<double>(region_start_.mean.data(), region_start_.mean.data() + region_start_.mean.size()));
  s.put("region_start_chol", std::vector<double>(region_start_.chol.data(), region_start_.chol.data() + region_start_.chol.size()));
  s.put("insertion_quantiles", insertion_quantiles_);
}

void NestedSampler::load(const StateFile& s) {
  live_ = get_points(s, "live/", problem_);
  const auto pool = get_points(s, "pool/", problem_);
  pool_.assign(pool.begin(), pool.end());
  const auto& sc = s.doubles("scalars");
  const auto& ct = s.uint64s("counters");
  if (sc.size() != 8 || ct.size() != 8) throw std::runtime_error("checkpoint: malformed sampler state");
  log_volume_ = sc[0];
  logz_ = sc[1];
  last_logl_ = sc[2];
  window_accepted_ = sc[3];
  window_evaluated_ = sc[4];
  window_calls_ = sc[5];
  window_points_ = sc[6];
  slice_width_ = sc[7];
  iteration_ = ct[0];
  nlike_ = ct[1];
  next_proposal_ = ct[2];
  region_builds_ = ct[3];
  iterations_since_build_ = ct[4];
  using_slice_ = ct[5] != 0;
  finished_ = ct[6] != 0;
  rows_emitted_ = ct[7];
  insertion_quantiles_ = s.doubles("insertion_quantiles");
  const auto& region = s.doubles("region_points");
  const auto d = static_cast<Eigen::Index>(problem_.ndim());
  if (!finished_) {
    if (d == 0 || region.size() % static_cast<std::size_t>(d) != 0)
      throw std::runtime_error("checkpoint: malformed region state");
    // Rebuild the region exactly as it was: same points, same random stream.
    region_points_ = Eigen::Map<const Eigen::MatrixXd>(region.data(), static_cast<Eigen::Index>(region.size()) / d, d);
    const auto& mean = s.doubles("region_start_mean");
    const auto& chol = s.doubles("region_start_chol");
    region_start_ = Region::Metric{};
    if (mean.size() == static_cast<std::size_t>(d) && chol.size() == static_cast<std::size_t>(d * d)) {
      region_start_.mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), d);
      region_start_.chol = Eigen::Map<const Eigen::MatrixXd>(chol.data(), d, d);
    }
    Rng rng(options_.seed, StreamPurpose::region, region_builds_ - 1);
    region_ = std::make_unique<Region>(region_points_, rng, &region_start_, task_map_);
  }
  rows_.clear();
}

} // namespace nubayes
