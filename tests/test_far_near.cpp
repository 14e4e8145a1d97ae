// Far/near reactor ratios (Daya Bay, Double Chooz, RENO, Bugey-3): θ13 recovered from the ratio
// shapes against the collaborations' values, the 3ν and 3+1 χ², the per-ratio free
// normalisations, the input checks and the [data] options.
#include "far_near.h"
#include "inputs_copy.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "sterile_likelihood.h"

#include "nue_scan.h"

#include "option_errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

far_near::Config config(far_near::Setup setup, double sin2_2theta13 = 0.0856) {
  far_near::Config c{std::move(setup), {}};
  c.options.inputs = kInputs;
  c.options.three.sin2_2theta13 = sin2_2theta13;
  return c;
}

const sterile3p1::Params kNoSterile = params(0, 1);

/// sin²2θ13 minimising the 3ν χ² (free normalisations), scanned by 0.0025.
std::pair<double, double> theta13_fit(const far_near::Setup& setup) {
  double best = INFINITY, at = 0;
  for (int i = 0; i <= 60; ++i) {
    const double t = 0.0025 * i;
    const double c = far_near::Ratios(config(setup, t)).chi2(kNoSterile);
    if (c < best) {
      best = c;
      at = t;
    }
  }
  std::cout << setup.name << ": theta13 fit chi2 " << best << " at sin2_2theta13 " << at << "\n";
  return {at, best};
}

/// Grid scan: sin²2θ in [0, 0.3] by 0.005, Δm² log-spaced over [lo, hi] (120 points).
BestFit scan_ratios(const far_near::Ratios& r, double lo, double hi) {
  return scan([&](const sterile3p1::Params& p) { return r.chi2(p); }, {lo, hi / lo, 120, 0.005, 60},
              r.setup().name);
}

} // namespace

// ---- θ13 from the ratio shapes (independent check of baselines, energy scale, averaging) --------

TEST(FarNear, DayaBayRatiosGiveTheta13) {
  // Daya Bay 1230 days (PRD 95 (2017) 072006): sin²2θ13 = 0.0841 ± 0.0033. From the two ratio
  // shapes alone (free normalisations drop the rate information; no energy non-linearity or
  // IAV tail modelled): 0.0775, 2σ low. θ13 = 0 is excluded by Δχ² = 76.
  const auto [t13, chi2] = theta13_fit(far_near::dayabay_setup());
  EXPECT_NEAR(t13, 0.0775, 0.0013);
  EXPECT_NEAR(chi2, 43.51, 0.02);
  EXPECT_GT(far_near::Ratios(config(far_near::dayabay_setup(), 0)).chi2(kNoSterile) - chi2, 70);
}

TEST(FarNear, DoubleChoozAndRenoRatiosGiveTheta13) {
  // Double Chooz (Nature Phys. 16 (2020) 558): 0.105 ± 0.014; ours 0.100.
  // RENO (PRL 121 (2018) 201801): 0.0896 ± 0.0068; ours 0.0875.
  EXPECT_NEAR(theta13_fit(far_near::doublechooz_setup()).first, 0.100, 0.0013);
  EXPECT_NEAR(theta13_fit(far_near::reno_setup()).first, 0.0875, 0.0013);
}

// ---- 3ν and 3+1 χ² ------------------------------------------------------------------------------

TEST(FarNear, ThreeNeutrinoChi2) {
  // At sin²2θ13 = 0.0856 with free normalisations: Daya Bay 44.69 / 52, Double Chooz 6.74 / 26,
  // RENO 19.49 / 25, Bugey-3 12.63 / 25 (Bugey-3: θ13 plays no role at 15–40 m).
  const std::map<std::string, double> expected{
      {"dayabay", 44.69}, {"doublechooz", 6.74}, {"reno", 19.49}, {"bugey3", 12.63}};
  for (const auto& setup : {far_near::dayabay_setup(), far_near::doublechooz_setup(),
                            far_near::reno_setup(), far_near::bugey3_setup()})
    EXPECT_NEAR(far_near::Ratios(config(setup)).chi2(kNoSterile), expected.at(setup.name), 0.01)
        << setup.name;
}

