#pragma once
// The constrained-prior region for rejection sampling: the union over clusters of
// (MLFriends balls around the live points) intersected with (a bootstrap-enlarged ellipsoid of
// the cluster), intersected with the unit cube. Balls follow curved and multimodal contours in low
// dimension (Buchner 2016, 2019); ellipsoids keep the region tight where balls are too wide.
// Radius and enlargement come from bootstrap rounds, so the region contains the true contour with
// high probability rather than by a tuned factor.
#include "rng.h"

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

namespace nubayes {

/// Runs tasks 0..n-1 (each returning one number) and returns every result, in order, on every
/// caller. The sampler spreads the tasks over MPI ranks; the default runs them here.
using TaskMap = std::function<std::vector<double>(std::size_t n, const std::function<double(std::size_t)>& task)>;

/// Runs the tasks one after another.
std::vector<double> run_tasks_here(std::size_t n, const std::function<double(std::size_t)>& task);

class Region {
public:
  /// Which proposal draws candidates; chosen per build by trial acceptance.
  enum class Proposal { cube, ellipsoids, balls };

  /// A metric to start clustering from: u - mean = chol * y.
  struct Metric {
    Eigen::VectorXd mean;
    Eigen::MatrixXd chol;
  };

  /// points: one row per live point, unit-cube coordinates. `start`: the previous region's
  /// metric; clustering in it keeps separated modes separated from one build to the next
  /// (as UltraNest does), where the global covariance would blur them together.
  /// The bootstrap rounds (the costly part) go through `map`, each with its own random stream,
  /// so the region is the same however the rounds are shared out.
  Region(const Eigen::MatrixXd& points, Rng& rng, const Metric* start = nullptr,
         const TaskMap& map = run_tasks_here, int bootstrap_rounds = 30);

  /// Draws a point uniformly from the region into u. Returns false if `max_tries` candidates
  /// were all rejected (the region is then too inefficient to use); `tries` counts candidates.
  bool sample(Rng& rng, Eigen::VectorXd& u, std::uint64_t max_tries, std::uint64_t& tries) const;
  bool contains(const Eigen::VectorXd& u) const;

  std::size_t dim() const { return dim_; }
  std::size_t nclusters() const { return clusters_.size(); }
  Proposal proposal() const { return proposal_; }
  /// Fraction of candidates the chosen proposal accepts (from the build's trial draws).
  double proposal_acceptance() const { return proposal_acceptance_; }
  /// Cholesky factor (in cube coordinates) of the covariance of the cluster nearest to u:
  /// slice sampling steps along directions whitened by it.
  Eigen::MatrixXd whitening_near(const Eigen::VectorXd& u) const;
  /// The metric this region ended with (the start of the next build).
  Metric metric() const { return {mean_, metric_chol_}; }

private:
  struct Cluster {
    std::vector<std::size_t> members;
    bool has_ellipsoid = false;
    Eigen::VectorXd centre;       // whitened coordinates
    Eigen::MatrixXd chol;         // Cholesky factor A of the cluster covariance (whitened)
    Eigen::MatrixXd chol_inverse; // A^-1
    double scale2 = 1;            // enclosing squared Mahalanobis radius incl. enlargement
    double log_volume = 0;
  };

  Eigen::VectorXd whiten(const Eigen::VectorXd& u) const;
  Eigen::VectorXd unwhiten(const Eigen::VectorXd& y) const;
  bool in_cube(const Eigen::VectorXd& u) const;
  bool in_ellipsoid(const Cluster& c, const Eigen::VectorXd& y) const;
  /// Number of (ball, its cluster's ellipsoid) pairs containing y; 0 means outside the region.
  std::size_t ball_multiplicity(const Eigen::VectorXd& y, bool stop_at_first) const;
  std::size_t ellipsoid_multiplicity(const Eigen::VectorXd& y) const;
  bool draw_candidate(Proposal how, Rng& rng, Eigen::VectorXd& u) const;

  void set_metric(const Eigen::MatrixXd& points, const std::vector<int>& labels);
  void use_metric(const Eigen::MatrixXd& points, const Metric& metric);
  /// Bootstrap of left-out-to-nearest-chosen distances over `members` (all points if empty):
  /// returns {median over rounds, max over rounds} of the per-round worst case.
  std::pair<double, double> bootstrap_radius2(Rng& rng, int rounds, const std::vector<std::size_t>& members) const;
  void set_cluster_radii(Rng& rng, int rounds);
  /// Runs `rounds` bootstrap tasks through map_, each with a stream derived from `rng`.
  std::vector<double> bootstrap(Rng& rng, int rounds, const std::function<double(Rng&)>& task) const;
  std::vector<int> find_clusters(double radius2) const;
  void build_ellipsoid(Cluster& c, Rng& rng, int rounds) const;
  void choose_proposal(Rng& rng);

  TaskMap map_;
  std::size_t dim_ = 0;
  Eigen::VectorXd mean_;             // metric centre (cube coordinates)
  Eigen::MatrixXd metric_chol_;      // L: u - mean = L y
  Eigen::MatrixXd metric_chol_inv_;  // L^-1
  Eigen::MatrixXd y_;                // whitened points, one column per point (column access is fast)
  double radius2_ = 0;                // clustering radius (squared)
  double whole_radius2_ = 0;          // maximum bootstrap radius over all points, same metric
  std::vector<double> ball_radius2_;  // per point: its cluster's MLFriends radius (squared)
  std::vector<double> ball_cumulative_volume_; // for picking balls in proportion to volume
  bool use_balls_ = true;
  std::vector<int> label_;           // cluster of each point
  std::vector<Cluster> clusters_;
  bool all_ellipsoids_ = false;
  double total_ellipsoid_volume_ = 0; // sum of exp(log_volume - max_log_volume)
  double max_log_volume_ = 0;
  Proposal proposal_ = Proposal::cube;
  double proposal_acceptance_ = 1;
};

/// Uniform draw from the unit ball in `dim` dimensions.
Eigen::VectorXd sample_unit_ball(Rng& rng, std::size_t dim);

} // namespace nubayes
