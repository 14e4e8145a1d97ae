// Detector-side MiniBooNE inputs: the efficiency tables and the digitised 2018/2020 excess
// distributions against their files' first and last rows, the digitised totals against the
// official data release, and one-line errors on garbled files.
#include "inputs_copy.h"
#include "miniboone_efficiency.h"
#include "miniboone_excess_shape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

using namespace nubayes::miniboone;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

double total(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

} // namespace

TEST(MiniBooNEEfficiency, ElectronPhotonTableOf2012) {
  // eg_effs.dat: rows (50 MeV, 0.000) … (150, 0.089), (250, 0.135) … (2000, 0.026)
  const Efficiency eff(EfficiencyTable::electron_photon_2012, kInputs);
  ASSERT_EQ(eff.values().size(), 16u);
  EXPECT_EQ(eff.values().front(), 0.0);
  EXPECT_EQ(eff.values().back(), 0.026);
  EXPECT_DOUBLE_EQ(eff.energies_gev().back(), 2.0);
  // nearest tabulated energy: 0.19 GeV is nearer 150 MeV, 0.21 nearer 250 MeV
  EXPECT_EQ(eff(0.19), 0.089);
  EXPECT_EQ(eff(0.21), 0.135);
  EXPECT_EQ(eff(0.05), 0.0);
  EXPECT_EQ(eff(5.0), 0.026); // held at the last value
  // inside the fiducial volume: divided by (5/6.1)³ = 0.5507069 → 0.131 / 0.5507069 = 0.2378761
  EXPECT_NEAR(eff.in_fiducial(0.45), 0.2378761, 1e-7);
}

TEST(MiniBooNEEfficiency, PattersonNueCcqeTable) {
  // nueCCQE_final_eff.dat: first (102.245389 MeV, 0.735721493), second (302.726544, 0.638244198),
  // last (2917.00080, 0.133905146)
  const Efficiency eff(EfficiencyTable::nue_ccqe_patterson, kInputs);
  ASSERT_EQ(eff.values().size(), 15u);
  EXPECT_EQ(eff(0.05), 7.35721493e-1);
  EXPECT_EQ(eff(3.5), 1.33905146e-1);
  // linear between the first two rows, at their midpoint: the mean of the two values
  EXPECT_NEAR(eff(0.5e-3 * (102.245389 + 302.726544)), 0.5 * (0.735721493 + 0.638244198), 1e-12);
  EXPECT_EQ(eff.in_fiducial(0.8), eff(0.8)); // already per fiducial event
}

TEST(MiniBooNEDigitised, CosThetaOf2018) {
  const auto d = load_distribution(Distribution::costheta_nu_2018, kInputs);
  ASSERT_EQ(d.bins(), 10u);
  EXPECT_DOUBLE_EQ(d.edges.front(), -1);
  EXPECT_DOUBLE_EQ(d.edges.back(), 1);
  // costheta_nu_data.dat first/last rows: 51.5381190, 904.088641; bkg 39.8913756, 755.752283
  EXPECT_EQ(d.data.front(), 5.15381190e+1);
  EXPECT_EQ(d.data.back(), 9.04088641e+2);
  EXPECT_EQ(d.background.front(), 3.98913756e+1);
  EXPECT_EQ(d.background.back(), 7.55752283e+2);
  // error: half the bar, (59.5066010 − 44.1825971)/2 = 7.66200195
  EXPECT_NEAR(d.error.front(), 7.66200195, 1e-8);
  // the bars are the data's statistical errors: σ² = d within the digitisation's precision
  for (std::size_t i = 0; i < d.bins(); ++i)
    EXPECT_NEAR(d.error[i] / std::sqrt(d.data[i]), 1, 0.1) << i;
}

TEST(MiniBooNEDigitised, VisibleEnergyOf2018) {
  const auto nu = load_distribution(Distribution::evis_nu_2018, kInputs);
  ASSERT_EQ(nu.bins(), 19u);
  EXPECT_DOUBLE_EQ(nu.edges.front(), 0.1);
  EXPECT_DOUBLE_EQ(nu.edges.back(), 2.0);
  EXPECT_EQ(nu.data.front(), 4.15746421e+2); // Evis_nu_data.dat first/last rows
  EXPECT_EQ(nu.data.back(), 4.29447853e+0);
  EXPECT_EQ(nu.background.back(), 5.93047035e+0);
  const auto nubar = load_distribution(Distribution::evis_nubar_2018, kInputs);
  EXPECT_EQ(nubar.data.front(), 9.31100478e+1); // Evis_nubar_data.dat
  EXPECT_EQ(nubar.background.back(), 1.91387560e+0);
}

