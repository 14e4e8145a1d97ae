#pragma once
// LSND ν̄μ → ν̄e appearance from μ⁺ decay at rest (LSND, PRD 64, 112007 (2001), hep-ex/0104049),
// in the 11 L/E bins (0.4–1.5 m/MeV) of the paper's L/E figure as digitised in koppj/nu-osc
// (inputs/lsnd/, see its MANIFEST.md), following the recipe of that code (LSND_v6.h) with the
// changes listed below.
//
// Per bin i: n_i = beam-on events = excess_i + beam-off_i (the digitised numbers give integers,
// 86 in all); prediction μ_i = λ (S_i + I_i) + B_i + beam-off_i with S_i the oscillation signal,
// I_i the intrinsic ν̄e (μ⁻ decay at rest) and B_i the other beam-related background. Then
//   χ² = min_{λ >= 0} D(λ) + (P_tot − P_0)² / (σ_P² + σ_ρ² ((ΣS + ΣI) / N_full)²)
//   D  = 2 Σ_i [μ_i − n_i + n_i ln(n_i / μ_i)]     (the Poisson deviance)
//   P_tot = ΣS / N_full,   ln L = −χ²/2 + Σ_i ln Pois(n_i | n_i)   (the saturated model's ln L).
// • λ is Kopp's product η ρ: the free normalisation of the ν̄e prediction (signal and
//   intrinsic, as his η multiplies his computed ν̄e flux) in this figure, flat prior on
//   [0, ∞), profiled exactly (safeguarded Newton on the convex D). The figure is a
//   high-purity R_γ > 10 subsample of the events behind the published P, so it supplies the
//   L/E shape of the excess only and the rate is not counted twice (at no oscillation λ ≈ 5
//   makes the intrinsic ν̄e mimic the excess; the figure then adds only ~3 to χ²). Kopp scans
//   a grid with η ∈ [0.3, 1.7], ρ ∈ [0.4, 1.1] instead; those bounds, not physics, stop his
//   intrinsic ν̄e from doing the same.
// • The rate comes from the published oscillation probability P_0 = 0.264 %, through Kopp's
//   prior on P_tot and his signal normalisation ρ (Gaussian, 1 ± σ_ρ, scaling S + I). With λ
//   free, ρ appears in the prior only, where profiling it is a Gaussian convolution: the
//   closed form above.
// • The widths: Kopp uses σ_P = 0.040 % and σ_ρ = 0.20. At no oscillation the multiplicative
//   σ_ρ term vanishes, so Kopp's prior alone excludes P = 0 by 6.6σ, not the published 3.8σ.
//   Defaults here are from the published numbers: σ_P = 0.264 % × 23.2 / 87.9 = 0.0697 % (the
//   excess 87.9 ± 22.4 ± 6.0 events: what P = 0 must overcome), and σ_ρ = 0.155, the rest of
//   the published ±0.081 % (0.067 ⊕ 0.045) at the best fit. Options below restore Kopp's.
// • S_i = sin²2θμe Σ_c N_ic ⟨sin²(1.267 Δm² x)⟩_c: N_ic are the full-transmutation events with
//   reconstructed L/E in bin i and true L/E in cell c of width 0.01 m/MeV (0.30–2.00), the
//   average over each cell exact (sterile3p1::mean_sin2). N_ic come from Kopp's model of the
//   prediction (μ⁺ DAR ν̄μ flux + 10⁻³ DIF, his IBD cross section, Gaussian energy resolution
//   σ_E = 0.467 √E MeV, L uniform in [25.85, 34.15] m with 1/L², his per-bin factors `eff`),
//   scaled so that Σ_ic N_ic = N_full = 16 713.2, his number of full-transmutation events.
//   With `lsnd_resolution = false` each bin is its own single cell: the exact average of the
//   probability over the reconstructed bin, without energy smearing (fine below ~1 eV²; at
//   3 eV² it misplaces a bin's signal by up to a factor 4).
//
// Validation (tests/test_lsnd.cpp; [R] = recalled literature values): no oscillation is
// Δχ² = 17.1 above the best fit (4.1σ for one parameter, 3.7σ for two; LSND: 3.8σ [R]); in the
// averaged regime sin²2θ = 0.0051 (published P = 0.264 % ⇒ 0.0053). The published best fit
// (1.2 eV², 0.003) [R] lies at Δχ² = 2.8, on a flat valley (Δχ² ≈ 1.8–2.5 from 0.2 to 1.2 eV²);
// the global minimum is a narrow dip at (3.7 eV², 0.010) that fits the empty bins at
// 1.2–1.4 m/MeV — the 11 digitised bins cannot locate Δm² the way LSND's event likelihood did.
//
// Evaluation is const and allocation-free.
#include "model_options.h"
#include "sterile3p1.h"
#include "experiment.h"
#include "model_options.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nubayes::lsnd {

