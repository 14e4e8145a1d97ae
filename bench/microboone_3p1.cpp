// 3+1 in MicroBooNE's Wire-Cell inclusive likelihood against the published references
// (docs/microboone.md, "3+1 in MicroBooNE"): the appearance signal at a reference point, the
// Δχ² of the data at the grid points of Argüelles et al. (arXiv:2111.10359, appearance only, no
// background oscillation), and our Δχ² along MicroBooNE's official 95 % CL appearance-only
// contour (PRL 130 011801). Prints tables; asserts nothing (the tests pin the numbers).
// Usage: microboone_3p1
#include "microboone_inclusive.h"
#include "microboone_oscillation.h"
#include "table_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::microboone;

namespace {

double quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

void summary(const char* what, const std::vector<double>& v) {
  std::printf("  %-46s n = %3zu  median %.3f  16%% %.3f  84%% %.3f  min %.3f  max %.3f\n", what,
              v.size(), quantile(v, 0.5), quantile(v, 0.16), quantile(v, 0.84), quantile(v, 0),
              quantile(v, 1));
}

} // namespace

int main() {
  const Inclusive inclusive;
  const OscillationResponse response(inclusive.release(), inputs_dir());
  Eigen::VectorXd mu;
  const auto chi2_app = [&](double s2t, double dm2, Statistic statistic = Statistic::cnp) {
    response.predict(BeamTransitions::appearance_only(s2t, dm2), mu);
    return inclusive.chi2_at_prediction(mu, 0.0, statistic);
  };

  const auto app = response.appearance(BeamTransitions::appearance_only(1e-3, 1.0));
  const double fc = std::accumulate(app.begin(), app.begin() + 26, 0.0);
  const double pc = std::accumulate(app.begin() + 26, app.end(), 0.0);
  const double null_cnp = chi2_app(0, 1), null_pearson = chi2_app(0, 1, Statistic::pearson);
  std::printf("appearance at dm2 = 1 eV^2, sin^2 2theta_mue = 1e-3: FC %.3f, PC %.3f events\n", fc,
              pc);
  std::printf("  Delta chi2 (CNP) %.3f; null chi2 CNP %.4f, Pearson %.4f\n",
              chi2_app(1e-3, 1) - null_cnp, null_cnp, null_pearson);

  // Argüelles et al.: columns dm2, sin2 2theta, chi2 Asimov full, chi2 Asimov constrained, chi2
  // data.
  const Table peer =
      read_table(inputs_dir() / "microboone/references_3p1/Inclusive_NoBkgOsc_Chi2.dat", 5);
  double peer_null = 1e300;
  for (std::size_t i = 0; i < peer.rows(); ++i)
    peer_null = std::min(peer_null, peer.row(i)[4]);
  std::vector<double> ratio, diff;
  std::vector<double> ratio_by_decade[4]; // dm2 < 0.1, 0.1-1, 1-10, > 10 eV^2
  std::printf("\nArgüelles et al. data chi2 (their minimum %.4f) against ours (CNP null %.4f):\n",
              peer_null, null_cnp);
  std::printf("  %10s %10s %10s %10s\n", "dm2", "sin2_2th", "their_d", "our_d");
  for (std::size_t i = 0; i < peer.rows(); ++i) {
    const auto r = peer.row(i);
    const double theirs = r[4] - peer_null;
    if (theirs < 1 || theirs > 100) continue;
    const double ours = chi2_app(r[1], r[0]) - null_cnp;
    ratio.push_back(ours / theirs);
    ratio_by_decade[r[0] < 0.1 ? 0 : r[0] < 1 ? 1 : r[0] < 10 ? 2 : 3].push_back(ours / theirs);
    diff.push_back(ours - theirs);
    if (i % 97 == 0) std::printf("  %10.4g %10.4g %10.3f %10.3f\n", r[0], r[1], theirs, ours);
  }
  summary("Delta chi2 ours / theirs (their 1 < dchi2 < 100)", ratio);
  summary("Delta chi2 ours - theirs", diff);
  const char* decades[4] = {"ratio, dm2 < 0.1 eV^2", "ratio, 0.1 <= dm2 < 1 eV^2",
                            "ratio, 1 <= dm2 < 10 eV^2", "ratio, dm2 >= 10 eV^2"};
  for (int d = 0; d < 4; ++d)
    summary(decades[d], ratio_by_decade[d]);

  const auto contour = [&](const char* file) {
    const Table c = read_table(inputs_dir() / "microboone/references_3p1" / file, 2);
    std::vector<double> d;
    for (std::size_t i = 0; i < c.rows(); ++i)
      d.push_back(chi2_app(c.row(i)[0], c.row(i)[1]) - null_cnp);
    std::printf("\n%s (%zu points), our Delta chi2 from no signal along it:\n", file, c.rows());
    summary("Delta chi2 (2-dof 95 % Wilks: 5.99)", d);
  };
  contour("app_only_2022_official.dat");
  contour("app_only_2022_official_sensitivity.dat");
  contour("official_contour.dat");
  return 0;
}
