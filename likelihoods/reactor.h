#pragma once
// Reactor ν̄e machinery shared by the reactor experiments (danss, neos): the detected IBD
// spectrum, the baseline distribution of an extended core seen by an extended detector, the exact
// average of the oscillation over all of them, and the ratio χ² with a free normalisation.
//
// Not thread-safe: evaluations reuse mutable scratch buffers (one object per thread/rank).
#include "sterile3p1.h"
#include "table_reader.h"

#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace nubayes::reactor {

// ---- IBD kinematics (zeroth order in 1/M_n: the neutron takes no kinetic energy) ----------------
inline constexpr double kNeutronProtonDelta = 1.29333; ///< m_n − m_p [MeV]
inline constexpr double kElectronMass = 0.51100;       ///< [MeV]
/// E_ν − T, T the positron kinetic energy: E_ν = T + m_e + Δ = T + 1.804 MeV (also the threshold).
inline constexpr double kKineticOffset = kNeutronProtonDelta + kElectronMass;
/// E_ν − E_prompt with E_prompt = T + 2 m_e (the annihilation photons seen): E_ν = E_prompt +
/// 0.782.
inline constexpr double kPromptOffset = kNeutronProtonDelta - kElectronMass;

/// Fractions of fissions per isotope.
struct FissionFractions {
  double u235 = 0, u238 = 0, pu239 = 0, pu241 = 0;
};

/// The detected IBD spectrum in E_ν [MeV], arbitrary normalisation: Σ_i f_i S_i(E_ν) × σ_IBD(E_ν),
/// S_i the ν̄e spectra per fission of Huber (²³⁵U, ²³⁹Pu, ²⁴¹Pu; PRC 84, 024617) and Mueller et
/// al. (²³⁸U; PRC 83, 054615) as their published exp-polynomials, σ_IBD ∝ E_e p_e (Vogel–Beacom at
/// zeroth order). Zero below threshold. It only weights the averages inside each bin: ratios of
/// two sites of the same reactor do not depend on its normalisation.
double ibd_spectrum(const FissionFractions& fractions, double e_nu);

struct Point {
  double x = 0, y = 0, z = 0;
};

/// Points filling a cylinder (axis along z) uniformly, one per cell of equal volume: `rings` equal-
/// area rings × `sectors` × `layers` (midpoint rule in r², φ and z).
std::vector<Point> cylinder_points(double radius, double height, Point centre, int rings,
                                   int sectors, int layers);
/// Points filling a box uniformly: the centres of counts[0] × counts[1] × counts[2] equal cells.
std::vector<Point> box_points(Point size, Point centre, std::array<int, 3> counts);

/// A baseline L [m] and its share of the detected flux.
struct Baseline {
  double length = 0, weight = 0;
};

/// The baselines from every source point to every detector point, each weighted by 1/L² (the flux),
/// gathered on a uniform grid of `step` metres (each length shared linearly between its two grid
/// neighbours, which keeps the mean and removes the sampling lattice) and normalised to total 1.
std::vector<Baseline> baseline_distribution(std::span<const Point> source,
                                            std::span<const Point> detector, double step);

/// Energy resolution σ [MeV] as a function of the true visible energy [MeV].
using Resolution = std::function<double(double)>;

/// The events of each analysis bin over a grid of true E_ν uniform in 1/E_ν (trapezoid weights
/// in 1/E_ν): spectrum × the probability that an event of visible energy E_ν − offset is
/// reconstructed inside the bin (Gaussian resolution integrated exactly over the bin with erf;
/// σ = 0 means perfect resolution). Uniform steps in 1/E make uniform steps in L/E for every
/// baseline, so each density deposited on an L/E or 1/E grid finer than the step is smooth.
class BinnedSpectrum {
public:
  /// `lower`, `upper`: bin edges in visible energy [MeV]; the grid runs from the IBD threshold to
  /// `e_max` [MeV] in steps of `inverse_step` [1/MeV] in 1/E_ν.
  BinnedSpectrum(std::span<const double> lower, std::span<const double> upper, double offset,
                 const Resolution& sigma, const FissionFractions& fractions, double e_max,
                 double inverse_step);

  std::size_t bins() const { return bins_; }
  /// The E_ν nodes [MeV], increasing.
  std::span<const double> energies() const { return energies_; }
  /// Events of bin b from E_ν node i (not normalised).
  double weight(std::size_t b, std::size_t i) const { return weights_[b * energies_.size() + i]; }

private:
  std::size_t bins_;
  std::vector<double> energies_;
  std::vector<double> weights_; ///< bins × energies
};

