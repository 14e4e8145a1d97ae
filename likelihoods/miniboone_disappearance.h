#pragma once
// MiniBooNE νμ and ν̄μ disappearance, the 3+1 experiment `miniboone-disapp`. Inputs and
// provenance: inputs/numu/miniboone_2009/MANIFEST.md.
//
// The 2009 MiniBooNE-only analysis (PRL 103 (2009) 061802, arXiv:0903.2465; 16 bins of E_ν^QE,
// shape-only covariance) released its χ² surfaces over (Δm², sin²2θμμ), 120 × 120 log-spaced
// points on 0.1–100 eV² × 0.01–1 for each of ν mode (numu_chi2) and ν̄ mode (numubar_chi2). The
// event ntuples are not public, so the surfaces are the likelihood: χ² is interpolated
// bilinearly in (ln Δm², ln sin²2θμμ), exact on the grid points, with sin²2θμμ = 4|U_μ4|²(1 − |U_μ4|²)
// (ν and ν̄ alike, no CP violation in 3+1 at short baselines). Outside the grid:
//   sin²2θ < 0.01: linear in sin²2θ between the no-oscillation value (sin²2θ = 0) and the
//     grid's first column (χ² is smooth in the prediction, which is linear in sin²2θ);
//   Δm² < 0.1 eV²: χ²_null + (χ²(0.1 eV², s) − χ²_null) (Δm²/0.1)² (the oscillation phase at
//     L/E ≲ 2.7 km/GeV is small: the deficit grows as (Δm²)², and so does its first-order χ²
//     change; the whole change at 0.1 eV² is ≤ 0.14);
//   Δm² > 100 eV²: clamped (oscillations averaged).
// χ²_null is the surface's value at its no-oscillation corner (0.1 eV², 0.01): 17.78 (ν), 10.29
// (ν̄), the papers' null χ² for 16 bins.
//
// [data] miniboone_disapp picks the data: `2009` (default) adds the ν and ν̄ surfaces (the two
// data sets are independent samples; their shared flux and cross-section systematics are not in
// the release, so the sum ignores that correlation), `2009-nu` or `2009-nubar` one of them.
// ln L = −χ²/2.
//
// Validation (tests/test_miniboone_disappearance.cpp): minima 12.72 at (17.5 eV², 0.156) (ν) and
// 5.43 at (31.3 eV², 0.96) (ν̄); null 17.78 / 10.29 (notes §9.4).
//
// Evaluation is const and allocation-free (safe to share between threads).
#include "model_options.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::miniboone_disapp {

/// An official χ² surface over (Δm² [eV²], sin²2θμμ).
class Surface {
public:
  /// Reads `Δm² sin²2θ χ²` rows: a complete grid, Δm² the slow index, both axes increasing and
  /// positive, χ² >= 0. Errors name the file and line.
  explicit Surface(const std::filesystem::path& path);
  double chi2(double dm2, double sin2_2theta) const;
  double null_chi2() const { return values_.front(); }
  std::span<const double> dm2() const { return dm2_; }
  std::span<const double> sin2_2theta() const { return s_; }
  std::span<const double> values() const { return values_; } ///< [i_dm2 × n_s + i_s]
  std::uint64_t hash() const { return hash_; }

private:
  std::vector<double> dm2_, s_, log_dm2_, log_s_, values_;
  std::uint64_t hash_ = 0;
};

enum class Release { both_2009, nu_2009, nubar_2009 };
/// "2009", "2009-nu", "2009-nubar"; std::invalid_argument otherwise.
Release parse_release(const std::string& text);
std::string release_text(Release release);

struct Options {
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding numu/miniboone_2009/
  Release release = Release::both_2009;
};

/// Reads [data] miniboone_disapp; throws OptionError naming the key.
Options options_from(const ModelOptions& data);

class Disappearance {
public:
  explicit Disappearance(const Options& options);
  double chi2(const sterile3p1::Params& p) const;
  const Surface* nu() const { return nu_.get(); }
  const Surface* nubar() const { return nubar_.get(); }
  std::string fingerprint() const;

private:
  Options options_;
  std::shared_ptr<const Surface> nu_, nubar_;
};

} // namespace nubayes::miniboone_disapp

namespace nubayes {

/// The `miniboone-disapp` experiment: ln L = −χ²/2.
std::unique_ptr<Experiment> make_miniboone_disapp_experiment(const ModelOptions& data);

} // namespace nubayes
