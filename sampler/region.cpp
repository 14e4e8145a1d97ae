#include "region.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

namespace nubayes {

namespace {

// Balls stop helping above this dimension (their union covers the ellipsoid) and only cost time.
constexpr std::size_t max_ball_dim = 20;
constexpr int trial_draws = 256;

double log_unit_ball_volume(std::size_t d) {
  const double half = 0.5 * static_cast<double>(d);
  return half * std::log(std::numbers::pi) - std::lgamma(half + 1.0);
}

/// Cholesky factor of a covariance, regularised if round-off made it indefinite.
Eigen::MatrixXd robust_cholesky(Eigen::MatrixXd cov) {
  const auto d = cov.rows();
  double ridge = 1e-12 * std::max(cov.trace() / static_cast<double>(d), 1e-300);
  for (int attempt = 0; attempt < 40; ++attempt) {
    Eigen::LLT<Eigen::MatrixXd> llt(cov);
    if (llt.info() == Eigen::Success) return llt.matrixL();
    cov.diagonal().array() += ridge;
    ridge *= 10;
  }
  throw std::runtime_error("region: live-point covariance is not positive definite");
}

Eigen::MatrixXd covariance(const Eigen::MatrixXd& cols) {
  const Eigen::VectorXd m = cols.rowwise().mean();
  const Eigen::MatrixXd c = cols.colwise() - m;
  return c * c.transpose() / std::max<double>(1.0, static_cast<double>(cols.cols()) - 1.0);
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

} // namespace

Eigen::VectorXd sample_unit_ball(Rng& rng, std::size_t dim) {
  Eigen::VectorXd z(dim);
  for (auto& x : z) x = rng.normal();
  const double radius = std::pow(rng.uniform_open(), 1.0 / static_cast<double>(dim));
  return z * (radius / z.norm());
}

std::vector<double> run_tasks_here(std::size_t n, const std::function<double(std::size_t)>& task) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = task(i);
  return out;
}

std::vector<double> Region::bootstrap(Rng& rng, int rounds, const std::function<double(Rng&)>& task) const {
  const std::uint64_t base = rng();
  return map_(static_cast<std::size_t>(rounds), [&](std::size_t b) {
    Rng stream(base, StreamPurpose::region, b);
    return task(stream);
  });
}

Region::Region(const Eigen::MatrixXd& points, Rng& rng, const Metric* start, const TaskMap& map,
               int bootstrap_rounds)
    : map_(map), dim_(static_cast<std::size_t>(points.cols())) {
  const std::size_t n = static_cast<std::size_t>(points.rows());
  if (n < 2) throw std::runtime_error("region: need at least two live points");
  use_balls_ = dim_ <= max_ball_dim;
  std::vector<int> labels(n, 0);
  if (start && start->mean.size() == static_cast<Eigen::Index>(dim_)) use_metric(points, *start);
  else set_metric(points, labels);
  if (use_balls_) {
    // MLFriends: the radius comes from bootstrap; clusters are the connected components of the
    // balls; the metric is re-learnt from within-cluster scatter until the clustering is stable.
    // The radius and the clusters always belong to the metric in force when the loop ends.
    // Clustering uses the median over bootstrap rounds: a mode holding a handful of points is
    // wholly left out of some rounds, and the maximum would then bridge it to its neighbours.
    std::size_t metric_clusters = 0;
    for (int iteration = 0; iteration < 3; ++iteration) {
      std::tie(radius2_, whole_radius2_) = bootstrap_radius2(rng, bootstrap_rounds, {});
      labels = find_clusters(radius2_);
      const std::size_t found = static_cast<std::size_t>(*std::max_element(labels.begin(), labels.end())) + 1;
      if (found == metric_clusters || iteration == 2) break;
      metric_clusters = found;
      set_metric(points, labels);
    }
  }
  label_ = labels;
  const std::size_t ncl = static_cast<std::size_t>(*std::max_element(labels.begin(), labels.end())) + 1;
  clusters_.assign(ncl, Cluster{});
  for (std::size_t i = 0; i < n; ++i) clusters_[static_cast<std::size_t>(labels[i])].members.push_back(i);
  all_ellipsoids_ = true;
  max_log_volume_ = -std::numeric_limits<double>::infinity();
  for (auto& c : clusters_) {
    build_ellipsoid(c, rng, bootstrap_rounds);
    all_ellipsoids_ = all_ellipsoids_ && c.has_ellipsoid;
    if (c.has_ellipsoid) max_log_volume_ = std::max(max_log_volume_, c.log_volume);
  }
  if (!all_ellipsoids_) use_balls_ = true; // a cluster without an ellipsoid needs its balls
  if (use_balls_) set_cluster_radii(rng, bootstrap_rounds);
  total_ellipsoid_volume_ = 0;
  for (const auto& c : clusters_)
    if (c.has_ellipsoid) total_ellipsoid_volume_ += std::exp(c.log_volume - max_log_volume_);
  choose_proposal(rng);
}

void Region::set_metric(const Eigen::MatrixXd& points, const std::vector<int>& labels) {
  const std::size_t n = static_cast<std::size_t>(points.rows());
  mean_ = points.colwise().mean().transpose();
  // Within-cluster scatter: each point minus its cluster's mean.
  const int ncl = *std::max_element(labels.begin(), labels.end()) + 1;
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dim_), ncl);
  std::vector<double> counts(static_cast<std::size_t>(ncl), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    sums.col(labels[i]) += points.row(static_cast<Eigen::Index>(i)).transpose();
    counts[static_cast<std::size_t>(labels[i])] += 1;
  }
  Eigen::MatrixXd residual(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i)
    residual.col(static_cast<Eigen::Index>(i)) =
        points.row(static_cast<Eigen::Index>(i)).transpose() -
        sums.col(labels[i]) / counts[static_cast<std::size_t>(labels[i])];
  Eigen::MatrixXd cov = residual * residual.transpose() / std::max<double>(1.0, double(n) - ncl);
  metric_chol_ = robust_cholesky(cov);
  metric_chol_inv_ = metric_chol_.triangularView<Eigen::Lower>().solve(
      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(dim_)));
  y_ = metric_chol_inv_ * (points.transpose().colwise() - mean_);
}

