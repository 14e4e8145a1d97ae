// Daya Bay per-hall spectra (`dayabay_method = spectra`, arXiv:1610.04802 release): our survival
// probabilities against the release's own 3ν prediction, θ13 from the relative spectra against
// the published value, the 3+1 χ², the input checks and the option.
#include "dayabay_spectra.h"
#include "far_near.h"
#include "inputs_copy.h"
#include "model_options.h"
#include "sterile3p1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace nubayes;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

dayabay_spectra::Options options(double sin2_2theta13 = 0.0856, double dm2_ee = 2.52e-3) {
  dayabay_spectra::Options o;
  o.inputs = kInputs;
  o.three.sin2_2theta13 = sin2_2theta13;
  o.three.dm2_ee = dm2_ee;
  return o;
}

sterile3p1::Params params(double sin2_2theta, double dm2) {
  return {dm2, 0.5 * (1 - std::sqrt(1 - sin2_2theta)), 0, 0};
}

const sterile3p1::Params kNoSterile = params(0, 1);

} // namespace

TEST(DayaBaySpectra, SurvivalMatchesTheReleasesThreeNeutrinoPrediction) {
  // The release gives each hall's prediction at the collaboration's 3ν best fit (sin²2θ13 =
  // 0.0841, |Δm²ee| = 2.50e-3 eV²) and without oscillation; their ratio is ⟨P_ee⟩ per bin. Ours
  // (8 ADs × 6 cores, Gaussian resolution) agrees within 0.12 % above 1.7 MeV in every hall,
  // 0.35 % in 1.3–1.7 MeV and 1.1 % in the 0.7–1.3 MeV bin (energy non-linearity and the IBD
  // threshold, not modelled).
  const dayabay_spectra::Relative r(options(0.0841, 2.50e-3));
  std::vector<double> events(dayabay_spectra::kHalls * dayabay_spectra::kBins);
  r.predict(kNoSterile, events);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const double q = events[i] / r.release_best_fit()[i];
    const std::size_t bin = i % dayabay_spectra::kBins;
    EXPECT_NEAR(q, 1.0, bin == 0 ? 0.011 : bin < 3 ? 0.0035 : 0.0012) << "row " << i;
  }
}

TEST(DayaBaySpectra, RelativeSpectraGiveTheta13) {
  // Published (PRD 95 (2017) 072006, 1230 days): sin²2θ13 = 0.0841 ± 0.0033. From the relative
  // spectra (statistical errors, any reactor spectrum): 0.0845, χ² 50.82 / 105 bins (70
  // independent); 51.00 at the default 0.0856.
  double best = INFINITY, at = 0;
  for (int i = 0; i <= 60; ++i) {
    const double t = 0.06 + 0.0005 * i;
    const double c = dayabay_spectra::Relative(options(t)).chi2(kNoSterile);
    if (c < best) {
      best = c;
      at = t;
    }
  }
  EXPECT_NEAR(at, 0.0845, 0.0006);
  EXPECT_NEAR(best, 50.82, 0.02);
  EXPECT_NEAR(dayabay_spectra::Relative(options()).chi2(kNoSterile), 51.00, 0.02);
}

TEST(DayaBaySpectra, NoSterilePreference) {
  // Daya Bay found no sterile signal: the scan minimum is within Δχ² < 2 of 3ν; the sterile–θ13
  // beat region is excluded (sin²2θ14 = 0.05 at 3e-3 eV²: Δχ² > 25).
  const dayabay_spectra::Relative d(options());
  double best = INFINITY;
  for (int i = 0; i < 100; ++i) {
    const double dm2 = 1e-3 * std::pow(1e4, i / 99.0);
    for (int j = 0; j <= 30; ++j)
      best = std::min(best, d.chi2(params(0.01 * j, dm2)));
  }
  EXPECT_GT(best, 51.00 - 2);
  EXPECT_GT(d.chi2(params(0.05, 3e-3)) - 51.00, 25);
}

// Finite over a Δm² scan (timing: bench/global_speed).
TEST(DayaBaySpectra, EvaluationIsFiniteOverAScan) {
  const auto e = make_dayabay_experiment(ModelOptions({{"dayabay_method", "spectra"}}, "data"));
  double chi2 = 0;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(std::isfinite(e->loglike(params(0.05, 0.01 + 0.01 * i), chi2))) << i;
    EXPECT_GE(chi2, 0) << i;
  }
}

// ---- inputs and option --------------------------------------------------------------------------

namespace {

class DayaBaySpectraInputs : public nubayes::testing::InputsCopy {
protected:
  DayaBaySpectraInputs() : InputsCopy("reactor/dayabay") {}
  void load() const override {
    dayabay_spectra::Options o;
    o.inputs = root;
    dayabay_spectra::Relative r(o);
  }
  void expect_rejected(const std::string& file, const std::string& needle) {
    expect_load_error({(dir / file).string(), needle});
  }
};

} // namespace

TEST_F(DayaBaySpectraInputs, GarbledHallFiles) {
  edit_line("DataEH2.dat", 3, "1.50,1.70,1.60,40024,39816.93");
  expect_rejected("DataEH2.dat", ":3: expected 12 numbers, found 5");
  edit_line("DataEH2.dat", 3, "1.55,1.70,1.60,34000,33800,34700,1600,1500,12,26,61,22");
  expect_rejected("DataEH2.dat", "row 3: bin edges differ from DataEH1.dat");
  edit_line("DataEH2.dat", 3, "1.50,1.70,1.60,34000,33800,1000,1600,1500,12,26,61,22");
  expect_rejected("DataEH2.dat", "row 3: predictions must exceed the background");
  edit_line("DataEH2.dat", 3, "1.50,1.70,1.60,34000,33800,34700,1600,1500,12,26,61,22");
  fs::remove(dir / "DataEH3.dat");
  expect_rejected("DataEH3.dat", "file not found");
}

TEST(DayaBaySpectraOptions, MethodOption) {
  const ModelOptions none({}, "data");
  const auto ratios = make_dayabay_experiment(none);
  EXPECT_EQ(none.resolved().at("dayabay_method"), "ratios");
  const auto spectra =
      make_dayabay_experiment(ModelOptions({{"dayabay_method", "spectra"}}, "data"));
  EXPECT_EQ(spectra->name(), "dayabay");
  EXPECT_NE(spectra->fingerprint().find("spectra"), std::string::npos);
  double chi2 = 0;
  spectra->loglike(kNoSterile, chi2);
  EXPECT_NEAR(chi2, 51.00, 0.02);
  try {
    make_dayabay_experiment(ModelOptions({{"dayabay_method", "both"}}, "data"));
    ADD_FAILURE() << "no exception";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), "dayabay_method");
    EXPECT_NE(std::string(e.what()).find("expected 'ratios' or 'spectra'"), std::string::npos);
  }
}