inline constexpr std::size_t kBins = 11;
inline constexpr double kFullTransmutation = 16713.2; ///< N_full, koppj/nu-osc LSND_v6.h
inline constexpr double kProbability = 0.264e-2;      ///< P_0, hep-ex/0104049
inline constexpr double kRateError = 0.0697e-2;       ///< default σ_P (see above)
inline constexpr double kNormError = 0.155;           ///< default σ_ρ (see above)

/// One L/E bin of the digitised figure.
struct Bin {
  double x_lo = 0, x_hi = 0; ///< reconstructed L/E [m/MeV]
  double excess = 0;         ///< beam-on minus beam-off events (may be negative)
  double background = 0;     ///< beam-related background other than intrinsic ν̄e
  double beam_off = 0;       ///< beam-off (cosmic) events
  double intrinsic = 0;      ///< intrinsic ν̄e events
  double efficiency = 0;     ///< Kopp's per-bin factor `eff` (multiplies his flux integral)
  double beam_on() const { return excess + beam_off; }
};

/// Reads the 7-column bins file: exactly kBins rows, contiguous increasing edges, background,
/// beam-off and intrinsic >= 0, efficiency > 0 and beam-on = excess + beam-off >= 0. Problems
/// are one std::runtime_error naming the file (and line).
std::array<Bin, kBins> read_bins(const std::filesystem::path& path);

/// A flux table `E [MeV]  flux` with increasing energies, exactly `rows` rows (at least 2);
/// linear in between, zero outside.
class FluxTable {
public:
  FluxTable(const std::filesystem::path& path, std::size_t rows);
  double operator()(double energy) const;
  std::span<const double> values() const { return flux_; }

private:
  std::vector<double> energy_, flux_;
};

/// The full-transmutation events per (reconstructed bin, true L/E cell), before scaling:
/// Kopp's integral eff_i ∫dL/L² ∫dE φ(E) σ(E) R_i(L, E) / (1/L_min − 1/L_max), E in eV as in
/// his code (so that the 11-bin total is comparable with his N_full).
struct Response {
  std::vector<double> cell_edges; ///< true L/E [m/MeV], uniform
  std::vector<double> events;     ///< kBins × cells, row-major
  double total() const;
};
Response full_transmutation_response(std::span<const Bin, kBins> bins, const FluxTable& dar,
                                     const FluxTable& dif);

struct Options {
  bool resolution = true;                      ///< [data] lsnd_resolution
  double rate_error = kRateError;              ///< [data] lsnd_rate_error: σ_P (absolute)
  double norm_error = kNormError;              ///< [data] lsnd_norm_error: σ_ρ (relative)
  std::filesystem::path inputs = inputs_dir(); ///< the directory holding lsnd/
};

class Lsnd {
public:
  explicit Lsnd(const Options& options);

  /// S_i for sin²2θμe and Δm² [eV²].
  void signal(double sin2_2theta_mue, double dm2, std::span<double, kBins> out) const;
  /// χ² as defined above; `best_lambda` (optional) receives the profiled λ.
  double chi2(double sin2_2theta_mue, double dm2, double* best_lambda = nullptr) const;
  /// Σ_i ln Pois(n_i | n_i): ln L = −χ²/2 + this.
  double saturated_loglike() const { return saturated_; }
  const std::array<Bin, kBins>& bins() const { return bins_; }
  /// Σ over bins and cells of the unscaled response (Kopp's integral); ≈ N_full.
  double unscaled_total() const { return unscaled_total_; }
  std::string fingerprint() const;

private:
  /// min over λ >= 0 of the deviance for ν̄e prediction t (signal + intrinsic).
  double profile_deviance(std::span<const double, kBins> t, double* best_lambda) const;

  std::array<Bin, kBins> bins_{};
  std::vector<double> cell_lo_, cell_hi_; ///< true L/E cells
  std::vector<double> events_;            ///< cells × kBins (cell-major), scaled to N_full in all
  Options options_;
  double unscaled_total_ = 0;
  double saturated_ = 0;
  std::uint64_t data_hash_ = 0;
};

} // namespace nubayes::lsnd

namespace nubayes {

/// The `lsnd` experiment for [data] experiments. Options: `lsnd_resolution` (true|false,
/// default true), `lsnd_rate_error` (σ_P, default 6.97e-4, in (0, 0.01]), `lsnd_norm_error`
/// (σ_ρ, default 0.155, in [0, 1]). Kopp's widths are 4.0e-4 and 0.2. Throws OptionError for bad
/// values or unreadable inputs.
std::unique_ptr<Experiment> make_lsnd_experiment(const ModelOptions& data);

} // namespace nubayes
