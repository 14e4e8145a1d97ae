// Parallel tempering: evidence by thermodynamic integration and stepping stones against the
// analytic values (gauss d = 10, the bimodal shells), the β = 1 posterior moments on gauss-2d
// within ESS-based tolerances, equalised swap acceptance after ladder adaptation, bit-exact
// continuation from a saved state, and determinism. Tolerances come from the reported errors.
#include "mcmc_diagnostics.h"
#include "problem_fixture.h"
#include "parallel_tempering.h"
#include "test_problems.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace nubayes;

namespace {

using nubayes::testing::ProblemFixture;

void report(const std::string& label, const PtResult& r, double truth) {
  const PtEvidence& e = r.evidence;
  std::printf("%s: K=%zu TI %.4f +- %.4f (within %.4f, between %.4f, ladders %.4f) trapezoid %.4f | SS %.4f +- %.4f "
              "(within %.4f, between %.4f) | truth %.4f | calls %llu\n",
              label.c_str(), r.betas.size(), e.lnz_ti, e.err_ti, e.err_ti_within, e.err_ti_between, e.err_ti_ladders,
              e.lnz_ti_trapezoid, e.lnz_ss, e.err_ss, e.err_ss_within, e.err_ss_between, truth,
              static_cast<unsigned long long>(r.nlike));
  std::printf("  betas:");
  for (double b : r.betas) std::printf(" %.3g", b);
  std::printf("\n  swap acceptance:");
  for (double a : r.swap_acceptance) std::printf(" %.3f", a);
  std::printf("\n");
}

void check_evidence(const std::string& label, const PtResult& r, double truth) {
  const PtEvidence& e = r.evidence;
  report(label, r, truth);
  ASSERT_TRUE(std::isfinite(e.lnz_ti) && std::isfinite(e.err_ti) && e.err_ti > 0) << label;
  EXPECT_LT(std::abs(e.lnz_ti - truth), 3 * e.err_ti) << label << " TI";
  EXPECT_LT(std::abs(e.lnz_ss - truth), 3 * e.err_ss) << label << " SS";
  EXPECT_LT(std::abs(e.lnz_ss - e.lnz_ti), 3 * std::hypot(e.err_ss, e.err_ti)) << label << " SS vs TI";
  EXPECT_LT(e.err_ti, 0.5) << label;
  // Swap acceptance after adaptation: all pairs within a factor 2 of each other.
  const auto [lo, hi] = std::minmax_element(r.swap_acceptance.begin(), r.swap_acceptance.end());
  EXPECT_GT(*lo, 0.05) << label;
  EXPECT_LT(*hi / *lo, 2.0) << label;
}

PtOptions options(std::size_t burn, std::size_t nsteps, std::uint64_t seed = 11) {
  PtOptions o;
  o.seed = seed;
  o.burn = burn;
  o.nsteps = nsteps;
  o.nladders = 8; // 32 (ladder, batch) blocks: a steadier error than 16 (see the design notes)
  return o;
}

} // namespace

TEST(ParallelTempering, DefaultLadder) {
  EXPECT_EQ(default_temperatures(2, 1e-6), 15u);
  EXPECT_EQ(default_temperatures(10, 1e-6), 15u);
  EXPECT_EQ(default_temperatures(30, 1e-6), 26u);
}

TEST(ParallelTempering, GaussEvidence10d) {
  ProblemFixture s("gauss", {{"ndim", "10"}});
  const Communicator comm;
  const PtResult r = run_parallel_tempering(s.problem, options(3000, 6000), comm);
  check_evidence("gauss-10d", r, *s.setup.analytic_logz);
  EXPECT_EQ(r.steps, 9000u);
}

TEST(ParallelTempering, ShellsEvidenceBimodal) {
  ProblemFixture s("shells", {});
  const Communicator comm;
  PtOptions o = options(3000, 6000, 5);
  o.ntemps = 12;
  const PtResult r = run_parallel_tempering(s.problem, o, comm);
  check_evidence("shells", r, *s.setup.analytic_logz);
  // Both modes (centres at x = -3.5 and +3.5) are visited by the β = 1 chains of every ladder.
  for (const auto& chain : r.posterior.theta) {
    double left = 0;
    for (const auto& th : chain) left += th[0] < 0 ? 1 : 0;
    const double f = left / static_cast<double>(chain.size());
    EXPECT_GT(f, 0.2);
    EXPECT_LT(f, 0.8);
  }
}