/// Squared distances between the columns of a and b (one matrix product, not a loop per pair).
static Eigen::MatrixXd squared_distances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd d2 = -2.0 * a.transpose() * b;
  d2.colwise() += a.colwise().squaredNorm().transpose();
  d2.rowwise() += b.colwise().squaredNorm();
  return d2;
}

void Region::use_metric(const Eigen::MatrixXd& points, const Metric& metric) {
  mean_ = metric.mean;
  metric_chol_ = metric.chol;
  metric_chol_inv_ = metric_chol_.triangularView<Eigen::Lower>().solve(
      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(dim_)));
  y_ = metric_chol_inv_ * (points.transpose().colwise() - mean_);
}

std::pair<double, double> Region::bootstrap_radius2(Rng& rng, int rounds,
                                                    const std::vector<std::size_t>& members) const {
  std::vector<std::size_t> all;
  if (members.empty()) {
    all.resize(static_cast<std::size_t>(y_.cols()));
    std::iota(all.begin(), all.end(), 0);
  }
  const std::vector<std::size_t>& idx = members.empty() ? all : members;
  const std::size_t n = idx.size();
  const auto d = static_cast<Eigen::Index>(dim_);
  std::vector<double> worst = bootstrap(rng, rounds, [&](Rng& r) {
    std::vector<char> chosen(n, 0);
    for (std::size_t k = 0; k < n; ++k) chosen[r.below(n)] = 1;
    const auto nin = static_cast<Eigen::Index>(std::count(chosen.begin(), chosen.end(), 1));
    if (nin == static_cast<Eigen::Index>(n)) return -1.0; // nothing left out this round
    Eigen::MatrixXd in(d, nin), out(d, static_cast<Eigen::Index>(n) - nin);
    Eigen::Index a = 0, o = 0;
    for (std::size_t k = 0; k < n; ++k) (chosen[k] ? in.col(a++) : out.col(o++)) = y_.col(static_cast<Eigen::Index>(idx[k]));
    // The radius must reach every left-out point from its nearest chosen neighbour.
    return squared_distances(out, in).rowwise().minCoeff().maxCoeff();
  });
  std::erase_if(worst, [](double w) { return w < 0; });
  if (worst.empty()) return {0.0, 0.0};
  std::sort(worst.begin(), worst.end());
  return {worst[worst.size() / 2], worst.back()};
}

