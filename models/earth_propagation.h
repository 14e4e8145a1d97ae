#pragma once
// Four-flavour (νe, νμ, ντ, νs) propagation through the Earth with matter effects, for
// atmospheric neutrinos crossing the Earth to a detector below the surface. Pure physics, no I/O.
//
// Earth: PREM (Dziewonski & Anderson, PEPI 25 (1981) 297) replaced by concentric shells of
// constant density: each PREM region is cut into sub-shells no thicker than a set width, each
// with PREM's mean density over its radius range (Simpson); electron fraction Y_e = 0.4656 in the
// core, 0.4957 in the mantle and crust (the values of the standard atmospheric-ν codes); neutrons
// per nucleon Y_n = 1 − Y_e. A neutrino path is the chord from the production height in the
// atmosphere (vacuum) to the detector, cut where it crosses shell boundaries.
//
// Hamiltonian in the flavour basis (NC potential of the active flavours subtracted as a common
// phase), for energy E:
//   H = U diag(0, Δm²21, Δm²31, Δm²41) Uᵀ / 2E + diag(V_CC, 0, 0, V_s),
//   V_CC = √2 G_F N_e,   V_s = −V_NC = G_F N_n / √2;
// for antineutrinos both potentials change sign (U is real: no CP phases). Per shell H is
// diagonalised (4×4 real symmetric) and the state multiplied by W e^{−iΛL} Wᵀ.
// The ν̄μ → ν̄s MSW resonance (2-flavour μ–s limit): E_res = Δm²41 cos2θ24 / (2 V_s) =
// Δm²41 cos2θ24 / (√2 G_F N_n): for Δm²41 = 1 eV² about 6 TeV in the mantle, 2 TeV in the core.
#include "sterile3p1.h"

#include <Eigen/Core>

#include <array>
#include <complex>
#include <cstddef>
#include <vector>

namespace nubayes::earth {

inline constexpr double kEarthRadius = 6371.0; ///< [km], PREM
/// PDG 2022: ħc [eV km], G_F [eV⁻²], Avogadro's number.
inline constexpr double kHbarC = 1.973269804e-10, kFermi = 1.1663788e-23, kAvogadro = 6.02214076e23;
/// √2 G_F N_A (ħc)³ = 7.6325e-14 eV: V_CC [eV] = kSqrt2GfNa · ρ [g/cm³] · Y_e.
inline constexpr double kSqrt2GfNa =
    1.4142135623730951 * kFermi * (kHbarC * 1e5) * (kHbarC * 1e5) * (kHbarC * 1e5) * kAvogadro;
/// 1/(ħc) in 1/(eV km): a phase is energy [eV] × length [km] × this.
inline constexpr double kInvHbarC = 1 / kHbarC;

struct Shell {
  double r_inner = 0, r_outer = 0; ///< [km]
  double density = 0;              ///< [g/cm³]
  double ye = 0.5;                 ///< electrons per nucleon
};

/// PREM density [g/cm³] at radius r [km] (0 above the surface).
double prem_density(double r);

/// Concentric constant-density shells, innermost first, covering [0, kEarthRadius].
class EarthModel {
public:
  /// PREM, each region cut into sub-shells of at most `max_thickness` km.
  static EarthModel prem(double max_thickness = 400);
  /// One shell of constant density and Y_e (for tests).
  static EarthModel uniform(double density, double ye);
  explicit EarthModel(std::vector<Shell> shells) : shells_(std::move(shells)) {}
  const std::vector<Shell>& shells() const { return shells_; }
  /// Index of the shell holding radius r, or -1 above the surface.
  int shell_at(double r) const;

private:
  std::vector<Shell> shells_;
};

/// A piece of a path inside one shell (-1: vacuum above the Earth).
struct Segment {
  int shell = -1;
  double length = 0; ///< [km]
};

/// The chord from a point `height` km above the surface, arriving at zenith angle acos(cos_zenith)
/// at a detector `depth` km below the surface, ordered from the source to the detector.
std::vector<Segment> path(const EarthModel& earth, double cos_zenith, double depth, double height);
/// Its total length [km].
double path_length(double cos_zenith, double depth, double height);

/// Mixing angles [rad] and mass splittings [eV²]; U = R34 R24 R14 R23 R13 R12 (real).
struct Mixing {
  double theta12 = 0, theta13 = 0, theta23 = 0, theta14 = 0, theta24 = 0, theta34 = 0;
  double dm2_21 = 0, dm2_31 = 0, dm2_41 = 0;
};

/// NuFIT 5.0 normal ordering with SK atmospheric data (JHEP 09 (2020) 178): θ12 = 33.44°,
/// θ13 = 8.57°, θ23 = 49.2°, Δm²21 = 7.42e-5, Δm²31 = 2.517e-3 eV²; plus the 3+1 angles from
/// |Ue4|² = s14², |Uμ4|² = c14² s24², |Uτ4|² = c14² c24² s34².
Mixing mixing_from(const sterile3p1::Params& p);

using Matrix4 = Eigen::Matrix4d;
using State = Eigen::Vector4cd;

/// The 4×4 mixing matrix U_{αi} (rows e, μ, τ, s).
Matrix4 mixing_matrix(const Mixing& m);

/// Evolution through a fixed Earth for one set of mixing parameters. Call set_energy() once per
/// energy; then probabilities along any number of paths reuse the per-shell eigensystems.
class Propagator {
public:
  Propagator(const Mixing& mixing, const EarthModel& earth);

  /// Diagonalises H in every shell (and vacuum) for energy E [GeV]; `anti`: antineutrinos.
  void set_energy(double energy, bool anti);
  /// The amplitudes after the path, starting from flavour `alpha` (0 e, 1 μ, 2 τ, 3 s).
  State evolve(int alpha, const std::vector<Segment>& segments) const;
  /// P(α → β) along the path.
  double probability(int alpha, int beta, const std::vector<Segment>& segments) const;

private:
  struct Eigensystem {
    Matrix4 vectors;              ///< columns: eigenvectors (flavour basis)
    Eigen::Vector4d phase_per_km; ///< eigenvalues × 1/(ħc) [1/km]
  };
  void diagonalise(double v_cc, double v_s, Eigensystem& out) const;

  Matrix4 mass2_; ///< U diag(0, Δm²21, Δm²31, Δm²41) Uᵀ [eV²]
  EarthModel earth_;
  double energy_ev_ = 0;
  std::vector<Eigensystem> shells_; ///< one per shell, then vacuum last
};

} // namespace nubayes::earth