TEST(FarNear, SterileBestFitsShowNoSignificantPreference) {
  // None of the far/near ratios prefers oscillations significantly (Δχ² < 4 for 2 parameters).
  const far_near::Ratios dayabay(config(far_near::dayabay_setup()));
  const BestFit d = scan_ratios(dayabay, 1e-3, 1.0);
  EXPECT_GT(d.chi2, 44.69 - 4);
  const far_near::Ratios bugey(config(far_near::bugey3_setup()));
  const BestFit b = scan_ratios(bugey, 0.1, 20);
  EXPECT_GT(b.chi2, 12.63 - 4);
  // Daya Bay constrains sin²2θ14 below ~0.01 near Δm² = 0.003 eV², where the sterile
  // oscillation beats against θ13 (Δχ² > 9 at sin²2θ = 0.05).
  EXPECT_GT(dayabay.chi2(params(0.05, 3e-3)) - 44.69, 9);
}

TEST(FarNear, AveragedOscillationCancelsInTheFreeNormalisation) {
  // A uniform deficit is absorbed by k; what is left is |Ue4|² scaling the (tiny, at 15–40 m)
  // θ13 term by cos⁴θ14.
  const far_near::Ratios bugey(config(far_near::bugey3_setup()));
  EXPECT_NEAR(bugey.chi2(params(0.1, 1e4)), bugey.chi2(kNoSterile), 1e-5);
  EXPECT_NEAR(bugey.chi2(params(0.1, 0)), bugey.chi2(kNoSterile), 1e-3);
}

TEST(FarNear, FreeNormalisationsAreTheMinimumOfFixedOnes) {
  const auto setup = far_near::dayabay_setup();
  const far_near::Ratios free(config(setup));
  std::vector<double> k(2);
  const double best = free.chi2(params(0.05, 0.01), k);
  auto fixed_config = config(setup);
  fixed_config.options.fixed_norms = k;
  EXPECT_NEAR(far_near::Ratios(fixed_config).chi2(params(0.05, 0.01)), best, 1e-8);
  for (double shift : {-1e-3, 1e-3}) {
    fixed_config.options.fixed_norms = {k[0] + shift, k[1]};
    EXPECT_GT(far_near::Ratios(fixed_config).chi2(params(0.05, 0.01)), best);
    fixed_config.options.fixed_norms = {k[0], k[1] + shift};
    EXPECT_GT(far_near::Ratios(fixed_config).chi2(params(0.05, 0.01)), best);
  }
  // The fitted k are the far/near rate ratios of the data (EH2/EH1 ≈ 0.94, EH3/EH1 ≈ 0.29).
  EXPECT_NEAR(k[0], 0.937, 0.01);
  EXPECT_NEAR(k[1], 0.292, 0.01);
}

TEST(FarNear, BaselinesAreTheDocumentedOnes) {
  // Daya Bay 1/L²-weighted mean baselines per hall from the AD–core table.
  const far_near::Ratios r(config(far_near::dayabay_setup()));
  EXPECT_NEAR(r.mean_baseline(0), 494.0, 0.5);
  EXPECT_NEAR(r.mean_baseline(1), 556.3, 0.5);
  EXPECT_NEAR(r.mean_baseline(2), 1630.1, 0.5);
}