TEST(ParallelTempering, GaussPosteriorMoments2d) {
  ProblemFixture s("gauss", {{"ndim", "2"}});
  const Communicator comm;
  const PtResult r = run_parallel_tempering(s.problem, options(2000, 10000, 3), comm);
  for (std::size_t p = 0; p < 2; ++p) {
    Chains x, sq;
    double sum = 0, s2 = 0, n = 0;
    for (const auto& chain : r.posterior.theta) {
      x.emplace_back();
      sq.emplace_back();
      for (const auto& th : chain) {
        x.back().push_back(th[p]);
        sq.back().push_back((th[p] - 0.5) * (th[p] - 0.5));
        sum += th[p];
        s2 += (th[p] - 0.5) * (th[p] - 0.5);
        n += 1;
      }
    }
    const double mean = sum / n, sd = std::sqrt(s2 / n - (mean - 0.5) * (mean - 0.5));
    const double ess = n / integrated_time_emcee(x), ess_sq = n / integrated_time_emcee(sq);
    EXPECT_GT(ess, 300);
    EXPECT_LT(std::abs(mean - 0.5), 5 * 0.1 / std::sqrt(ess)) << "param " << p << " ESS " << ess;
    EXPECT_LT(std::abs(sd - 0.1), 5 * 0.1 / std::sqrt(2 * ess_sq)) << "param " << p << " ESS " << ess_sq;
  }
  const double acc = r.posterior.acceptance_fraction();
  EXPECT_GT(acc, 0.1);
  EXPECT_LT(acc, 0.6);
  check_evidence("gauss-2d", r, *s.setup.analytic_logz);
}

TEST(ParallelTempering, ResumeIsBitExactAndDeterministic) {
  ProblemFixture s("gauss", {{"ndim", "3"}});
  const Communicator comm;
  PtOptions o = options(60, 40, 9);
  o.ntemps = 6;
  // Uninterrupted: 100 steps (the ladder adapts for 60 of them, freezes afterwards).
  ParallelTempering a(s.problem, o, comm);
  a.initialize();
  const std::vector<double> initial = a.state().betas;
  for (int i = 0; i < 60; ++i) a.step();
  const std::vector<double> at_burn = a.state().betas;
  EXPECT_NE(at_burn, initial); // adapted during burn-in ...
  EXPECT_EQ(at_burn.front(), 1.0);
  EXPECT_EQ(at_burn.back(), o.beta_min);
  EXPECT_TRUE(std::is_sorted(at_burn.rbegin(), at_burn.rend()));
  for (int i = 60; i < 100; ++i) a.step();
  EXPECT_EQ(a.state().betas, at_burn); // ... frozen afterwards
  // Interrupted at step 37 (mid burn-in): saved to disk, loaded into a fresh sampler.
  ParallelTempering b(s.problem, o, comm);
  b.initialize();
  for (int i = 0; i < 37; ++i) b.step();
  StateFile file;
  b.state().save(file);
  const auto path = std::filesystem::temp_directory_path() / ("pt_state_" + std::to_string(getpid()) + ".h5");
  file.save_atomic(path.string());
  const StateFile loaded = StateFile::load(path.string());
  std::filesystem::remove(path);
  const PtState restored = PtState::load(loaded);
  EXPECT_EQ(restored, b.state());
  ParallelTempering c(s.problem, o, comm);
  c.set_state(restored);
  for (int i = 37; i < 100; ++i) c.step();
  EXPECT_EQ(c.state(), a.state());
  EXPECT_EQ(c.state().step, 100u);
  EXPECT_GT(c.state().nlike, 0u);
  // Determinism of whole runs; a different seed differs.
  const PtResult r1 = run_parallel_tempering(s.problem, o, comm);
  const PtResult r2 = run_parallel_tempering(s.problem, o, comm);
  EXPECT_EQ(r1.logl, r2.logl);
  EXPECT_EQ(r1.posterior.u, r2.posterior.u);
  EXPECT_EQ(r1.betas, r2.betas);
  EXPECT_EQ(r1.evidence.lnz_ti, r2.evidence.lnz_ti);
  EXPECT_EQ(r1.betas, a.state().betas);
  o.seed = 10;
  const PtResult r3 = run_parallel_tempering(s.problem, o, comm);
  EXPECT_NE(r1.logl, r3.logl);
  // A state that does not fit is refused; a bad file entry too.
  PtOptions other = o;
  other.nladders = 3;
  ParallelTempering d(s.problem, other, comm);
  EXPECT_THROW(d.set_state(restored), std::invalid_argument);
  StateFile broken;
  EXPECT_THROW(PtState::load(broken), std::runtime_error);
}

