#include "microboone_inclusive.h"

#include "cholesky_chi2.h"
#include "microboone_oscillation.h"

#include "reactor.h"

#include <Eigen/LU>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace nubayes::microboone {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFolder = "microboone/inclusive_WireCell_2110.13978";

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

/// One spectrum table: `bins` rows of E_lo E_hi data background S+B [S+B+LEE]; edges 0.1 GeV
/// wide from 0, contiguous (the last, overflow bin stored as one more 0.1 GeV).
Table read_spectrum(const fs::path& path, std::size_t bins, bool lee) {
  const Table t = read_table(path, lee ? 6 : 5);
  expect_rows(t, bins, path);
  check_non_negative(t.values, path);
  for (std::size_t i = 0; i < bins; ++i) {
    const auto r = t.row(i);
    const double lo = kStrengthStep * static_cast<double>(i);
    if (std::abs(r[0] - lo) > 1e-9 || std::abs(r[1] - lo - 0.1) > 1e-9)
      fail(path, "row " + std::to_string(i + 1) + ": bin edges are not 0.1 GeV steps from 0");
    if (r[3] > r[4] + 1e-9)
      fail(path, "row " + std::to_string(i + 1) + ": background above signal+background");
    if (lee && r[5] < r[4] - 1e-9)
      fail(path, "row " + std::to_string(i + 1) + ": signal+background+LEE below signal+background");
  }
  return t;
}

Eigen::MatrixXd read_covariance(const fs::path& path, std::size_t n) {
  Eigen::MatrixXd m = read_matrix(path, n, n);
  check_symmetric(m, path);
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    if (!(m(i, i) >= 0)) fail(path, "negative variance in bin " + std::to_string(i + 1));
  return m;
}

/// Least-squares weights of a quadratic in x through the 21 released strengths: coefficient k of
/// C(x) = Σ_k c_k x^k is Σ_j W(k, j) C_j.
Eigen::Matrix<double, 3, static_cast<int>(kStrengths)> quadratic_weights() {
  Eigen::Matrix<double, static_cast<int>(kStrengths), 3> a;
  for (std::size_t j = 0; j < kStrengths; ++j) {
    const double x = kStrengthStep * static_cast<double>(j);
    a.row(static_cast<Eigen::Index>(j)) << 1.0, x, x * x;
  }
  return (a.transpose() * a).inverse() * a.transpose();
}

void check_strength(double x) {
  if (!(x >= 0 && x <= kMaxStrength))
    throw std::invalid_argument("microboone-inclusive: LEE strength x = " + std::to_string(x) +
                                " outside the release's [0, 2]");
}

} // namespace

double stat_variance(double measured, double predicted, Statistic statistic) {
  if (statistic == Statistic::pearson) return predicted;
  if (measured <= 0) return predicted / 2;
  if (predicted <= 0) return 0.0;
  return 3.0 / (1.0 / measured + 2.0 / predicted);
}

Release read_release(const fs::path& inputs) {
  const fs::path dir = inputs / kFolder;
  Release r;
  r.data.resize(kBins);
  r.prediction.resize(kBins);
  r.background.resize(kBins);
  r.lee = Eigen::VectorXd::Zero(kBins);
  Eigen::Index at = 0;
  for (const Channel& c : kChannels) {
    const Table t = read_spectrum(dir / (std::string(c.name) + ".txt"), c.bins, c.lee);
    for (std::size_t i = 0; i < c.bins; ++i, ++at) {
      const auto row = t.row(i);
      r.data(at) = row[2];
      r.prediction(at) = row[4];
      r.background(at) = row[3];
      if (c.lee) r.lee(at) = row[5] - row[4];
    }
  }
  for (std::size_t k = 0; k < kStrengths; ++k) {
    const std::string name = std::string("cov_lee_x_") + (k < 10 ? "0" : "") + std::to_string(k);
    r.covariance[k] = read_covariance(dir / (name + ".txt"), kBins);
  }
  const fs::path constrained = dir / "constrained_nueCC_FC.txt";
  const Table t = read_spectrum(constrained, kNueFcBins, true);
  r.constrained_data.resize(kNueFcBins);
  r.constrained_prediction.resize(kNueFcBins);
  r.constrained_lee.resize(kNueFcBins);
  for (std::size_t i = 0; i < kNueFcBins; ++i) {
    const auto row = t.row(i);
    const auto e = static_cast<Eigen::Index>(i);
    r.constrained_data(e) = row[2];
    r.constrained_prediction(e) = row[4];
    r.constrained_lee(e) = row[5] - row[4];
  }
  if (r.constrained_data != r.data.head(kNueFcBins))
    fail(constrained, "data differ from nueCC_FC.txt");
  r.constrained_covariance = read_covariance(dir / "constrained_nueCC_FC_cov.txt", kNueFcBins);
  return r;
}

