#pragma once
// The 3+1 experiment `icecube`: IceCube's high-energy atmospheric νμ disappearance search. Two
// methods ([data] icecube_method), documented in docs/icecube.md:
//  * table (default): the official eight-year 2ΔLLH surface (arXiv:2005.12942), interpolated;
//    ln L = −½ 2ΔLLH, i.e. 0 at the release's best fit. Fast (sub-µs).
//  * events: the one-year IC86-2011 event release (arXiv:1605.01990) refitted: response array ×
//    Honda–Gaisser flux × P(νμ→νμ) through the Earth (models/earth_propagation.h), Poisson in
//    10 × 21 (E_proxy, cos θ) bins with a profiled normalisation. Slow (milliseconds).
// 3+1 mapping: IceCube takes θ14 = θ34 = 0, so |Uμ4|² = sin²θ24 and the table's
// sin²2θ24 = 4|Uμ4|²(1 − |Uμ4|²) (= sin²2θμμ, the νμ disappearance amplitude, also for θ14 ≠ 0).
#include "model_options.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <filesystem>
#include <memory>
#include <string>

namespace nubayes::icecube {

enum class Method { table, events };

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding icecube/
  Method method = Method::table;
  /// events method: 0 = normalisation free (profiled analytically); σ > 0 = Gaussian prior of
  /// width σ about 1 on the normalisation (profiled numerically).
  double norm_error = 0;
  /// events method: sub-points per bin in E_true and in cos θ for the bin-averaged P(νμ→νμ).
  int oversampling = 2;
  /// events method: prior width of the profiled spectral-index shift (0: none).
  double spectral_index_error = 0.05;
};

/// Reads [data] icecube_method (table) and, for the events method only, icecube_normalisation
/// (free), icecube_spectral_index_error (0.05) and icecube_oversampling (2); throws OptionError
/// naming the key.
Options options_from(const ModelOptions& data);

/// The 2ΔLLH file of the eight-year release, relative to inputs/.
inline constexpr const char* kLlhFile = "icecube/8yr_2005.12942/2DLLHValues.txt";

} // namespace nubayes::icecube

namespace nubayes {

std::unique_ptr<Experiment> make_icecube_experiment(const ModelOptions& data);
/// The same from options already read (tests).
std::unique_ptr<Experiment> make_icecube_experiment(const icecube::Options& options);

} // namespace nubayes
