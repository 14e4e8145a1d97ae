// Four-flavour propagation through the Earth (models/earth_propagation.h) against independent
// formulas: the vacuum limit (the 4-flavour vacuum sum and the 2-flavour 3+1 formula), a
// constant-density slab (the 2-flavour MSW formula), unitarity through PREM, and the position of
// the ν̄μ→ν̄s resonance. Constants in the tests are taken from the PDG (2022) tables directly, not
// from the module: G_F = 1.1663788e-5 GeV⁻², ħc = 197.3269804 MeV fm, N_A = 6.02214076e23.
#include "earth_propagation.h"
#include "sterile3p1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace nubayes;
using namespace nubayes::earth;

namespace {

constexpr double kPdgHbarC = 1.973269804e-10; ///< [eV km]
constexpr double kPdgGf = 1.1663788e-23;      ///< [eV⁻²]
constexpr double kPdgNa = 6.02214076e23;
/// (ħc)³ in eV³ cm³
constexpr double kPdgHbarC3 = 1.973269804e-5 * 1.973269804e-5 * 1.973269804e-5;

/// G_F N_n / √2 [eV] for density ρ [g/cm³] and neutron fraction y_n.
double sterile_potential(double rho, double y_n) {
  return kPdgGf / std::numbers::sqrt2 * rho * y_n * kPdgNa * kPdgHbarC3;
}

/// Only θ24 and Δm²41 (no 3ν mixing or splittings): the μ–s 2-flavour system.
Mixing two_flavour(double sin2_2theta, double dm2) {
  Mixing m;
  m.theta24 = 0.5 * std::asin(std::sqrt(sin2_2theta));
  m.dm2_41 = dm2;
  return m;
}

Mixing realistic() {
  return mixing_from(sterile3p1::Params{1.3, 0.02, 0.03, 0.05});
}

} // namespace

TEST(EarthPath, GeometryAndPrem) {
  const EarthModel prem = EarthModel::prem();
  // straight up through the centre: 2R − depth + height, crossing every shell twice
  const auto p = path(prem, -1.0, 2.0, 20.0);
  double total = 0;
  for (const auto& s : p)
    total += s.length;
  EXPECT_NEAR(total, 2 * kEarthRadius - 2 + 20, 1e-9);
  EXPECT_NEAR(path_length(-1, 2, 20), 2 * kEarthRadius + 18, 1e-9);
  EXPECT_EQ(p.front().shell, -1);                        // the atmosphere first
  EXPECT_EQ(p.size(), 2 * prem.shells().size() + 1 - 1); // innermost shell crossed once, merged
  // horizontal: 2 km under the surface sees only crust, ocean and air
  const int top = static_cast<int>(prem.shells().size()) - 1;
  for (const auto& s : path(prem, 0.0, 2.0, 20.0))
    EXPECT_TRUE(s.shell == -1 || s.shell == top);
  // PREM: centre 13.09, just below the core-mantle boundary 9.90, above it 5.57 g/cm³
  EXPECT_NEAR(prem_density(0), 13.0885, 1e-9);
  EXPECT_NEAR(prem_density(3479.9), 9.9035, 1e-3);
  EXPECT_NEAR(prem_density(3480.1), 5.5664, 1e-3);
  // shells keep the Earth mass 5.972e24 kg to 0.5 % (radial, not volume, means)
  double mass = 0;
  for (const auto& s : prem.shells())
    mass +=
        s.density * 4.0 / 3 * std::numbers::pi * (std::pow(s.r_outer, 3) - std::pow(s.r_inner, 3));
  EXPECT_NEAR(mass * 1e12 /* g/cm³ km³ → kg */, 5.972e24, 0.03e24);
}

TEST(EarthMixing, MatrixIsOrthogonalAndCarriesTheSterileElements) {
  const sterile3p1::Params p{1.3, 0.02, 0.03, 0.05};
  const Matrix4 u = mixing_matrix(mixing_from(p));
  EXPECT_LT((u * u.transpose() - Matrix4::Identity()).norm(), 1e-14);
  EXPECT_NEAR(u(0, 3) * u(0, 3), 0.02, 1e-14);
  EXPECT_NEAR(u(1, 3) * u(1, 3), 0.03, 1e-14);
  EXPECT_NEAR(u(2, 3) * u(2, 3), 0.05, 1e-14);
}