/// ⟨sin²(k u)⟩ for many probability densities of one variable u ("rows": a bin at a site) at once.
/// Each density is stored as cloud-in-cell masses on a uniform grid u_j = u0 + j h: a fine
/// quadrature of the density, each point shared linearly between its two grid neighbours, i.e.
/// M_j = ∫ f(u) Λ((u − u_j)/h) du with Λ the unit hat. By Poisson summation
///   Σ_j M_j e^{2iku_j} = φ(2k) sinc²(kh) + aliases φ(2k + 2πn/h) sinc²(kh + πn),
/// φ the characteristic function of f, so for a density smooth on the grid scale (no aliases)
///   ⟨cos 2ku⟩ = Σ_j M_j cos(2k u_j) / sinc²(kh),  ⟨sin²(ku)⟩ = ½ (1 − ⟨cos 2ku⟩)
/// exactly (the particle-mesh window deconvolution). Beyond the Nyquist wavenumber, kh >= π/2,
/// such a density is fully averaged and the result is ½. One evaluation costs one rotation-
/// recurrence sweep over the grid and one short dot product per row (rows are trimmed to their
/// support).
class OscillationAverage {
public:
  OscillationAverage(std::size_t rows, double u_min, double u_max, double step);

  /// Where u falls: the grid node below it and the fraction of the way to the next one.
  struct Cell {
    std::size_t node = 0;
    double fraction = 0;
  };
  /// Throws std::out_of_range outside the grid.
  Cell locate(double u) const;
  /// Adds `weight` at u to `row`, shared linearly between the two grid nodes around u.
  void add(std::size_t row, Cell cell, double weight);
  void add(std::size_t row, double u, double weight) { add(row, locate(u), weight); }
  /// Normalises each row to unit mass and trims it to where it has mass; call once, after add().
  void finish();

  std::size_t rows() const { return begin_.size(); }
  double step() const { return h_; }
  /// out[r] = ⟨sin²(k u)⟩ of row r.
  void mean_sin2(double k, std::span<double> out) const;
  /// Mean of u in row r.
  double mean(std::size_t r) const;

private:
  void fill_cos(double two_k) const;

  double u0_, h_;
  std::size_t nodes_;
  std::vector<double> dense_; ///< rows × nodes while building; emptied by finish()
  std::vector<std::size_t> begin_, end_, offset_;
  std::vector<double> masses_; ///< each row's band, concatenated
  mutable std::vector<double> cos_, block_cos_, block_sin_;
};

/// A row per (site, bin) over u = L/E_ν: the bin's events from `spectrum`, spread over `baselines`
/// of that site. Rows are site-major: row = site × bins + bin.
OscillationAverage average_over_l_over_e(const BinnedSpectrum& spectrum,
                                         std::span<const std::vector<Baseline>> sites, double step);

/// The ratio of a measured spectrum to a prediction, χ² = (d − k r)ᵀ W (d − k r) with W the inverse
/// covariance. With a free normalisation k the χ² is quadratic in k and its minimum is analytic:
/// k̂ = rᵀWd / rᵀWr, χ²_min = dᵀWd − (rᵀWd)² / rᵀWr.
/// The normalisation of a ratio: free (fitted at every point, the default) or fixed.
struct Normalisation {
  bool free = true;
  double value = 1; ///< the fixed value when !free
  std::string text() const;
};
/// "free" or a positive number; throws std::invalid_argument otherwise.
Normalisation parse_normalisation(const std::string& text);

class RatioChi2 {
public:
  RatioChi2(std::vector<double> data, Eigen::MatrixXd inverse_covariance);
  std::size_t size() const { return data_.size(); }
  std::span<const double> data() const { return data_; }
  /// χ² minimised over k (k̂ written to *norm when given); +inf when rᵀWr <= 0 or r is not finite.
  double free_norm(std::span<const double> prediction, double* norm = nullptr) const;
  double fixed_norm(std::span<const double> prediction, double norm) const;
  /// χ² at `normalisation`: fitted when free, else fixed (the k used written to *norm).
  double at(std::span<const double> prediction, const Normalisation& normalisation, double* norm = nullptr) const;
  /// χ² with one free normalisation per block of consecutive entries (block j ends before
  /// `ends[j]`; the last end must be size()): the normal equations of the k_j, a small dense
  /// solve. The fitted k_j to `norms` when not empty. +inf when the system is singular.
  double free_norms(std::span<const double> prediction, std::span<const std::size_t> ends,
                    std::span<double> norms = {}) const;

private:
  std::vector<double> data_;
  Eigen::MatrixXd w_;
  Eigen::VectorXd wd_;
  double dwd_ = 0;
  mutable Eigen::VectorXd r_, wr_;
};

/// A transcribed ratio table: bin edges, ratio and σ (columns lo hi ratio sigma [ratio sigma …]),
/// `bins` rows. With several ratios, `ratio` and `sigma` hold them one after the other.
struct RatioTable {
  std::vector<double> lower, upper, ratio, sigma;
};
/// Reads and checks a ratio table: `bins` rows of 2 + 2 × `ratios` numbers, lo < hi, contiguous
/// bins, ratio and σ > 0. Errors name the file (and the line).
RatioTable read_ratio_table(const std::filesystem::path& path, std::size_t bins,
                            std::size_t ratios = 1);
/// Reads an n×n inverse covariance and checks it is symmetric and positive definite.
Eigen::MatrixXd read_inverse_covariance(const std::filesystem::path& path, std::size_t n);

/// FNV-1a over the bit patterns of `values`: the data part of a fingerprint.
void hash_values(std::uint64_t& hash, std::span<const double> values);
inline constexpr std::uint64_t kHashSeed = 0xcbf29ce484222325ull;
std::string hex(std::uint64_t hash);

} // namespace nubayes::reactor
