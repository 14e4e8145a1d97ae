// A Feldman–Cousins check of MicroBooNE's official appearance-only 95 % CL contour (PRL 130
// 011801) with our `microboone-inclusive` likelihood (docs/microboone.md, "3+1 in MicroBooNE").
// At points on the official contour: pseudo-experiments drawn from the prediction at the point
// (systematics: a Gaussian draw from the release's covariance scaled to the prediction, then
// Poisson counts), Δχ² = χ²(point) − min over a (sin²2θμe, Δm²) grid plus no signal, and the
// 95 % quantile of that Δχ² against the data's Δχ² at the point (a point is on our Feldman–Cousins
// contour where the two agree); and CLs of the simple test of the point against no signal (on our
// CLs contour where it is 0.05). Not run by CI. Usage: microboone_fc [PSEUDO=300] [SEED=20261205]
#include "microboone_inclusive.h"
#include "microboone_oscillation.h"
#include "table_reader.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::microboone;

int main(int argc, char** argv) {
  const int pseudo = argc > 1 ? std::stoi(argv[1]) : 300;
  const unsigned long seed = argc > 2 ? std::stoul(argv[2]) : 20261205UL;
  Inclusive inclusive;
  const OscillationResponse response(inclusive.release(), inputs_dir());
  const Eigen::VectorXd observed = inclusive.release().data;

  // The fit grid: no signal, then 21 × 21 log-spaced points.
  std::vector<Eigen::VectorXd> grid;
  Eigen::VectorXd mu;
  response.predict(BeamTransitions::appearance_only(0, 1), mu);
  grid.push_back(mu);
  for (int i = 0; i < 21; ++i)
    for (int j = 0; j < 21; ++j) {
      response.predict(BeamTransitions::appearance_only(std::pow(10.0, -4 + 0.2 * i),
                                                        std::pow(10.0, -2 + 0.2 * j)),
                       mu);
      grid.push_back(mu);
    }
  const auto min_over_grid = [&](double at_point) {
    double best = at_point;
    for (const auto& g : grid)
      best = std::min(best, inclusive.chi2_at_prediction(g, 0));
    return best;
  };

  const Table contour =
      read_table(inputs_dir() / "microboone/references_3p1/app_only_2022_official.dat", 2);
  const Eigen::MatrixXd c0 = inclusive.covariance(0);
  const Eigen::VectorXd mu0 = inclusive.release().prediction;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::printf("%zu grid points; %d pseudo-experiments per contour point, seed %lu\n", grid.size(),
              pseudo, seed);
  // Pseudo-data around a prediction: a Gaussian draw of the release's systematic covariance scaled
  // to it (clipped at 0), then Poisson counts.
  const auto make_draw = [&](const Eigen::VectorXd& truth) {
    Eigen::MatrixXd c = c0;
    for (Eigen::Index i = 0; i < c.rows(); ++i)
      for (Eigen::Index j = 0; j < c.cols(); ++j)
        c(i, j) *= (mu0(i) > 0 ? truth(i) / mu0(i) : 1.0) * (mu0(j) > 0 ? truth(j) / mu0(j) : 1.0);
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(c);
    const Eigen::MatrixXd root = ldlt.transpositionsP().transpose() *
                                 Eigen::MatrixXd(ldlt.matrixL()) *
                                 ldlt.vectorD().cwiseMax(0).cwiseSqrt().asDiagonal();
    return [&, truth, root] {
      Eigen::VectorXd z(truth.size());
      for (auto& x : z)
        x = normal(rng);
      const Eigen::VectorXd shifted = (truth + root * z).cwiseMax(0);
      Eigen::VectorXd counts(shifted.size());
      for (Eigen::Index i = 0; i < counts.size(); ++i)
        counts(i) = shifted(i) > 0
                        ? static_cast<double>(std::poisson_distribution<long>(shifted(i))(rng))
                        : 0.0;
      return counts;
    };
  };
  std::printf("| sin2_2theta_mue | dm2 [eV^2] | data dchi2 | FC 95 %% critical value | Wilks (2 "
              "dof) | CLs |\n"
              "|---|---|---|---|---|---|\n");
  for (std::size_t k = 4; k < contour.rows(); k += 12) {
    const double s2t = contour.row(k)[0], dm2 = contour.row(k)[1];
    Eigen::VectorXd truth;
    response.predict(BeamTransitions::appearance_only(s2t, dm2), truth);
    inclusive.replace_data(observed);
    const double data_at = inclusive.chi2_at_prediction(truth, 0);
    const double data_dchi2 = data_at - min_over_grid(data_at);
    const auto draw = make_draw(truth);
    std::vector<double> dchi2;
    for (int p = 0; p < pseudo; ++p) {
      inclusive.replace_data(draw());
      const double at = inclusive.chi2_at_prediction(truth, 0);
      dchi2.push_back(at - min_over_grid(at));
    }
    std::sort(dchi2.begin(), dchi2.end());
    const double critical = dchi2[static_cast<std::size_t>(0.95 * (dchi2.size() - 1))];
    // CLs with the simple-hypothesis statistic t = χ²(point) − χ²(no signal): p-values of the
    // observed t under the point (s+b) and under no signal (b), both from pseudo-experiments.
    inclusive.replace_data(observed);
    const auto t_of = [&] {
      return inclusive.chi2_at_prediction(truth, 0) - inclusive.chi2_at_prediction(grid[0], 0);
    };
    const double t_obs = t_of();
    const auto draw_null = make_draw(grid[0]);
    int above_sb = 0, above_b = 0;
    for (int p = 0; p < 4 * pseudo; ++p) {
      inclusive.replace_data(draw());
      above_sb += t_of() >= t_obs;
      inclusive.replace_data(draw_null());
      above_b += t_of() >= t_obs;
    }
    const double cls = above_b > 0 ? static_cast<double>(above_sb) / above_b : 1.0;
    std::printf("| %.4g | %.4g | %.2f | %.2f | 5.99 | %.3f |\n", s2t, dm2, data_dchi2, critical,
                cls);
    std::fflush(stdout);
  }
  return 0;
}