TEST(EarthPropagation, VacuumLimitIsTheTwoFlavourFormula) {
  const EarthModel vacuum = EarthModel::uniform(0, 0.5);
  Propagator prop(two_flavour(0.1, 1.0), vacuum);
  for (double e : {0.5, 2.0, 50.0, 1000.0}) {
    prop.set_energy(e, false);
    for (double l : {100.0, 1000.0, 12000.0}) {
      const std::vector<Segment> seg{{0, l}};
      const double phase = 1.0 * l / (4 * e * 1e9 * kPdgHbarC);
      const double expected = 1 - 0.1 * std::pow(std::sin(phase), 2);
      EXPECT_NEAR(prop.probability(1, 1, seg), expected, 1e-10) << e << " " << l;
      // the project's short-baseline formula, to its rounded 1.267
      EXPECT_NEAR(prop.probability(1, 1, seg),
                  sterile3p1::prob_mumu({1.0, 0, 0.5 * (1 - std::sqrt(0.9)), 0}, l / e),
                  2e-4 * phase + 1e-10);
    }
  }
}

TEST(EarthPropagation, VacuumLimitIsTheFourFlavourSum) {
  // P_αβ = δ_αβ − 4 Σ_{i>j} U_αi U_βi U_αj U_βj sin²(Δm²_ij L / 4E), U real
  const Mixing m = realistic();
  const Matrix4 u = mixing_matrix(m);
  const double mass2[4] = {0, m.dm2_21, m.dm2_31, m.dm2_41};
  Propagator prop(m, EarthModel::uniform(0, 0.5));
  for (double e : {0.3, 3.0, 300.0}) {
    for (bool anti : {false, true}) {
      prop.set_energy(e, anti);
      const std::vector<Segment> seg{{0, 7000.0}};
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) {
          double expected = a == b ? 1 : 0;
          for (int i = 0; i < 4; ++i)
            for (int j = 0; j < i; ++j)
              expected -=
                  4 * u(a, i) * u(b, i) * u(a, j) * u(b, j) *
                  std::pow(std::sin((mass2[i] - mass2[j]) * 7000.0 / (4 * e * 1e9 * kPdgHbarC)), 2);
          EXPECT_NEAR(prop.probability(a, b, seg), expected, 1e-9) << e << " " << a << b;
        }
    }
  }
}

TEST(EarthPropagation, ConstantDensityIsTheTwoFlavourMswFormula) {
  // μ–s system in matter: H = ½[[−(Δ cos2θ + V), Δ sin2θ], [Δ sin2θ, Δ cos2θ + V]] + const,
  // Δ = Δm²/2E, V = ±G_F N_n/√2 (ν / ν̄); P_μμ = 1 − sin²2θ_m sin²(Δ_m L / 2ħc).
  const double rho = 4.5, ye = 0.49, s2t = 0.05, dm2 = 1.5;
  Propagator prop(two_flavour(s2t, dm2), EarthModel::uniform(rho, ye));
  const double c2 = std::sqrt(1 - s2t), s2 = std::sqrt(s2t);
  for (bool anti : {false, true})
    for (double e : {300.0, 1000.0, 3000.0, 6000.0, 20000.0}) {
      prop.set_energy(e, anti);
      const double delta = dm2 / (2 * e * 1e9);
      const double v = (anti ? -1 : 1) * sterile_potential(rho, 1 - ye);
      const double dm = std::hypot(delta * c2 + v, delta * s2);
      const double s2m = std::pow(delta * s2 / dm, 2);
      for (double l : {2000.0, 12742.0}) {
        const double expected = 1 - s2m * std::pow(std::sin(dm * l / (2 * kPdgHbarC)), 2);
        EXPECT_NEAR(prop.probability(1, 1, {{0, l}}), expected, 1e-6)
            << anti << " " << e << " " << l;
      }
    }
}

TEST(EarthPropagation, UnitarityThroughPrem) {
  const EarthModel prem = EarthModel::prem();
  Propagator prop(realistic(), prem);
  for (double e : {10.0, 400.0, 3000.0, 1e5})
    for (bool anti : {false, true}) {
      prop.set_energy(e, anti);
      for (double c : {-1.0, -0.83, -0.4, -0.05, 0.2}) {
        const auto p = path(prem, c, 2.0, 20.0);
        for (int a = 0; a < 4; ++a) {
          const State psi = prop.evolve(a, p);
          EXPECT_NEAR(psi.squaredNorm(), 1.0, 1e-12);
        }
        // columns too: Σ_α P(α→μ) = 1
        double column = 0;
        for (int a = 0; a < 4; ++a)
          column += prop.probability(a, 1, p);
        EXPECT_NEAR(column, 1.0, 1e-12);
      }
    }
}