// Finite over a Δm² scan for every far/near experiment (timing: bench/global_speed).
TEST(FarNear, EvaluationIsFiniteOverAScan) {
  for (const char* name : {"dayabay", "doublechooz", "reno", "bugey3"}) {
    const ModelOptions none({}, "data");
    const auto e = std::string(name) == "dayabay"       ? make_dayabay_experiment(none)
                   : std::string(name) == "doublechooz" ? make_doublechooz_experiment(none)
                   : std::string(name) == "reno"        ? make_reno_experiment(none)
                                                        : make_bugey3_experiment(none);
    double chi2 = 0;
    for (int i = 0; i < 1000; ++i) {
      EXPECT_TRUE(std::isfinite(e->loglike(params(0.05, 0.01 + 0.01 * i), chi2))) << name << i;
      EXPECT_GE(chi2, 0) << name << i;
    }
  }
}

// ---- inputs -------------------------------------------------------------------------------------

namespace {

class DayaBayInputs : public nubayes::testing::InputsCopy {
protected:
  DayaBayInputs() : InputsCopy("reactor/dayabay") {}
  void load() const override {
    far_near::Config c{far_near::dayabay_setup(), {}};
    c.options.inputs = root;
    far_near::Ratios r(c);
  }
  void expect_rejected(const std::string& file, const std::string& needle) {
    expect_load_error({(dir / file).string(), needle});
  }
};

constexpr const char* kRatios = "dayabay_EH2EH1_EH3EH1_ratios_transcribed.txt";
constexpr const char* kCovariance = "dayabay_ratios_inverse_covariance_transcribed.txt";

} // namespace

TEST_F(DayaBayInputs, GarbledRatioTable) {
  edit_line(kRatios, 8, "0.70 1.30 0.926932 0.00868 0.288691"); // first data line
  expect_rejected(kRatios, ":8: expected 6 numbers, found 5");
  edit_line(kRatios, 8, "0.70 1.30 0.926932 0.00868 -0.288691 0.00367");
  expect_rejected(kRatios, "row 1: the ratio must be > 0");
  edit_line(kRatios, 8, "0.70 1.35 0.926932 0.00868 0.288691 0.00367");
  expect_rejected(kRatios, "row 2: bins must be contiguous");
  edit_line(kRatios, 8, "# gone");
  expect_rejected(kRatios, "expected 26 rows, found 25");
}

TEST_F(DayaBayInputs, GarbledInverseCovariance) {
  edit_line(kCovariance, 4, "1 2 3");
  expect_rejected(kCovariance, ":4: expected 52 numbers, found 3");
  fs::remove(dir / kCovariance);
  expect_rejected(kCovariance, "file not found");
}

TEST_F(DayaBayInputs, MissingFileIsAnOptionErrorOfTheExperimentList) {
  fs::remove(dir / kRatios);
  ::setenv("NUBAYES_INPUTS", root.c_str(), 1);
  try {
    make_dayabay_experiment(ModelOptions({}, "data"));
    ADD_FAILURE() << "no exception";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "experiments");
    EXPECT_EQ(e.section(), "data");
    EXPECT_NE(
        std::string(e.what()).find("dayabay: " + (dir / kRatios).string() + ": file not found"),
        std::string::npos)
        << e.what();
  }
  ::unsetenv("NUBAYES_INPUTS");
}

// ---- [data] options -----------------------------------------------------------------------------

namespace {

void expect_option_error(const std::map<std::string, std::string>& keys, const std::string& key,
                         const std::string& needle) {
  expect_data_option_error([](const ModelOptions& o) { return make_dayabay_experiment(o); }, keys,
                           key, needle);
}

} // namespace

TEST(FarNearOptions, BadValuesNameTheKey) {
  expect_option_error({{"dayabay_normalisation", "0.93"}}, "dayabay_normalisation",
                      "expected 'free' or 2 positive number(s)");
  expect_option_error({{"dayabay_normalisation", "0.93,-1"}}, "dayabay_normalisation", "'-1'");
  expect_option_error({{"dayabay_normalisation", "free,0.3"}}, "dayabay_normalisation",
                      "'free' applies to all ratios or none");
  expect_option_error({{"dayabay_sin2_2theta13", "0.6"}}, "dayabay_sin2_2theta13",
                      "outside the allowed range");
}

