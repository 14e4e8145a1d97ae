#include "miniboone_efficiency.h"

#include "miniboone_geometry.h"
#include "miniboone_tables.h"

#include <algorithm>
#include <cmath>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

std::string_view efficiency_table_name(EfficiencyTable table) {
  return table == EfficiencyTable::electron_photon_2012 ? "eg-2012" : "nue-ccqe-patterson";
}

Efficiency::Efficiency(EfficiencyTable table, const fs::path& inputs) : table_(table) {
  const fs::path dir = inputs / "miniboone" / "efficiency";
  const bool eg = table == EfficiencyTable::electron_photon_2012;
  // eg_effs.dat: energy [MeV], efficiency, systematic error; nueCCQE_final_eff.dat: energy, eff.
  const fs::path path = dir / (eg ? "eg_effs.dat" : "nueCCQE_final_eff.dat");
  const Table rows = eg ? read_rows(path, 16, 3) : read_rows(path, 15, 2);
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    const auto row = rows.row(r);
    if (r > 0 && !(row[0] > energy_.back() * 1e3)) fail_row(path, r, "energies must increase");
    if (!(row[1] >= 0 && row[1] <= 1)) fail_row(path, r, "efficiency outside [0, 1]");
    energy_.push_back(row[0] * 1e-3);
    value_.push_back(row[1]);
  }
}

double Efficiency::operator()(double energy_gev) const {
  if (table_ == EfficiencyTable::electron_photon_2012) {
    // nearest tabulated energy: bin boundaries half-way between the tabulated centres
    std::size_t i = 0;
    while (i + 1 < energy_.size() && energy_gev >= 0.5 * (energy_[i] + energy_[i + 1]))
      ++i;
    return value_[i];
  }
  if (energy_gev <= energy_.front()) return value_.front();
  if (energy_gev >= energy_.back()) return value_.back();
  const auto hi = static_cast<std::size_t>(
      std::upper_bound(energy_.begin(), energy_.end(), energy_gev) - energy_.begin());
  const double t = (energy_gev - energy_[hi - 1]) / (energy_[hi] - energy_[hi - 1]);
  return value_[hi - 1] + t * (value_[hi] - value_[hi - 1]);
}

double Efficiency::in_fiducial(double energy_gev) const {
  const double eff = (*this)(energy_gev);
  if (table_ == EfficiencyTable::nue_ccqe_patterson) return eff;
  return eff / std::pow(kFiducialRadiusM / kTankRadiusM, 3);
}

} // namespace nubayes::miniboone