double nue_fc_gof(const Eigen::VectorXd& data, const NueFcPrediction& p, Statistic statistic) {
  constexpr Eigen::Index n = kNueFcBins - 1; // the overflow bin is left out
  Eigen::MatrixXd m = p.covariance.topLeftCorner(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    m(i, i) += stat_variance(data(i), p.prediction(i), statistic);
  const Eigen::VectorXd r = data.head(n) - p.prediction.head(n);
  return r.dot(m.llt().solve(r));
}

Inclusive::Inclusive(const fs::path& inputs)
    : release_(read_release(inputs)), full_(kBins, kBins), residual_(kBins), scale_(kBins),
      llt_(kBins) {
  const auto w = quadratic_weights();
  for (Eigen::Index k = 0; k < 3; ++k) {
    auto& c = coefficients_[static_cast<std::size_t>(k)];
    c = Eigen::MatrixXd::Zero(kBins, kBins);
    for (std::size_t j = 0; j < kStrengths; ++j)
      c += w(k, static_cast<Eigen::Index>(j)) * release_.covariance[j];
  }
}

Eigen::MatrixXd Inclusive::covariance(double x) const {
  check_strength(x);
  return coefficients_[0] + x * coefficients_[1] + (x * x) * coefficients_[2];
}

double Inclusive::chi2_at_lee_strength(double x, Statistic statistic) const {
  return chi2_at_prediction(release_.prediction, x, statistic);
}

double Inclusive::chi2_at_prediction(const Eigen::VectorXd& prediction, double x,
                                     Statistic statistic) const {
  check_strength(x);
  if (prediction.size() != static_cast<Eigen::Index>(kBins))
    throw std::invalid_argument("microboone-inclusive: a prediction needs 137 bins, not " +
                                std::to_string(prediction.size()));
  const double x2 = x * x;
  for (Eigen::Index i = 0; i < residual_.size(); ++i) {
    const double mu = prediction(i) + x * release_.lee(i);
    const double mu_release = release_.prediction(i) + x * release_.lee(i);
    scale_(i) = mu_release > 0 ? mu / mu_release : 1.0;
    residual_(i) = release_.data(i) - mu;
  }
  // Lower triangle only: LLT reads no more. s = 1 multiplies exactly, so the release's own
  // prediction keeps its bits.
  for (Eigen::Index j = 0; j < full_.cols(); ++j) {
    const Eigen::Index rows = full_.rows() - j;
    full_.col(j).tail(rows) = (coefficients_[0].col(j).tail(rows) +
                               x * coefficients_[1].col(j).tail(rows) +
                               x2 * coefficients_[2].col(j).tail(rows))
                                  .cwiseProduct(scale_.tail(rows)) *
                              scale_(j);
  }
  for (Eigen::Index i = 0; i < residual_.size(); ++i)
    full_(i, i) += stat_variance(release_.data(i), prediction(i) + x * release_.lee(i), statistic);
  return cholesky_chi2(llt_, full_, residual_);
}

double Inclusive::log_det() const {
  return cholesky_log_det(llt_);
}

NueFcPrediction Inclusive::unconstrained_nue_fc(double x) const {
  const Eigen::MatrixXd c = covariance(x);
  return {release_.prediction.head(kNueFcBins) + x * release_.lee.head(kNueFcBins),
          c.topLeftCorner(kNueFcBins, kNueFcBins)};
}

NueFcPrediction Inclusive::constrained_nue_fc(double x) const {
  constexpr Eigen::Index nx = kNueFcBins, ny = kBins - kNueFcBins;
  const Eigen::MatrixXd c = covariance(x);
  const Eigen::VectorXd mu = release_.prediction + x * release_.lee;
  Eigen::MatrixXd syy = c.bottomRightCorner(ny, ny);
  for (Eigen::Index i = 0; i < ny; ++i)
    syy(i, i) += stat_variance(release_.data(nx + i), mu(nx + i), Statistic::pearson);
  const Eigen::LLT<Eigen::MatrixXd> llt(syy);
  const Eigen::MatrixXd cyx = c.bottomLeftCorner(ny, nx);
  const Eigen::MatrixXd gain = llt.solve(cyx).transpose(); // Σ_XY (Σ_YY + S_Y)⁻¹
  return {mu.head(nx) + gain * (release_.data.tail(ny) - mu.tail(ny)),
          c.topLeftCorner(nx, nx) - gain * cyx};
}

void Inclusive::replace_data(const Eigen::VectorXd& counts) {
  if (counts.size() != static_cast<Eigen::Index>(kBins) || !(counts.array() >= 0).all())
    throw std::invalid_argument("microboone-inclusive: pseudo-data need 137 counts >= 0");
  release_.data = counts;
}

std::string Inclusive::fingerprint() const {
  std::uint64_t hash = reactor::kHashSeed;
  reactor::hash_values(hash, {release_.data.data(), kBins});
  reactor::hash_values(hash, {release_.prediction.data(), kBins});
  reactor::hash_values(hash, {release_.lee.data(), kBins});
  for (const auto& c : release_.covariance)
    reactor::hash_values(hash, {c.data(), static_cast<std::size_t>(c.size())});
  return "microboone-inclusive-2110.13978 statistic=cnp covariance=quadratic data=" +
         reactor::hex(hash);
}

} // namespace nubayes::microboone