TEST(ParallelTempering, EvidenceMathOnKnownMoments) {
  // ln L ≡ c on every rung: ln Z = c exactly for TI, trapezoid and SS.
  const std::vector<double> betas = {1.0, 0.3, 0.01, 1e-6};
  std::vector<std::vector<std::vector<double>>> logl(4, std::vector<std::vector<double>>(2, std::vector<double>(50, -2.5)));
  const PtEvidence e = thermodynamic_evidence(betas, logl);
  EXPECT_NEAR(e.lnz_ti, -2.5, 1e-12);
  EXPECT_NEAR(e.lnz_ti_trapezoid, -2.5, 1e-12);
  EXPECT_NEAR(e.lnz_ss, -2.5, 1e-12);
  EXPECT_EQ(e.err_ti_between, 0.0);
  logl[2].pop_back();
  EXPECT_THROW(thermodynamic_evidence(betas, logl), std::invalid_argument);
}

/// Draws for every (rung, ladder) whose pooled mean and variance are exactly m(β) and v(β).
std::vector<std::vector<std::vector<double>>> draws_with_moments(const std::vector<double>& betas,
                                                                 double (*m)(double), double (*v)(double)) {
  const std::size_t nl = 2, nd = 50, n = nl * nd;
  std::vector<std::vector<std::vector<double>>> logl;
  for (double b : betas) {
    const double a = std::sqrt(v(b) * static_cast<double>(n - 1) / static_cast<double>(n));
    std::vector<std::vector<double>> rung(nl);
    for (auto& c : rung)
      for (std::size_t j = 0; j < nd; ++j) c.push_back(m(b) + (j % 2 ? a : -a));
    logl.push_back(rung);
  }
  return logl;
}

TEST(ParallelTempering, ThermodynamicIntegralIsExactForGaussianAndPriorRegimes) {
  // A Gaussian posterior (d = 10): <ln L>_beta = c - d/(2 beta), Var = d/(2 beta^2). Near the
  // prior <ln L>_beta is linear in beta with slope Var_prior(ln L). The integral rule must be
  // exact for both on a coarse ladder (unit gaps in ln beta); the corrected trapezoid in beta
  // is off by about +0.18 per gap for the first.
  std::vector<double> betas;
  for (int i = 0; i <= 7; ++i) betas.push_back(std::exp(-static_cast<double>(i)));
  const double bmin = betas.back();
  auto m_gauss = [](double b) { return 3.0 - 5.0 / b; };
  auto v_gauss = [](double b) { return 5.0 / (b * b); };
  const PtEvidence g = thermodynamic_evidence(betas, draws_with_moments(betas, m_gauss, v_gauss));
  const double exact_gauss = 3.0 * (1 - bmin) - 5.0 * std::log(1 / bmin) + bmin * m_gauss(bmin);
  EXPECT_NEAR(g.lnz_ti, exact_gauss, 1e-8);
  EXPECT_GT(std::abs(g.lnz_ti_trapezoid - exact_gauss), 1.0); // what the plain rule misses
  auto m_prior = [](double b) { return -28.0 + 150.0 * b; };
  auto v_prior = [](double) { return 150.0; };
  const PtEvidence p = thermodynamic_evidence(betas, draws_with_moments(betas, m_prior, v_prior));
  const double exact_prior = -28.0 * (1 - bmin) + 75.0 * (1 - bmin * bmin) + bmin * m_prior(bmin);
  EXPECT_NEAR(p.lnz_ti, exact_prior, 1e-8);
}
