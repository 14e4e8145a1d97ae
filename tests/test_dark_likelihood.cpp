// Dark-sector likelihoods (likelihoods/dark_likelihood.h) at the 1807.09877 v1 benchmark
// (m_N = 0.32 GeV, m_ZD = 0.064 GeV, |U_μ4|² = 1e-6, α_D = 0.25, αε² = 3e-9), and the config
// surface: selectable through [model] name, bad input as one clear line.
//
// The v1 χ² = 31.2/36 at the quoted couplings is NOT reproduced (models/DARK_SECTOR.md §6.1): with
// the MiniBooNE ring rules the 64 MeV Z_D gives one ring only above E ≈ 1.5 GeV, so the signal sits
// in the top E_ν^QE bins and χ² rises above no-signal; counting every pair as one shower, the rate
// at the quoted couplings is ~50× the excess (χ² ≈ 640), and the best χ² along the coupling scale
// is 34.3 (within the paper's 31.2 ± 4) at 1/48 of the quoted αε² |U_μ4|². The authors' own regions
// moved by the same order between v1 and v2; at the later benchmark our fitted |U_μ4|² lies inside
// their published band (DarkLaterBenchmark). The v1 tests pin those findings (they fail if the
// physics or the detector response changes) and check the independent numbers we do have.
#include "cli_helpers.h"
#include "miniboone_experiments.h"
#include "dark_signal.h"
#include "table_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

using namespace nubayes;
using namespace nubayes::darkfit;
using namespace nubayes::testing;

namespace {

const dark::DarkZdParams kV1{0.32, 0.064, 1e-6, 0.25, 3e-9};

dark::DarkZdParams scaled(double factor) {
  dark::DarkZdParams p = kV1;
  p.alpha_eps2 *= factor;
  return p;
}

/// Templates on a 2 × 2 grid ±5 % around the masses (default: the v1 benchmark's).
TemplateSignal benchmark_templates(PairSelection selection, double m_n = 0.32, double ratio = 0.2,
                                   double opening_deg = 5) {
  static const TemplateInputs inputs;
  MassGrid grid;
  grid.model = DarkModelKind::dark_zd;
  grid.heavy = {m_n * 0.95, m_n * 1.05, 2};
  grid.ratio = {ratio * 0.95, ratio * 1.05, 2};
  TemplateSettings settings;
  settings.events_per_target = 30000;
  settings.selection = selection;
  settings.rings.max_opening_angle_deg = opening_deg;
  return TemplateSignal(build_templates(grid, settings, inputs, Communicator()));
}

/// The published 3σ band of |U_μ4|² at m_N (log-log interpolation of a digitised boundary from
/// inputs/dark_sector/Bertuzzo_1807.09877_regions, MANIFEST there).
double band_edge(const std::string& file, double m_n) {
  const Table t = read_table(inputs_dir() / "dark_sector/Bertuzzo_1807.09877_regions" / file, 2);
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < t.rows(); ++i)
    points.emplace_back(t.row(i)[0], t.row(i)[1]);
  std::sort(points.begin(), points.end());
  for (std::size_t i = 1; i < points.size(); ++i)
    if (points[i].first >= m_n) {
      const auto [x0, y0] = points[i - 1];
      const auto [x1, y1] = points[i];
      const double f = std::log(m_n / x0) / std::log(x1 / x0);
      return std::exp(std::log(y0) + f * std::log(y1 / y0));
    }
  ADD_FAILURE() << file << " does not reach m_N = " << m_n;
  return 0;
}

/// χ² of a MiniBooNE energy term for the pairs alone (no oscillation, ν₄ not produced).
double energy_chi2(const TemplateSignal& signal, const Experiment& experiment,
                   const dark::DarkZdParams& p) {
  std::vector<double> per_pot(signal.observables());
  EXPECT_TRUE(signal.predict(p, per_pot));
  const auto& layout = signal.templates().layout;
  const std::span<const double> pairs(per_pot);
  ModelPoint point;
  point.neutrinos.nu4_oscillates = false;
  point.miniboone_pairs = {pairs.subspan(layout.fhc_enu(), layout.enu_bins),
                           pairs.subspan(layout.rhc_enu(), layout.enu_bins),
                           pairs.subspan(layout.fhc_cos(), layout.cos_bins)};
  double chi2 = 0;
  experiment.loglike(point, chi2);
  return chi2;
}

std::unique_ptr<Experiment> energy_2018() {
  return make_miniboone_energy("miniboone-combined-2018", miniboone::EnergyRange::full,
                               inputs_dir());
}

} // namespace

// Lifetimes at the benchmark: physics notes §9.3, cτ(Z_D) = 3.1 μm and Γ(N → νZ_D) = 2.5e-7 GeV
// (cτ = ħc/Γ = 0.79 nm): both decays prompt (≪ 1 m).
TEST(DarkBenchmark, DecaysArePrompt) {
  const TemplateSignal signal = benchmark_templates(PairSelection::rings);
  Lifetimes life;
  ASSERT_TRUE(signal.lifetimes(kV1, life));
  EXPECT_NEAR(life.ctau_mediator_m, 3.1e-6, 0.05e-6);
  EXPECT_NEAR(life.ctau_heavy_m, 1.973269804e-16 / 2.5e-7, 0.02e-9);
  EXPECT_LT(life.ctau_heavy_m, 1e-3);
  EXPECT_LT(life.ctau_mediator_m, 1e-3);
}

