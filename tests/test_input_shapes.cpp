// Every experiment checks the shape of what it reads against what it expects: a truncated input
// (here with the sha256 check turned off, as with [data] allow_modified_inputs = true) is one
// line naming the file, the expected and the found count (table_reader.h: expect_rows).
#include "danss.h"
#include "dayabay_spectra.h"
#include "icecube.h"
#include "icecube_events.h"
#include "icecube_table.h"
#include "inputs_copy.h"
#include "lsnd.h"
#include "miniboone.h"
#include "miniboone_disappearance.h"

#include <gtest/gtest.h>
#include <string>

using nubayes::testing::InputsCopy;
namespace nb = nubayes;

namespace {

class MiniBooNE2018Nu : public InputsCopy {
protected:
  MiniBooNE2018Nu() : InputsCopy("miniboone/2018/fhc") {}
  void load() const override {
    nb::miniboone::Appearance(nb::miniboone::Options{.sample = nb::miniboone::Sample::nu2018, .inputs = root});
  }
};

class IceCubeEvents : public InputsCopy {
protected:
  IceCubeEvents() : InputsCopy("icecube/IC86_2011_1605.01990") {}
  void load() const override { nb::icecube::Events(nb::icecube::EventsOptions{.inputs = root, .oversampling = 1}); }
};

class IceCubeTable : public InputsCopy {
protected:
  IceCubeTable() : InputsCopy("icecube/8yr_2005.12942") {}
  void load() const override { nb::icecube::LlhTable(root / nb::icecube::kLlhFile); }
};

class Danss : public InputsCopy {
protected:
  Danss() : InputsCopy("reactor/danss") {}
  void load() const override { nb::danss::Ratio(nb::danss::Options{.inputs = root}); }
};

class Lsnd : public InputsCopy {
protected:
  Lsnd() : InputsCopy("lsnd") {}
  void load() const override { nb::lsnd::Lsnd(nb::lsnd::Options{.inputs = root}); }
};

class MiniBooNEDisappearance : public InputsCopy {
protected:
  MiniBooNEDisappearance() : InputsCopy("numu/miniboone_2009/fhc") {}
  void load() const override { nb::miniboone_disapp::Surface(dir / "numu_chi2.txt"); }
};

class DayaBay : public InputsCopy {
protected:
  DayaBay() : InputsCopy("reactor/dayabay") {}
  void load() const override {
    nb::dayabay_spectra::Options o;
    o.inputs = root;
    nb::dayabay_spectra::Relative r(o);
  }
};

} // namespace

TEST_F(MiniBooNE2018Nu, TruncatedNtuple) {
  truncate("miniboone_numunuefullosc_ntuple.txt", 1);
  expect_load_error({(dir / "miniboone_numunuefullosc_ntuple.txt").string() + ": expected 17204 events, found 17203"});
}

TEST_F(IceCubeEvents, TruncatedEventList) {
  truncate("observed_events.dat", 5);
  expect_load_error({(dir / "observed_events.dat").string() + ": expected 20145 events, found 20140"});
}

TEST_F(IceCubeTable, TruncatedLikelihoodTable) {
  truncate("2DLLHValues.txt", 1); // a sparse row: the grid alone would not notice
  expect_load_error({(dir / "2DLLHValues.txt").string() + ": expected 4786 points, found 4785"});
}

TEST_F(Danss, TruncatedResolutionTable) {
  truncate("danss-eres-1412.0817.dat", 4); // the file ends in 3 blank lines
  expect_load_error({(dir / "danss-eres-1412.0817.dat").string() + ": expected 49 rows, found 48"});
}

TEST_F(Lsnd, TruncatedFluxTable) {
  truncate("DIF_mubar.dat", 3);
  expect_load_error({(dir / "DIF_mubar.dat").string() + ": expected 250 rows, found 247"});
}

TEST_F(MiniBooNEDisappearance, SurfaceMissingAWholeDm2Row) {
  truncate("numu_chi2.txt", 120); // still a complete grid, one dm2 short
  expect_load_error({(dir / "numu_chi2.txt").string() + ": expected 120 dm2 values, found 119"});
}

TEST_F(DayaBay, TruncatedHallSpectrum) {
  truncate("DataEH1.dat", 1);
  expect_load_error({(dir / "DataEH1.dat").string() + ": expected 35 rows, found 34"});
}