void Region::set_cluster_radii(Rng& rng, int rounds) {
  // Each cluster's balls get the MLFriends radius of its own points (maximum over bootstrap
  // rounds). Clusters too small to bootstrap take the largest radius of the others.
  constexpr std::size_t min_members = 3;
  std::vector<double> radius(clusters_.size(), 0.0);
  double largest = 0;
  // One cluster: the bootstrap over all points (in this metric) already gave its radius.
  if (clusters_.size() == 1 && whole_radius2_ > 0) {
    radius[0] = largest = whole_radius2_;
  } else {
    for (std::size_t c = 0; c < clusters_.size(); ++c)
      if (clusters_[c].members.size() >= min_members) {
        radius[c] = bootstrap_radius2(rng, rounds, clusters_[c].members).second;
        largest = std::max(largest, radius[c]);
      }
  }
  if (largest == 0) largest = bootstrap_radius2(rng, rounds, {}).second;
  ball_radius2_.assign(static_cast<std::size_t>(y_.cols()), 0.0);
  for (std::size_t c = 0; c < clusters_.size(); ++c) {
    if (radius[c] == 0) radius[c] = largest;
    for (std::size_t i : clusters_[c].members) ball_radius2_[i] = radius[c];
  }
  // Relative ball volumes r^d (scaled by the largest, so no overflow).
  ball_cumulative_volume_.resize(ball_radius2_.size());
  double total = 0;
  for (std::size_t i = 0; i < ball_radius2_.size(); ++i) {
    total += std::pow(ball_radius2_[i] / largest, 0.5 * static_cast<double>(dim_));
    ball_cumulative_volume_[i] = total;
  }
}

std::vector<int> Region::find_clusters(double radius2) const {
  const std::size_t n = static_cast<std::size_t>(y_.cols());
  const Eigen::MatrixXd d2 = squared_distances(y_, y_);
  UnionFind uf(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (d2(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) < radius2) uf.join(i, j);
  std::vector<int> labels(n, -1), root_label(n, -1);
  int next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = uf.find(i);
    if (root_label[r] < 0) root_label[r] = next++;
    labels[i] = root_label[r];
  }
  return labels;
}

