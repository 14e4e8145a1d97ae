#pragma once
// Four-flavour (3 active + 1 sterile) neutrino oscillations in vacuum, all phases zero. Pure
// formulas, no I/O. Used where the short-baseline formulas of sterile3p1.h do not hold: long
// baselines (MINOS, L/E up to thousands of km/GeV) where the atmospheric splitting oscillates too.
//
// Mixing matrix (the MINOS/MINOS+ convention, PRL 122 (2019) 091803):
//   U = R34 R24 R14 R23 R13 R12,
// R_ij the real rotation by θ_ij in the (i, j) plane, rows (flavours) e, μ, τ, s and columns (mass
// states) 1…4. Its fourth column is
//   U_e4 = s14,  U_μ4 = c14 s24,  U_τ4 = c14 c24 s34,  U_s4 = c14 c24 c34,
// so the 3+1 parameters of nubayes map onto the angles as
//   sin²θ14 = |U_e4|²,  sin²θ24 = |U_μ4|² / (1 − |U_e4|²),
//   sin²θ34 = |U_τ4|² / (1 − |U_e4|² − |U_μ4|²)            (angles_from_fourth_column).
// Masses: Δm²_j1 = m_j² − m_1² (normal ordering, Δm²31 = Δm²21 + Δm²32 > 0); Δm²41 may lie
// anywhere, also below Δm²31.
//
// With real U the probabilities are (x = L/E in km/GeV, the same number as m/MeV)
//   P(να→νβ) = δαβ − 4 Σ_{j>k} U_αj U_βj U_αk U_βk sin²(kPhase Δm²_jk x),
// identical for neutrinos and antineutrinos. kPhase = 1.26693276 (1/(4ħc) in these units, the
// value the MINOS release macro uses; sterile3p1.h rounds it to 1.267).
#include <array>
#include <cstddef>
#include <utility>

namespace nubayes::four_flavour {

inline constexpr double kPhase = 1.26693276;

/// Flavour indices (rows of U).
enum Flavour : int { kE = 0, kMu = 1, kTau = 2, kSterile = 3 };

/// Mixing angles [rad].
struct Angles {
  double theta12 = 0, theta13 = 0, theta14 = 0, theta23 = 0, theta24 = 0, theta34 = 0;
};

/// Mass splittings m_j² − m_1² [eV²].
struct Splittings {
  double dm2_21 = 0, dm2_31 = 0, dm2_41 = 0;
};

/// U[α][j]: flavour α (Flavour), mass state j = 0…3.
using Mixing = std::array<std::array<double, 4>, 4>;

/// U = R34 R24 R14 R23 R13 R12.
Mixing mixing_matrix(const Angles& angles);

/// The angles θ14, θ24, θ34 that give the fourth column (|U_e4|², |U_μ4|², |U_τ4|²) with the
/// other angles from `three_flavour` (θ12, θ13, θ23; its θ14/θ24/θ34 are ignored). Each |U_α4|²
/// must lie in [0, 1] and their sum in [0, 1]; otherwise std::invalid_argument. Where a
/// denominator vanishes (|U_e4|² = 1, or |U_e4|² + |U_μ4|² = 1) the undetermined angle is 0.
Angles angles_from_fourth_column(double ue4_sq, double umu4_sq, double utau4_sq,
                                 const Angles& three_flavour);

/// The six mass-state pairs (j, k), j > k (0-based): 21, 31, 41, 32, 42, 43.
inline constexpr std::array<std::pair<int, int>, 6> kPairs{
    {{1, 0}, {2, 0}, {3, 0}, {2, 1}, {3, 1}, {3, 2}}};
inline constexpr std::size_t kNumPairs = kPairs.size();

/// Δm²_jk of the six pairs, in kPairs order.
std::array<double, kNumPairs> pair_splittings(const Splittings& splittings);

/// The coefficients a_jk = 4 U_αj U_βj U_αk U_βk (kPairs order) of
/// P(να→νβ)(x) = δαβ − Σ a_jk sin²(kPhase Δm²_jk x).
std::array<double, kNumPairs> sin2_coefficients(const Mixing& u, int alpha, int beta);

/// P(να→νβ) at one L/E [km/GeV] (the sin² form above).
double probability(const Mixing& u, const Splittings& splittings, int alpha, int beta,
                   double l_over_e);

/// The same probability as |Σ_j U_αj U_βj e^{−2i kPhase Δm²_j1 x}|² (the amplitude, an independent
/// evaluation kept for tests).
double probability_from_amplitude(const Mixing& u, const Splittings& splittings, int alpha,
                                  int beta, double l_over_e);

} // namespace nubayes::four_flavour
