#pragma once
// Nested sampling (Skilling 2006) with replicated state over MPI ranks.
//
// Every rank holds the same live set and makes the same decisions; only likelihood work is
// split. When replacements are needed, a *round* of proposals is shared out: proposal g uses
// the random stream (seed, g), whichever rank runs it, and all ranks gather the results in g
// order. Points accepted beyond the immediate need wait in a pool: a point drawn uniformly
// from {L > L_a} that also has L > L_b (b later, L_b >= L_a) is a uniform draw from {L > L_b},
// so using it later does not bias the evidence (points that fall below are dropped).
// Plateaus (several live points with the same L) die together with a shrinking live count and
// are replaced from {L > L_plateau} (Fowlie, Handley & Su 2020).
#include "communicator.h"
#include "problem.h"
#include "region.h"
#include "run_file.h"
#include "state_file.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nubayes {

enum class SamplingMethod { automatic, region, slice };

/// Largest number of live points: the region's clustering holds the nlive x nlive squared
/// distances (8 nlive^2 bytes, twice while they are computed: 1.6 GB at this bound).
inline constexpr std::size_t kMaxNlive = 10000;

struct NestedOptions {
  std::size_t nlive = 500;
  SamplingMethod method = SamplingMethod::automatic;
  double dlogz = 0.5;             ///< stop when ln(Z + L_max X) - ln Z falls below this
  std::size_t slice_repeats = 0;  ///< slice steps per replacement; 0 = twice the dimension
  std::uint64_t seed = 1;
  std::uint64_t max_calls = 0;    ///< 0 = no limit
};

/// Flags that any rank can raise; after the next round every rank sees the OR of them.
enum ControlFlag : unsigned { checkpoint_requested = 1u, stop_requested = 2u };

struct NestedProgress {
  std::uint64_t iteration = 0;
  std::uint64_t nlike = 0;
  double logz = 0;
  double remaining = 0;   ///< ln(Z + L_max X) - ln Z
  double efficiency = 0;  ///< replacements per likelihood call over the last window
  std::string method;
};

class NestedSampler {
public:
  NestedSampler(const Problem& problem, const NestedOptions& options, const Communicator& comm);

  /// Draws the initial live points from the prior (collective).
  void initialize();
  bool done() const;
  /// Kills the lowest live point (or a plateau of them) and replaces it (collective when a
  /// round of proposals is needed).
  void iterate();
  /// Adds the final live points as rows, with the live count falling to 1.
  void finish();
  bool finished() const { return finished_; }

  /// Rows (dead points, then final live points) produced since the last call.
  SampleRows take_rows();
  std::size_t rows_emitted() const { return rows_emitted_; }

  /// Raises local flags; they travel with the next round.
  void raise(unsigned flags) { local_flags_ |= flags; }
  /// Flags seen (OR over ranks) since the last call.
  unsigned take_flags();

  NestedProgress progress() const;
  std::uint64_t nlike() const { return nlike_; }
  /// Randomised insertion quantiles (uniform under correct sampling).
  const std::vector<double>& insertion_quantiles() const { return insertion_quantiles_; }

  void save(StateFile& state) const;
  void load(const StateFile& state);

private:
  struct Proposal;
  void generate_round(std::size_t needed, double threshold, bool from_prior);
  void evaluate_proposal(std::uint64_t index, double threshold, bool from_prior, Point& out,
                         double& calls, double& expansions, double& contractions) const;
  void rebuild_region();
  void insert(Point p, double birth);
  void kill(std::size_t index);
  void record_row(const Point& p, std::int64_t nlive_at_death, double logwt);
  void adapt_after_round(double accepted, double evaluated, double expansions, double contractions,
                         double region_calls);
  std::size_t repeats() const;

  const Problem& problem_;
  NestedOptions options_;
  const Communicator& comm_;

  std::vector<Point> live_;
  std::deque<Point> pool_;
  bool finished_ = false;

  // Evidence bookkeeping (expected ln X; trapezoid weights).
  double log_volume_ = 0;
  double logz_ = -std::numeric_limits<double>::infinity();
  double last_logl_ = -std::numeric_limits<double>::infinity();

  std::uint64_t iteration_ = 0;
  std::uint64_t nlike_ = 0;
  std::uint64_t next_proposal_ = 0;

  // Region and method state.
  TaskMap task_map_;                // shares region-build work over the ranks
  std::unique_ptr<Region> region_;
  Eigen::MatrixXd region_points_; // live points the region was built from (checkpointed)
  Region::Metric region_start_;   // metric the region's clustering started from (checkpointed)
  std::uint64_t region_builds_ = 0;
  std::uint64_t iterations_since_build_ = 0;
  bool using_slice_ = false;
  double window_accepted_ = 0, window_evaluated_ = 0; // decaying acceptance counters
  double window_calls_ = 0, window_points_ = 0;       // decaying calls per slice point
  double slice_width_ = 3.0;

  unsigned local_flags_ = 0, seen_flags_ = 0;
  SampleRows rows_;
  std::size_t rows_emitted_ = 0;
  std::vector<double> insertion_quantiles_;
};

} // namespace nubayes