void Region::build_ellipsoid(Cluster& c, Rng& rng, int rounds) const {
  const std::size_t m = c.members.size();
  if (m < 2 * dim_ + 2) return; // too few points to learn a shape: balls alone bound it
  Eigen::MatrixXd pts(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(m));
  for (std::size_t i = 0; i < m; ++i) pts.col(static_cast<Eigen::Index>(i)) = y_.col(static_cast<Eigen::Index>(c.members[i]));

  auto fit = [&](const Eigen::MatrixXd& sample, Eigen::VectorXd& centre, Eigen::MatrixXd& inv) {
    centre = sample.rowwise().mean();
    const Eigen::MatrixXd chol = robust_cholesky(covariance(sample));
    inv = chol.triangularView<Eigen::Lower>().solve(
        Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(dim_)));
    return chol;
  };
  auto max_mahalanobis2 = [](const Eigen::MatrixXd& sample, const Eigen::VectorXd& centre,
                             const Eigen::MatrixXd& inv) {
    return (inv * (sample.colwise() - centre)).colwise().squaredNorm().maxCoeff();
  };

  c.chol = fit(pts, c.centre, c.chol_inverse);
  const double enclose = max_mahalanobis2(pts, c.centre, c.chol_inverse);
  // Bootstrap enlargement (as in dynesty): how far outside an ellipsoid fitted to a resample do
  // the left-out points lie? The worst case over rounds sets the safety factor.
  const std::vector<double> factors = bootstrap(rng, rounds, [&](Rng& r) {
    std::vector<char> chosen(m, 0);
    for (std::size_t k = 0; k < m; ++k) chosen[r.below(m)] = 1;
    const auto nin = static_cast<Eigen::Index>(std::count(chosen.begin(), chosen.end(), 1));
    if (nin == static_cast<Eigen::Index>(m) || nin < static_cast<Eigen::Index>(dim_ + 1)) return 1.0;
    Eigen::MatrixXd in(static_cast<Eigen::Index>(dim_), nin), out(static_cast<Eigen::Index>(dim_), static_cast<Eigen::Index>(m) - nin);
    Eigen::Index a = 0, o = 0;
    for (std::size_t k = 0; k < m; ++k) (chosen[k] ? in.col(a++) : out.col(o++)) = pts.col(static_cast<Eigen::Index>(k));
    Eigen::VectorXd centre;
    Eigen::MatrixXd inv;
    fit(in, centre, inv);
    return max_mahalanobis2(out, centre, inv) / max_mahalanobis2(in, centre, inv);
  });
  const double enlarge = std::max(1.0, *std::max_element(factors.begin(), factors.end()));
  c.scale2 = enclose * enlarge;
  c.has_ellipsoid = true;
  c.log_volume = log_unit_ball_volume(dim_) + 0.5 * static_cast<double>(dim_) * std::log(c.scale2) +
                 c.chol.diagonal().array().log().sum();
}

Eigen::VectorXd Region::whiten(const Eigen::VectorXd& u) const {
  return metric_chol_inv_.triangularView<Eigen::Lower>() * (u - mean_);
}

Eigen::VectorXd Region::unwhiten(const Eigen::VectorXd& y) const {
  return mean_ + metric_chol_.triangularView<Eigen::Lower>() * y;
}

bool Region::in_cube(const Eigen::VectorXd& u) const {
  return (u.array() >= 0.0).all() && (u.array() <= 1.0).all();
}

bool Region::in_ellipsoid(const Cluster& c, const Eigen::VectorXd& y) const {
  if (!c.has_ellipsoid) return true;
  return (c.chol_inverse.triangularView<Eigen::Lower>() * (y - c.centre)).squaredNorm() <= c.scale2;
}

std::size_t Region::ball_multiplicity(const Eigen::VectorXd& y, bool stop_at_first) const {
  // Counts the balls containing y; returns 0 if none of them belongs to a cluster whose
  // ellipsoid also contains y (then y is outside the region).
  const std::size_t n = static_cast<std::size_t>(y_.cols());
  const std::size_t d = dim_;
  const double* pts = y_.data();
  std::size_t count = 0;
  bool valid = false;
  std::vector<signed char> ellipsoid_ok(clusters_.size(), -1);
  for (std::size_t j = 0; j < n; ++j) {
    const double r2 = ball_radius2_[j];
    double d2 = 0;
    for (std::size_t k = 0; k < d && d2 < r2; ++k) {
      const double diff = y[static_cast<Eigen::Index>(k)] - pts[j * d + k];
      d2 += diff * diff;
    }
    if (d2 >= r2) continue;
    ++count;
    if (!valid) {
      auto& ok = ellipsoid_ok[static_cast<std::size_t>(label_[j])];
      if (ok < 0) ok = in_ellipsoid(clusters_[static_cast<std::size_t>(label_[j])], y) ? 1 : 0;
      valid = ok == 1;
      if (valid && stop_at_first) return 1;
    }
  }
  return valid ? count : 0;
}

std::size_t Region::ellipsoid_multiplicity(const Eigen::VectorXd& y) const {
  std::size_t count = 0;
  for (const auto& c : clusters_)
    if (c.has_ellipsoid && in_ellipsoid(c, y)) ++count;
  return count;
}

bool Region::contains(const Eigen::VectorXd& u) const {
  if (!in_cube(u)) return false;
  const Eigen::VectorXd y = whiten(u);
  return use_balls_ ? ball_multiplicity(y, true) > 0 : ellipsoid_multiplicity(y) > 0;
}