TEST(EarthPropagation, AntineutrinoResonanceSitsAtTheSterileMswEnergy) {
  // Resonance when Δ cos2θ = −V, i.e. for ν̄ (V = −G_F N_n/√2):
  //   E_res = Δm² cos2θ / (2 G_F N_n/√2) = Δm² cos2θ / (√2 G_F N_n).
  // At resonance θ_m = 45°: choose L with Δm² sin2θ L / (4 E_res ħc) = π/2 and ν̄μ disappear fully.
  const double rho = 5.0, ye = 0.5, s2t = 0.04, dm2 = 1.0;
  const double e_res = dm2 * std::sqrt(1 - s2t) / (2 * sterile_potential(rho, 1 - ye)); // [eV]
  EXPECT_NEAR(e_res / 1e12, 5.0, 0.2); // ≈ 5 TeV for 1 eV² in the mantle
  const double length = std::numbers::pi * 2 * e_res * kPdgHbarC / (dm2 * std::sqrt(s2t));
  Propagator prop(two_flavour(s2t, dm2), EarthModel::uniform(rho, ye));
  const std::vector<Segment> seg{{0, length}};
  prop.set_energy(e_res / 1e9, true);
  EXPECT_LT(prop.probability(1, 1, seg), 1e-9);
  prop.set_energy(e_res / 1e9, false);
  EXPECT_GT(prop.probability(1, 1, seg), 0.99); // neutrinos: no resonance
  // an energy scan finds the deepest ν̄μ disappearance there
  double best_e = 0, best_p = 2;
  for (int i = 0; i <= 2000; ++i) {
    const double e = e_res / 1e9 * std::pow(10.0, -0.5 + i / 2000.0);
    prop.set_energy(e, true);
    const double pmm = prop.probability(1, 1, seg);
    if (pmm < best_p) best_p = pmm, best_e = e;
  }
  EXPECT_NEAR(best_e / (e_res / 1e9), 1.0, 0.005);
}

// A core-crossing path at 2000 energies: every probability in [0, 1] (timing:
// bench/icecube_events_scan).
TEST(EarthPropagation, ProbabilitiesStayInTheUnitInterval) {
  const EarthModel prem = EarthModel::prem();
  Propagator prop(realistic(), prem);
  const auto p = path(prem, -0.9, 2.0, 20.0);
  for (int i = 0; i < 2000; ++i) {
    prop.set_energy(500 + i, i % 2);
    const double survival = prop.probability(1, 1, p);
    ASSERT_GE(survival, -1e-12) << i;
    ASSERT_LE(survival, 1 + 1e-12) << i;
  }
}

TEST(EarthPropagation, PremCoreCrossingAntineutrinosDipAtTeV) {
  // The IceCube signature: for Δm²41 = 1 eV², sin²2θ24 = 0.1, core-crossing ν̄μ (cos θ = −0.95)
  // disappear strongly at a few TeV (E_res ≈ 2 TeV in the core, 6 TeV in the mantle), νμ do not.
  const EarthModel prem = EarthModel::prem();
  const auto p = path(prem, -0.95, 1.95, 20.0);
  Propagator prop(two_flavour(0.1, 1.0), prem);
  double nubar_min = 2, nubar_at = 0;
  for (int i = 0; i <= 400; ++i) {
    const double e = 300 * std::pow(100.0, i / 400.0); // 0.3 - 30 TeV
    prop.set_energy(e, true);
    const double pb = prop.probability(1, 1, p);
    if (pb < nubar_min) nubar_min = pb, nubar_at = e;
  }
  prop.set_energy(nubar_at, false);
  const double nu = prop.probability(1, 1, p);
  std::cout << "nubar min " << nubar_min << " at " << nubar_at << " GeV; nu there " << nu << "\n";
  EXPECT_LT(nubar_min, 0.5);
  EXPECT_GT(nubar_at, 1000.0);
  EXPECT_LT(nubar_at, 6000.0);
  EXPECT_GT(nu, 0.95);
}
