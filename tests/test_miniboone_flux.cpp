// BNB flux tables at MiniBooNE (inputs/miniboone/flux/): the reader against the files' first and
// last rows, the integrated fluxes against those stated in the data provenance
// (shared data README §3, from the official release tables), the event-count integral against
// hand integrations, and one-line errors on garbled files.
#include "inputs_copy.h"
#include "miniboone_flux.h"
#include "miniboone_geometry.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace nubayes::miniboone;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

const BnbFlux& fhc() {
  static const BnbFlux flux(HornMode::fhc, kInputs);
  return flux;
}
const BnbFlux& rhc() {
  static const BnbFlux flux(HornMode::rhc, kInputs);
  return flux;
}

} // namespace

TEST(MiniBooNEFlux, FirstAndLastRows) {
  // MiniBooNE_nu_mode_flux.dat, first row " 0.00  0.05  2.272e-12  2.560e-12  1.530e-14  5.047e-15"
  EXPECT_EQ(fhc().bins(), 200u);
  EXPECT_EQ(fhc().low_edge(0), 0.0);
  EXPECT_EQ(fhc().high_edge(0), 0.05);
  EXPECT_EQ(fhc().per_bin(Flavour::numu, 0), 2.272e-12);
  EXPECT_EQ(fhc().per_bin(Flavour::numubar, 0), 2.560e-12);
  EXPECT_EQ(fhc().per_bin(Flavour::nue, 0), 1.530e-14);
  EXPECT_EQ(fhc().per_bin(Flavour::nuebar, 0), 5.047e-15);
  // last row " 9.95 10.00  0 0 0 0"
  EXPECT_EQ(fhc().low_edge(199), 9.95);
  EXPECT_EQ(fhc().high_edge(199), 10.0);
  EXPECT_EQ(fhc().per_bin(Flavour::numu, 199), 0.0);
  // MiniBooNE_nubar_mode_flux.dat, second row " 0.05
  // 0.10  5.903e-12  7.840e-12  1.847e-14  4.476e-14"
  EXPECT_EQ(rhc().per_bin(Flavour::numu, 1), 5.903e-12);
  EXPECT_EQ(rhc().per_bin(Flavour::numubar, 1), 7.840e-12);
  EXPECT_EQ(rhc().per_bin(Flavour::nuebar, 1), 4.476e-14);
  // the density is per GeV: 2.272e-12 per 50 MeV = 4.544e-11 per GeV
  EXPECT_NEAR(fhc().density(Flavour::numu, 0.01), 4.544e-11, 1e-24);
  EXPECT_EQ(fhc().density(Flavour::numu, 10.5), 0.0);
}

TEST(MiniBooNEFlux, IntegralsAsStatedInTheProvenance) {
  // shared/data README §3 (official release tables, ν/cm²/POT, 3 significant figures):
  // FHC νμ 5.19e-10, ν̄μ 3.26e-11, νe 2.87e-12, ν̄e 3.00e-13;
  // RHC νμ 5.42e-11, ν̄μ 2.93e-10, νe 6.71e-13, ν̄e 1.27e-12.
  const double tolerance = 0.0051; // half a unit in the third figure, relative
  EXPECT_NEAR(fhc().integral(Flavour::numu) / 5.19e-10, 1, tolerance);
  EXPECT_NEAR(fhc().integral(Flavour::numubar) / 3.26e-11, 1, tolerance);
  EXPECT_NEAR(fhc().integral(Flavour::nue) / 2.87e-12, 1, tolerance);
  EXPECT_NEAR(fhc().integral(Flavour::nuebar) / 3.00e-13, 1, tolerance);
  EXPECT_NEAR(rhc().integral(Flavour::numu) / 5.42e-11, 1, tolerance);
  EXPECT_NEAR(rhc().integral(Flavour::numubar) / 2.93e-10, 1, tolerance);
  EXPECT_NEAR(rhc().integral(Flavour::nue) / 6.71e-13, 1, tolerance);
  EXPECT_NEAR(rhc().integral(Flavour::nuebar) / 1.27e-12, 1, tolerance);
  // partial bins pro rata: [0.025, 0.075] is half of bin 1 and half of bin 2 (by hand)
  EXPECT_NEAR(fhc().integral(Flavour::numu, 0.025, 0.075), 0.5 * (2.272e-12 + 8.566e-12), 1e-25);
}