namespace nubayes {

namespace {

/// A model's neutrino sector enters through its oscillated spectrum (microboone_oscillation.h),
/// the lee-template model's excess as the release's eLEE template at its strength; the dark
/// models' e⁺e⁻ pairs are not modelled yet.
class InclusiveExperiment : public Experiment {
public:
  InclusiveExperiment()
      : oscillation_(inclusive_.release(), inputs_dir()), prediction_(microboone::kBins) {}

  std::string name() const override { return "microboone-inclusive"; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    oscillation_.predict(m.neutrinos, prediction_);
    chi2 = inclusive_.chi2_at_prediction(prediction_, m.electron_like_excess);
    const double n = static_cast<double>(microboone::kBins);
    return -0.5 * (chi2 + inclusive_.log_det() + n * std::log(2 * std::numbers::pi));
  }
  std::string fingerprint() const override {
    return inclusive_.fingerprint() + " " + oscillation_.fingerprint();
  }
  std::vector<ChannelUse> channels() const override {
    return {{Flavour::mu, Flavour::e, "P(numu->nue), BNB at 470 m, L averaged over the decay pipe"},
            {Flavour::e, Flavour::e, "P(nue->nue), intrinsic nue CC"},
            {Flavour::mu, Flavour::mu, "P(numu->numu), numu CC and CC pi0; NC pi0 loses P(numu->nus)"}};
  }
  std::string pair_signal() const override {
    return "none used: the pairs' acceptance in the Wire-Cell nu_e selections cannot be fixed from "
           "public information (0.05-10 % per produced pair; docs/microboone.md), so the term sees "
           "the model's neutrino sector only";
  }
  std::string excess_signal() const override {
    return "x times the release's eLEE template (MiniBooNE's 2018 excess unfolded as nu_e CC), "
           "with the release's covariance at x";
  }

private:
  microboone::Inclusive inclusive_;
  microboone::OscillationResponse oscillation_;
  mutable Eigen::VectorXd prediction_;
};

} // namespace

std::unique_ptr<Experiment> make_microboone_inclusive_experiment(const ModelOptions&) {
  return build_experiment("microboone-inclusive",
                          [] { return std::make_unique<InclusiveExperiment>(); });
}

} // namespace nubayes