bool Region::draw_candidate(Proposal how, Rng& rng, Eigen::VectorXd& u) const {
  switch (how) {
  case Proposal::cube:
    u.resize(static_cast<Eigen::Index>(dim_));
    for (auto& x : u) x = rng.uniform();
    return contains(u);
  case Proposal::ellipsoids: {
    // Uniform on the union of ellipsoids: pick one by volume, draw in it, and accept with
    // 1/(number of ellipsoids containing the draw).
    double pick = rng.uniform() * total_ellipsoid_volume_;
    const Cluster* chosen = nullptr;
    for (const auto& c : clusters_) {
      chosen = &c;
      pick -= std::exp(c.log_volume - max_log_volume_);
      if (pick < 0) break;
    }
    const Eigen::VectorXd z = chosen->chol.triangularView<Eigen::Lower>() * sample_unit_ball(rng, dim_);
    const Eigen::VectorXd y = chosen->centre + std::sqrt(chosen->scale2) * z;
    const std::size_t overlaps = ellipsoid_multiplicity(y);
    if (overlaps == 0 || rng.uniform() * static_cast<double>(overlaps) >= 1.0) return false;
    u = unwhiten(y);
    if (!in_cube(u)) return false;
    return !use_balls_ || ball_multiplicity(y, true) > 0;
  }
  case Proposal::balls: {
    // Uniform on the union of balls: pick a ball in proportion to its volume, draw in it, and
    // accept with 1/(balls containing the draw).
    const double pick = rng.uniform() * ball_cumulative_volume_.back();
    const auto i = static_cast<std::size_t>(
        std::upper_bound(ball_cumulative_volume_.begin(), ball_cumulative_volume_.end(), pick) -
        ball_cumulative_volume_.begin());
    const Eigen::VectorXd y = y_.col(static_cast<Eigen::Index>(i)) + std::sqrt(ball_radius2_[i]) * sample_unit_ball(rng, dim_);
    const std::size_t hits = ball_multiplicity(y, false);
    if (hits == 0 || rng.uniform() * static_cast<double>(hits) >= 1.0) return false;
    u = unwhiten(y);
    return in_cube(u);
  }
  }
  return false;
}

void Region::choose_proposal(Rng& rng) {
  // Try each available proposal on a few hundred draws (no likelihood calls) and keep the one
  // that accepts most often; ties favour the cheaper one.
  std::vector<Proposal> options{Proposal::cube};
  if (all_ellipsoids_) options.push_back(Proposal::ellipsoids);
  if (use_balls_) options.push_back(Proposal::balls);
  Eigen::VectorXd u;
  proposal_acceptance_ = -1;
  for (Proposal how : options) {
    int accepted = 0;
    for (int t = 0; t < trial_draws; ++t) accepted += draw_candidate(how, rng, u) ? 1 : 0;
    const double rate = static_cast<double>(accepted) / trial_draws;
    if (rate > proposal_acceptance_ * 1.05) {
      proposal_acceptance_ = rate;
      proposal_ = how;
    }
  }
  if (proposal_acceptance_ == 0) proposal_ = all_ellipsoids_ ? Proposal::ellipsoids : Proposal::balls;
}

bool Region::sample(Rng& rng, Eigen::VectorXd& u, std::uint64_t max_tries,
                    std::uint64_t& tries) const {
  for (tries = 1; tries <= max_tries; ++tries)
    if (draw_candidate(proposal_, rng, u)) return true;
  return false;
}

Eigen::MatrixXd Region::whitening_near(const Eigen::VectorXd& u) const {
  const Eigen::VectorXd y = whiten(u);
  Eigen::Index nearest = 0;
  (y_.colwise() - y).colwise().squaredNorm().minCoeff(&nearest);
  const Cluster& c = clusters_[static_cast<std::size_t>(label_[static_cast<std::size_t>(nearest)])];
  if (!c.has_ellipsoid) return metric_chol_;
  return metric_chol_ * c.chol;
}

} // namespace nubayes
