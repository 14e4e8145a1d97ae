#pragma once
// MiniBooNE selection efficiency for a single electron-like shower (inputs/miniboone/efficiency/,
// see its MANIFEST.md). Two tables, both as a function of the shower energy:
//  * electron_photon_2012: the official 2012 data release's γ/e efficiency of the νe selection vs
//    generated energy (eg_effs.dat, 16 bins of 100–200 MeV; bin i is "nearest tabulated energy",
//    as mhostert/MiniBooNE-DarkNews reads it). Generated means throughout the 610.6 cm tank, so it
//    contains the fiducial cut (R < 5 m: (5/6.1)³ = 55 % of the volume).
//  * nue_ccqe_patterson: the final νe CCQE selection efficiency digitised from R. Patterson's PhD
//    thesis (nueCCQE_final_eff.dat, 15 points, 100–2900 MeV), linearly interpolated, for events
//    already inside the fiducial volume.
// Outside the tables both are held at their end values.
#include "table_reader.h"

#include <filesystem>
#include <string_view>
#include <vector>

namespace nubayes::miniboone {

enum class EfficiencyTable { electron_photon_2012, nue_ccqe_patterson };

std::string_view efficiency_table_name(EfficiencyTable table); ///< "eg-2012", "nue-ccqe-patterson"

class Efficiency {
public:
  /// Throws std::runtime_error naming the file (and line) on a missing/garbled file, energies not
  /// increasing, or an efficiency outside [0, 1].
  Efficiency(EfficiencyTable table, const std::filesystem::path& inputs = inputs_dir());

  EfficiencyTable table() const { return table_; }
  /// The tabulated efficiency at shower energy `energy_gev` [GeV].
  double operator()(double energy_gev) const;
  /// The efficiency for a shower that already passed the fiducial requirement (its decay point
  /// is inside R < 5 m): the eg-2012 table divided by the fiducial volume fraction (5/6.1)³
  /// (the FIDUCIAL_MASS_CORRECTION of MiniBooNE-DarkNews), the Patterson table as it is.
  double in_fiducial(double energy_gev) const;

  const std::vector<double>& energies_gev() const { return energy_; }
  const std::vector<double>& values() const { return value_; }

private:
  EfficiencyTable table_;
  std::vector<double> energy_, value_;
};

} // namespace nubayes::miniboone