TEST(DarkBenchmark, Chi2WithRingRules) {
  const TemplateSignal signal = benchmark_templates(PairSelection::rings);
  const auto experiment = energy_2018();
  // No signal: the official 2018 ν+ν̄ χ², notes §10.1 (63.783) and 1807.09877 ("63.8/38").
  EXPECT_NEAR(energy_chi2(signal, *experiment, scaled(1e-30)), 63.783, 0.01);
  const double chi2 = energy_chi2(signal, *experiment, kV1);
  std::printf("v1 benchmark, ring rules: chi2 = %.2f (paper 31.2)\n", chi2);
  // Ours: 73.8 at 3e4 events per corner (MC noise ~±2); the signal does not lower the χ².
  EXPECT_GT(chi2, 63.783);
  EXPECT_NEAR(chi2, 74, 5);
}

TEST(DarkBenchmark, Chi2WithEveryPairOneShower) {
  const TemplateSignal signal = benchmark_templates(PairSelection::single_shower);
  const auto experiment = energy_2018();
  const double at_v1 = energy_chi2(signal, *experiment, kV1);
  double best = 1e300, best_scale = 0;
  for (double scale = 0.005; scale < 0.2; scale *= 1.1) {
    const double chi2 = energy_chi2(signal, *experiment, scaled(scale));
    if (chi2 < best) best = chi2, best_scale = scale;
  }
  std::printf("v1 benchmark, single shower: chi2 = %.1f; best %.2f at %.4f x alpha_eps2\n", at_v1,
              best, best_scale);
  EXPECT_GT(at_v1, 400); // measured 641: the quoted couplings overshoot the excess ~50×
  // With the coupling product fitted, the benchmark masses reach the paper's χ² (31.2 ± 4):
  // measured 34.3 at 0.021 × the quoted αε² |U_μ4|².
  EXPECT_NEAR(best, 31.2, 4.0);
  EXPECT_NEAR(best_scale, 0.021, 0.006);
}

// The later benchmark (notes §9.1, §9.3; DarkNews's "Bertuzzo et al BP", the arXiv v2 region):
// m_N = 0.42 GeV, m_ZD = 0.03 GeV, α_D = 0.25, αε² = 2e-10. With every pair one shower, the |U_μ4|²
// that the 2018 data prefer at these couplings must lie inside the authors' own 3σ band at
// m_N = 0.42 GeV in that version (digitised: [3.5e-7, 1.2e-6]). Measured: 4.7e-7 (χ² 34.2).
// This is the check of our coupling normalisation the v1 point cannot give: the v1 band at the same
// m_N sits ~48× higher in αε² |U_μ4|², the factor found above.
TEST(DarkLaterBenchmark, FittedMixingInsidePublishedBand) {
  const TemplateSignal signal =
      benchmark_templates(PairSelection::single_shower, 0.42, 0.03 / 0.42);
  const auto experiment = energy_2018();
  double best = 1e300, best_u = 0;
  for (double u = 5e-8; u < 5e-6; u *= 1.05) {
    const double chi2 = energy_chi2(signal, *experiment, {0.42, 0.03, u, 0.25, 2e-10});
    if (chi2 < best) best = chi2, best_u = u;
  }
  const double lo = band_edge("Pedros_paper_v2/low_3sigma_fit.dat", 0.42),
               hi = band_edge("Pedros_paper_v2/upper_3sigma_fit.dat", 0.42);
  std::printf(
      "later benchmark, single shower: best |U_mu4|^2 = %.3g (chi2 %.2f); published 3 sigma "
      "band [%.3g, %.3g]\n",
      best_u, best, lo, hi);
  EXPECT_GT(best_u, lo);
  EXPECT_LT(best_u, hi);
  EXPECT_LT(best, 63.783 - 20); // a strong preference for the signal, as published
}

// The ring rules reach the templates: a wider "one ring" opening angle accepts more of the v1
// pairs (64 MeV Z_D: openings ≳ 2 m_ZD / E_ZD); measured 12.7× more per POT (all observables).
TEST(DarkTemplates, RingOpeningAngleIsASetting) {
  const TemplateSignal narrow = benchmark_templates(PairSelection::rings, 0.32, 0.2, 5);
  const TemplateSignal wide = benchmark_templates(PairSelection::rings, 0.32, 0.2, 13);
  std::vector<double> a(narrow.observables()), b(wide.observables());
  ASSERT_TRUE(narrow.predict(kV1, a));
  ASSERT_TRUE(wide.predict(kV1, b));
  const double total_a = std::accumulate(a.begin(), a.end(), 0.0),
               total_b = std::accumulate(b.begin(), b.end(), 0.0);
  std::printf("v1 pairs accepted: %.4g (5 deg) vs %.4g (13 deg) per POT\n", total_a, total_b);
  EXPECT_GT(total_b, 1.1 * total_a);
}