TEST(MiniBooNEFlux, ExpectedEventsIsPotTimesTargetsTimesFoldedFlux) {
  const double pot = kPot2018Nu, targets = ch2_targets().carbon_nuclei;
  // constant σ: events = POT · N · σ · ∫Φ
  const double sigma0 = 1e-39;
  EXPECT_NEAR(fhc().expected_events(Flavour::numu, pot, targets, [&](double) { return sigma0; }) /
                  (pot * targets * sigma0 * fhc().integral(Flavour::numu)),
              1, 1e-12);
  // σ ∝ E²: per bin ∫ E² dE / ΔE = (hi³ − lo³)/(3ΔE) — hand integration of the histogram
  double by_hand = 0;
  for (std::size_t b = 0; b < fhc().bins(); ++b) {
    const double lo = fhc().low_edge(b), hi = fhc().high_edge(b);
    by_hand += fhc().per_bin(Flavour::numubar, b) * (hi * hi * hi - lo * lo * lo) / (3 * (hi - lo));
  }
  by_hand *= pot * targets * sigma0;
  EXPECT_NEAR(fhc().expected_events(
                  Flavour::numubar, pot, targets, [&](double e) { return sigma0 * e * e; }, 2) /
                  by_hand,
              1, 1e-12);
  // a step in σ at 1 GeV (a bin edge): only the flux above 1 GeV counts
  EXPECT_NEAR(
      fhc().expected_events(Flavour::numu, 1, 1, [](double e) { return e > 1 ? 1.0 : 0.0; }) /
          fhc().integral(Flavour::numu, 1.0),
      1, 1e-12);
}

// ---- garbled files ------------------------------------------------------------------------------

class MiniBooNEFluxFiles : public nubayes::testing::InputsCopy {
protected:
  MiniBooNEFluxFiles() : InputsCopy("miniboone/flux") {}
  void load() const override { BnbFlux(HornMode::fhc, root); }
  const std::string file = "MiniBooNE_nu_mode_flux.dat";
};

TEST_F(MiniBooNEFluxFiles, GarbledNumberNamesFileAndLine) {
  edit_line(file, 11, " 0.05  0.10  8.566e-12  5.671e-1x  5.722e-14  1.156e-14");
  expect_load_error({file + ":11:", "not a number", "5.671e-1x"});
}

TEST_F(MiniBooNEFluxFiles, MissingColumn) {
  edit_line(file, 12, " 0.10  0.15  1.112e-11  3.300e-12  1.273e-13");
  expect_load_error({file + ":12:", "expected 6 numbers, found 5"});
}

TEST_F(MiniBooNEFluxFiles, GapInTheBinEdges) {
  edit_line(file, 12, " 0.11  0.15  1.112e-11  3.300e-12  1.273e-13  1.705e-14");
  expect_load_error({file + ":12:", "not contiguous"});
}

TEST_F(MiniBooNEFluxFiles, NegativeFlux) {
  edit_line(file, 13, " 0.15  0.20  -1.335e-11  2.028e-12  1.231e-13  1.529e-14");
  expect_load_error({file + ":13:", "negative flux"});
}

TEST_F(MiniBooNEFluxFiles, MissingRowOrFile) {
  edit_line(file, 209, "");
  expect_load_error({file, "expected 200 rows, found 199"});
  std::filesystem::remove(dir / file);
  expect_load_error({file, "file not found"});
}