TEST(MiniBooNEDigitised, Of2020MatchTheReleaseTotals) {
  const auto cos = load_distribution(Distribution::costheta_nu_2020, kInputs);
  const auto evis = load_distribution(Distribution::evis_nu_2020, kInputs);
  ASSERT_EQ(cos.bins(), 20u);
  ASSERT_EQ(evis.bins(), 23u);
  EXPECT_EQ(cos.data.front(), 3.59192349e+1); // cosTheta_data.dat first/last
  EXPECT_EQ(cos.data.back(), 5.75770457e+2);
  EXPECT_EQ(evis.data.front(), 5.60767739e+0); // Evis_data.dat first/last
  EXPECT_EQ(evis.data.back(), 1.61728302e+0);
  EXPECT_DOUBLE_EQ(evis.edges.front(), 0.1);
  EXPECT_DOUBLE_EQ(evis.edges.back(), 1.25);
  EXPECT_DOUBLE_EQ(evis.error.front(), std::sqrt(5.60767739));
  // Official 2020 release (shared data README §1d), 200 < E_ν^QE < 1250 MeV: 2870 observed,
  // 2322.7 predicted background. The digitised figures of the same selection agree within 1 %.
  EXPECT_NEAR(total(cos.data) / 2870, 1, 0.01);
  EXPECT_NEAR(total(cos.background) / 2322.7, 1, 0.01);
  EXPECT_NEAR(total(evis.data) / 2870, 1, 0.01);
  EXPECT_NEAR(total(evis.background) / 2322.7, 1, 0.01);
}

// ---- garbled files ------------------------------------------------------------------------------

class MiniBooNEEfficiencyFiles : public nubayes::testing::InputsCopy {
protected:
  MiniBooNEEfficiencyFiles() : InputsCopy("miniboone/efficiency") {}
  void load() const override { Efficiency(EfficiencyTable::electron_photon_2012, root); }
};

TEST_F(MiniBooNEEfficiencyFiles, EfficiencyAboveOne) {
  edit_line("eg_effs.dat", 6, "       250          1.135         0.020");
  expect_load_error({"eg_effs.dat:6:", "efficiency outside [0, 1]"});
}

TEST_F(MiniBooNEEfficiencyFiles, EnergiesOutOfOrder) {
  edit_line("eg_effs.dat", 6, "       140          0.135         0.020");
  expect_load_error({"eg_effs.dat:6:", "energies must increase"});
}

TEST_F(MiniBooNEEfficiencyFiles, GarbledAndMissing) {
  edit_line("eg_effs.dat", 5, "       150          0,089         0.013");
  expect_load_error({"eg_effs.dat:5:", "not a number"});
  std::filesystem::remove(dir / "eg_effs.dat");
  expect_load_error({"eg_effs.dat", "file not found"});
}

class MiniBooNEDigitised2018Files : public nubayes::testing::InputsCopy {
protected:
  MiniBooNEDigitised2018Files() : InputsCopy("miniboone/digitized_2018") {}
  void load() const override { load_distribution(Distribution::costheta_nu_2018, root); }
};

TEST_F(MiniBooNEDigitised2018Files, BinCentreOutsideItsBin) {
  edit_line("costheta_nu_data.dat", 2, "-3.98242466e-1 6.37202643e+1");
  expect_load_error({"costheta_nu_data.dat:2:", "outside its bin"});
}

TEST_F(MiniBooNEDigitised2018Files, NegativeCount) {
  edit_line("costheta_nu_data_bkg.dat", 3, "-4.97086885e-1 -5.69006447e+1");
  expect_load_error({"costheta_nu_data_bkg.dat:3:", "negative count"});
}

TEST_F(MiniBooNEDigitised2018Files, InvertedErrorBar) {
  edit_line("costheta_nu_data_uppererror.dat", 4, "-2.98629328e-1 7.00000000e+1");
  expect_load_error({"costheta_nu_data_uppererror.dat:4:", "upper error-bar end below"});
}

TEST_F(MiniBooNEDigitised2018Files, MissingRow) {
  edit_line("costheta_nu_data.dat", 10, "");
  expect_load_error({"costheta_nu_data.dat", "expected 10 rows, found 9"});
}

class MiniBooNEDigitised2020Files : public nubayes::testing::InputsCopy {
protected:
  MiniBooNEDigitised2020Files() : InputsCopy("miniboone/digitized_2020") {}
  void load() const override { load_distribution(Distribution::evis_nu_2020, root); }
};

TEST_F(MiniBooNEDigitised2020Files, EdgesMustIncrease) {
  edit_line("Evis_bin_edges.dat", 3, "0.14");
  expect_load_error({"Evis_bin_edges.dat", "bin edges must increase (entry 3)"});
}

TEST_F(MiniBooNEDigitised2020Files, GarbledCount) {
  edit_line("Evis_data.dat", 2, "1.74289985e+2 2.84410559e+2 7");
  expect_load_error({"Evis_data.dat:2:", "expected 2 numbers, found 3"});
}