// The whole chain through the executable: name = dark-zd / heavy-zprime with the small grid.
TEST(DarkLikelihood, EvalThroughTheCommandLine) {
  const auto dir = scratch_dir("dark_eval");
  const std::string common =
      " --set model.template_grid=small --set model.template_cache=" + (dir / "c.h5").string();
  const CommandResult zd = run_nubayes("eval " + std::string(NUBAYES_SOURCE_DIR) +
                                       "/inputs/examples/dark-zd-miniboone-2018.ini --at "
                                       "m_N=0.32,m_ZD=0.064,Umu4_sq=1e-6,alpha_eps2=1e-10" +
                                       common);
  EXPECT_EQ(zd.exit_code, 0) << zd.output;
  for (const char* name :
       {"miniboone-combined-2018", "miniboone-angle-2020", "ctau_N_m", "ctau_ZD_m", "signal_nu_2018"})
    EXPECT_NE(zd.output.find(name), std::string::npos) << name << " missing in " << zd.output;
  const CommandResult zp =
      run_nubayes("eval " + std::string(NUBAYES_SOURCE_DIR) +
                  "/inputs/examples/heavy-zprime-miniboone-2018.ini --at "
                  "m4=0.14,m_Zprime=1.25,Umu4_sq=1.5e-6,Utau4_sq=7.8e-4,chi_sq=3.845e-6 --set "
                  "model.template_grid=small --set model.template_cache=" +
                  (dir / "z.h5").string());
  EXPECT_EQ(zp.exit_code, 0) << zp.output;
  EXPECT_NE(zp.output.find("ctau_nu4_m = 6"), std::string::npos)
      << zp.output; // 62 m, notes §9.2 (α′ = 1)
}

struct DarkBadCase {
  std::string name, set;
  std::vector<std::string> expected;
};

class DarkBadConfig : public ::testing::TestWithParam<DarkBadCase> {};

TEST_P(DarkBadConfig, OneClearLine) {
  const auto& c = GetParam();
  const auto dir = scratch_dir("dark_bad_" + c.name);
  const CommandResult r = run_nubayes(
      "run " + std::string(NUBAYES_SOURCE_DIR) +
      "/inputs/examples/dark-zd-miniboone-2018.ini --set run.output=" + (dir / "out.h5").string() +
      " --set model.template_grid=small --set "
      "model.template_cache=" +
      (dir / "c.h5").string() + " " + c.set);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  for (const auto& e : c.expected)
    EXPECT_NE(r.output.find(e), std::string::npos) << "missing '" << e << "' in: " << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "c.h5")) << "templates were built for a bad config";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DarkBadConfig,
    ::testing::Values(
        DarkBadCase{"unknown_experiment",
                    "--set data.experiments=miniboone-combined-2018,lsdn",
                    {"[data] experiments", "unknown experiment 'lsdn'", "miniboone-angle-2020"}},
        DarkBadCase{"impossible_masses",
                    "--set 'prior.m_ZD=uniform 0.3 0.5' --set 'prior.m_N=uniform 0.1 0.25'",
                    {"[prior] m_ZD", "impossible masses", "m_ZD must be below m_N"}},
        DarkBadCase{"outside_grid",
                    "--set 'prior.m_N=log-uniform 0.1 0.9'",
                    {"[prior] m_N", "not inside the template grid"}},
        DarkBadCase{"bad_grid",
                    "--set model.template_grid=huge",
                    {"[model] template_grid", "unknown template grid 'huge'"}},
        DarkBadCase{"bad_selection",
                    "--set model.pair_selection=two",
                    {"[model] pair_selection", "rings, single-shower"}},
        DarkBadCase{"bad_ring_angle",
                    "--set model.ring_opening_deg=0",
                    {"[model] ring_opening_deg", "outside the allowed range"}},
        DarkBadCase{"bad_soft_threshold",
                    "--set model.ring_soft_mev=-1",
                    {"[model] ring_soft_mev", "outside the allowed range"}},
        DarkBadCase{"bad_mass_cut_flag",
                    "--set model.ring_mass_cut=maybe",
                    {"[model] ring_mass_cut", "expected true or false"}}),
    [](const auto& info) { return info.param.name; });

// The inputs a run records (and a resume compares) do not depend on whether the templates were
// built or read from the cache: a finished run resumes with the same config after the cache exists.
TEST(DarkLikelihood, ResumeOfAFinishedRunDoesNotDependOnTheTemplateCache) {
  const auto dir = scratch_dir("dark_resume_cache");
  const std::string args = "run " + std::string(NUBAYES_SOURCE_DIR) +
                           "/inputs/examples/dark-zd-miniboone-2018.ini --quiet --set sampler.nlive=20 "
                           "--set model.template_grid=small --set model.template_cache=" +
                           (dir / "t.h5").string() + " --set run.output=" + (dir / "r.h5").string();
  const CommandResult first = run_nubayes(args); // builds the templates
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const CommandResult again = run_nubayes(args + " --resume"); // reads them from the cache
  EXPECT_EQ(again.exit_code, 0) << again.output;
}