TEST(FarNearOptions, DefaultsAreResolvedAndOptionsReachTheLikelihood) {
  const ModelOptions none({}, "data");
  const auto plain = make_dayabay_experiment(none);
  EXPECT_EQ(plain->name(), "dayabay");
  EXPECT_EQ(none.resolved().at("dayabay_normalisation"), "free");
  EXPECT_DOUBLE_EQ(std::stod(none.resolved().at("dayabay_sin2_2theta13")), 0.0856);
  double chi2 = 0;
  plain->loglike(kNoSterile, chi2);
  EXPECT_NEAR(chi2, 44.69, 0.01);
  const auto fixed =
      make_dayabay_experiment(ModelOptions({{"dayabay_normalisation", "0.937, 0.292"}}, "data"));
  EXPECT_NE(fixed->fingerprint(), plain->fingerprint());
  fixed->loglike(kNoSterile, chi2);
  EXPECT_GT(chi2, 44.69);
  const auto t13 =
      make_dayabay_experiment(ModelOptions({{"dayabay_sin2_2theta13", "0.0775"}}, "data"));
  t13->loglike(kNoSterile, chi2);
  EXPECT_NEAR(chi2, 43.51, 0.02);
  for (const char* name : {"doublechooz", "reno", "bugey3"}) {
    const ModelOptions o({{std::string(name) + "_normalisation", "0.3"}}, "data");
    const auto e = std::string(name) == "doublechooz" ? make_doublechooz_experiment(o)
                   : std::string(name) == "reno"      ? make_reno_experiment(o)
                                                      : make_bugey3_experiment(o);
    EXPECT_EQ(e->name(), name);
    EXPECT_NE(e->fingerprint().find("normalisation=0.3"), std::string::npos) << e->fingerprint();
  }
}

TEST(FarNear, AllReactorRatiosTogetherInTheSterileLikelihood) {
  // Every reactor experiment in one 3+1 likelihood: the names reach make_sterile3p1, and the sum
  // is finite over a Δm² scan (timing: bench/global_speed).
  const ModelOptions data(
      {{"experiments", "danss, neos, prospect, dayabay, doublechooz, reno, bugey3"}}, "data");
  const SterileSetup s = make_sterile3p1(data, {});
  EXPECT_EQ(s.likelihood->term_names(),
            (std::vector<std::string>{"danss", "neos", "prospect", "dayabay", "doublechooz", "reno",
                                      "bugey3"}));
  std::vector<double> terms(7), derived(3);
  for (int i = 0; i < 1000; i += 7) {
    const std::vector<double> theta{0.05 + 0.01 * i, 0.01, 1e-3, 0};
    EXPECT_TRUE(std::isfinite(s.likelihood->evaluate(theta, terms, derived))) << i;
  }
}

TEST(FarNear, GridsAreConverged) {
  // Halving the L/E grid and the E_ν quadrature steps moves no χ² by more than 0.005 (Daya Bay
  // at the sterile–θ13 beat and above, Bugey-3 in its oscillating range). (Before the E_ν step
  // was tied to the grid, Daya Bay at 1.5 eV² moved by 4.4 here: the E_ν comb aliased.)
  const std::vector<sterile3p1::Params> points{kNoSterile, params(0.05, 3e-3), params(0.1, 0.3),
                                               params(0.1, 1.5), params(0.2, 8)};
  for (auto setup : {far_near::dayabay_setup(), far_near::bugey3_setup()}) {
    const far_near::Ratios coarse(config(setup));
    setup.grid_step /= 2;
    setup.inverse_step /= 2;
    const far_near::Ratios fine(config(setup));
    for (const auto& p : points)
      EXPECT_NEAR(coarse.chi2(p), fine.chi2(p), 5e-3) << setup.name << " dm2 " << p.dm2_41;
  }
}
