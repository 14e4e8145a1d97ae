// MiniBooNE νe/ν̄e appearance: the official-recipe χ² and signals against the cross-checked
// numbers of the physics notes (§10.1), the fast signal against the per-event sum, the strict
// table readers, and the 3+1 formulas.
#include "miniboone.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include "inputs_copy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace nubayes;
using namespace nubayes::miniboone;
namespace fs = std::filesystem;

namespace {

const fs::path kInputs = fs::path(NUBAYES_SOURCE_DIR) / "inputs";

/// Each sample is loaded once for the whole test program (the ntuples take a moment to parse).
const Appearance& loaded(Sample sample, EnergyRange range = EnergyRange::full) {
  static std::map<std::pair<Sample, EnergyRange>, std::unique_ptr<Appearance>> cache;
  auto& slot = cache[{sample, range}];
  if (!slot)
    slot =
        std::make_unique<Appearance>(Options{.sample = sample, .range = range, .inputs = kInputs});
  return *slot;
}

std::vector<double> oscillation_signal(const Appearance& mb, double dm2, double sin2) {
  std::vector<double> s(mb.signal_size());
  mb.oscillation_signal(dm2, sin2, s);
  return s;
}

void expect_all_near(const std::vector<double>& got, const std::vector<double>& want, double tol,
                     const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << what << " bin " << i;
}

constexpr double kTestDm2 = 0.041, kTestSin2 = 0.92; // the §10.1 test point

} // namespace

// ---- §10.1: χ² and signal vectors ---------------------------------------------------------------

struct Chi2Case {
  Sample sample;
  std::size_t bins;
  double no_signal, at_test_point;
};

class MiniBooNEChi2 : public ::testing::TestWithParam<Chi2Case> {};

TEST_P(MiniBooNEChi2, ReproducesCrossCheckValues) {
  const Chi2Case& c = GetParam();
  const Appearance& mb = loaded(c.sample);
  EXPECT_EQ(mb.chi2_bins(), c.bins);
  EXPECT_NEAR(mb.chi2(std::vector<double>(mb.signal_size(), 0.0)), c.no_signal, 0.01);
  EXPECT_NEAR(mb.chi2(oscillation_signal(mb, kTestDm2, kTestSin2)), c.at_test_point, 0.01);
}

INSTANTIATE_TEST_SUITE_P(PhysicsNotes, MiniBooNEChi2,
                         ::testing::Values(Chi2Case{Sample::nu2018, 19, 27.681, 12.179},
                                           Chi2Case{Sample::combined2018, 38, 63.783, 33.793},
                                           Chi2Case{Sample::nu2020, 19, 31.802, 14.196},
                                           Chi2Case{Sample::combined2020, 38, 69.233, 36.200},
                                           Chi2Case{Sample::nubar2018, 19, 22.888, 12.479}),
                         [](const auto& info) {
                           std::string name(sample_name(info.param.sample));
                           std::erase(name, '-');
                           return name;
                         });

TEST(MiniBooNE, SignalVectorsAtTestPoint) {
  const std::vector<double> nu2018{53.166, 41.648, 57.338, 36.072, 47.565, 33.311,
                                   25.402, 14.752, 8.961,  6.736,  3.724};
  const std::vector<double> nu2020{77.637, 60.817, 83.730, 52.675, 69.458, 48.644,
                                   37.095, 21.542, 13.086, 9.837,  5.437};
  const std::vector<double> nubar{16.910, 11.302, 12.675, 7.640, 9.405, 6.180,
                                  4.732,  2.801,  1.635,  1.242, 0.653};
  expect_all_near(oscillation_signal(loaded(Sample::nu2018), kTestDm2, kTestSin2), nu2018, 0.01,
                  "nu 2018");
  expect_all_near(oscillation_signal(loaded(Sample::nu2020), kTestDm2, kTestSin2), nu2020, 0.01,
                  "nu 2020");

  // the combined fits: ν mode first, then the ν̄-mode beam ntuple
  std::vector<double> both = oscillation_signal(loaded(Sample::combined2018), kTestDm2, kTestSin2);
  expect_all_near({both.begin(), both.begin() + 11}, nu2018, 0.01, "combined 2018, nu part");
  expect_all_near({both.begin() + 11, both.end()}, nubar, 0.01, "combined 2018, nubar part");
  both = oscillation_signal(loaded(Sample::combined2020), kTestDm2, kTestSin2);
  expect_all_near({both.begin(), both.begin() + 11}, nu2020, 0.01, "combined 2020, nu part");
  expect_all_near({both.begin() + 11, both.end()}, nubar, 0.01, "combined 2020, nubar part");

  const auto sum9 = [](const std::vector<double>& s) {
    return std::accumulate(s.begin(), s.begin() + 9, 0.0);
  };
  EXPECT_NEAR(sum9(oscillation_signal(loaded(Sample::nu2018), kTestDm2, kTestSin2)), 318.21, 0.01);
  EXPECT_NEAR(sum9(oscillation_signal(loaded(Sample::nu2020), kTestDm2, kTestSin2)), 464.68, 0.01);
}

TEST(MiniBooNE, FullTransmutationVector) {
  const std::vector<double> want{8863.3,  10119.9, 19513.2, 16250.4, 29020.1, 27364.9,
                                 28163.1, 22067.9, 16757.6, 16286.0, 12564.1};
  const Appearance& mb = loaded(Sample::nu2018);
  std::vector<double> p1(mb.signal_size());
  mb.full_transmutation(p1);
  expect_all_near(p1, want, 0.05, "P = 1, nu 2018"); // quoted to 0.1 events
  EXPECT_EQ(mb.monte_carlo(0).rows(), 17204u);       // the normalisation N_rows
}

TEST(MiniBooNE, ThreePlusOneParametersGiveTheSameSignal) {
  const Appearance& mb = loaded(Sample::nu2018);
  // sin²2θμe = 4 |Ue4|² |Uμ4|² = 0.92
  const sterile3p1::Params p{.dm2_41 = kTestDm2, .ue4_sq = 0.46, .umu4_sq = 0.5, .utau4_sq = 0};
  std::vector<double> s(mb.signal_size());
  mb.oscillation_signal(p, s);
  expect_all_near(s, oscillation_signal(mb, kTestDm2, kTestSin2), 1e-9, "params overload");
}

// ---- the fast signal is the per-event sum
// ----------------------------------------------------------

TEST(MiniBooNE, FastSignalEqualsPerEventSum) {
  for (Sample sample : {Sample::nu2018, Sample::nubar2018, Sample::combined2018, Sample::nu2020}) {
    const Appearance& mb = loaded(sample);
    std::vector<double> fast(mb.signal_size()), exact(mb.signal_size());
    for (double dm2 : {0.01, 0.02, 0.041, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0}) {
      mb.oscillation_signal(dm2, 1.0, fast);
      mb.oscillation_signal_exact(dm2, 1.0, exact);
      for (std::size_t i = 0; i < fast.size(); ++i)
        EXPECT_NEAR(fast[i], exact[i], 1e-6)
            << sample_name(sample) << " dm2 " << dm2 << " bin " << i;
    }
  }
}

TEST(MiniBooNE, SeriesOrderGrowsWithDm2AndFallsBackBeyondItsRange) {
  const OscillationTemplate& mc = loaded(Sample::nu2018).monte_carlo(0);
  const auto order = [&](double dm2) { return mc.order_for(sterile3p1::wavenumber(dm2)); };
  EXPECT_LE(order(0.041), 3);
  EXPECT_LE(order(0.041), order(100.0));
  EXPECT_GE(order(100.0), 0);
  EXPECT_EQ(order(1e5), -1); // per-event loop
  std::vector<double> fast(11), exact(11);
  mc.sin2_sums(sterile3p1::wavenumber(1e5), fast);
  mc.sin2_sums_exact(sterile3p1::wavenumber(1e5), exact);
  EXPECT_EQ(fast, exact);
}

TEST(MiniBooNE, FineGridSizeDoesNotChangeTheSignal) {
  const Appearance coarse(Options{.sample = Sample::nu2018, .inputs = kInputs, .fine_bins = 97});
  const Appearance& standard = loaded(Sample::nu2018);
  for (double dm2 : {0.041, 2.0})
    expect_all_near(oscillation_signal(coarse, dm2, 1.0), oscillation_signal(standard, dm2, 1.0),
                    1e-5, "97 vs 1000 fine bins");
}

// ---- energy range, arbitrary signals, errors
// -------------------------------------------------------

TEST(MiniBooNE, LowEnergyRangeDropsTheLastTwoNueBinsOfEachMode) {
  // Values from an independent numpy implementation of the same recipe (collapsed matrix, then
  // the rows/columns of νe bins 10 and 11 removed).
  const struct {
    Sample sample;
    std::size_t bins;
    double no_signal, at_test_point;
  } cases[] = {{Sample::nu2018, 17, 24.9266, 11.9304},
               {Sample::combined2018, 34, 61.8392, 33.1704},
               {Sample::nu2020, 17, 27.8171, 14.0156},
               {Sample::combined2020, 34, 65.5366, 36.0661},
               {Sample::nubar2018, 17, 22.6365, 12.0943}};
  for (const auto& c : cases) {
    const Appearance& mb = loaded(c.sample, EnergyRange::low);
    EXPECT_EQ(mb.chi2_bins(), c.bins);
    EXPECT_EQ(mb.signal_size(), loaded(c.sample).signal_size()); // still 11 per mode
    EXPECT_NEAR(mb.chi2(std::vector<double>(mb.signal_size(), 0.0)), c.no_signal, 1e-3);
    EXPECT_NEAR(mb.chi2(oscillation_signal(mb, kTestDm2, kTestSin2)), c.at_test_point, 1e-3);
  }
}

TEST(MiniBooNE, ArbitrarySignalLikeADarkSectorModel) {
  // 10 events in every νe bin: numpy values of the same recipe.
  EXPECT_NEAR(loaded(Sample::nu2018).chi2(std::vector<double>(11, 10.0)), 17.6090, 1e-3);
  EXPECT_NEAR(loaded(Sample::combined2018).chi2(std::vector<double>(22, 10.0)), 52.1132, 1e-3);
}

TEST(MiniBooNE, RejectsBadSignals) {
  const Appearance& mb = loaded(Sample::combined2018);
  EXPECT_THROW(mb.chi2(std::vector<double>(11, 0.0)), std::invalid_argument);
  std::vector<double> s(22, 1.0);
  s[3] = -1;
  EXPECT_THROW(mb.chi2(s), std::invalid_argument);
  s[3] = std::nan("");
  EXPECT_THROW(mb.chi2(s), std::invalid_argument);
  std::vector<double> short_out(11);
  EXPECT_THROW(mb.oscillation_signal(0.041, 0.9, short_out), std::invalid_argument);
}

TEST(MiniBooNE, NamesAndFingerprints) {
  for (Sample s : {Sample::nu2018, Sample::nubar2018, Sample::combined2018, Sample::nu2020,
                   Sample::combined2020})
    EXPECT_EQ(parse_sample(sample_name(s)), s);
  EXPECT_THROW(parse_sample("nu-2019"), std::invalid_argument);
  EXPECT_EQ(parse_energy_range("200-1250"), EnergyRange::low);
  EXPECT_THROW(parse_energy_range("200-1500"), std::invalid_argument);
  const std::string a = loaded(Sample::combined2018).fingerprint();
  EXPECT_NE(a, loaded(Sample::combined2020).fingerprint());
  EXPECT_NE(a, loaded(Sample::combined2018, EnergyRange::low).fingerprint());
  EXPECT_EQ(a,
            Appearance(Options{.sample = Sample::combined2018, .inputs = kInputs}).fingerprint());
}

TEST(MiniBooNE, MissingInputsNameTheFile) {
  try {
    Appearance(Options{.sample = Sample::nu2018, .inputs = "/nonexistent/inputs"});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/inputs/miniboone/2018/fhc/"),
              std::string::npos)
        << e.what();
  }
}

// ---- table readers
// -----------------------------------------------------------------------------------

namespace {

/// A scratch directory for malformed files, removed at the end of each test.
class ReaderTest : public ::testing::Test {
protected:
  nubayes::testing::AllowModifiedInputs allow_; // hand-made or edited copies
  fs::path dir =
      fs::temp_directory_path() /
      ("nubayes_reader_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir / name;
    std::ofstream(path) << text;
    return path;
  }

  /// Runs f, expecting one std::runtime_error whose one-line message contains each needle.
  template <class F> void expect_error(F&& f, std::initializer_list<std::string> needles) {
    try {
      f();
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      for (const auto& needle : needles)
        EXPECT_NE(message.find(needle), std::string::npos) << message;
    }
  }
};

} // namespace

TEST_F(ReaderTest, ReadsVectorsMatricesAndTablesSkippingCommentsAndBlanks) {
  EXPECT_EQ(read_vector(write("v.txt", "# counts\n1.0  2e1\t+3\n\n4  \n"), 4),
            (std::vector<double>{1, 20, 3, 4}));
  const auto m = read_matrix(write("m.txt", "1 2\n3 4\r\n"), 2, 2);
  EXPECT_EQ(m(1, 0), 3);
  const Table t = read_table(write("t.txt", "1 2 3\n4 5 6\n"), 3);
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.row(1)[2], 6);
}

TEST_F(ReaderTest, MissingFile) {
  expect_error([&] { read_vector(dir / "absent.txt", 3); }, {"absent.txt", "file not found"});
}

TEST_F(ReaderTest, WrongColumnCountNamesTheLine) {
  const auto path = write("ntuple.txt", "1 2 3 4\n5 6 7\n");
  expect_error([&] { read_table(path, 4); },
               {path.string() + ":2:", "expected 4 numbers, found 3"});
  const auto matrix = write("matrix.txt", "1 2\n3 4 5\n");
  expect_error([&] { read_matrix(matrix, 2, 2); },
               {matrix.string() + ":2:", "expected 2 numbers, found 3"});
}

TEST_F(ReaderTest, NonNumericAndNonFiniteTokensNameTheLine) {
  const auto path = write("bad.txt", "1 2\n# comment\n3 x4\n");
  expect_error([&] { read_table(path, 2); }, {path.string() + ":3:", "not a number: 'x4'"});
  expect_error([&] { read_vector(write("half.txt", "1 2.5.3\n"), 2); }, {"half.txt:1:", "'2.5.3'"});
  expect_error([&] { read_vector(write("nan.txt", "1\nnan\n"), 2); },
               {"nan.txt:2:", "not a finite number"});
  expect_error([&] { read_vector(write("inf.txt", "-inf 1\n"), 2); },
               {"inf.txt:1:", "not a finite number"});
  expect_error([&] { read_vector(write("big.txt", "1e999\n"), 1); },
               {"big.txt:1:", "out of range"});
}

TEST_F(ReaderTest, WrongNumberOfEntries) {
  expect_error([&] { read_vector(write("short.txt", "1 2 3\n"), 4); },
               {"short.txt", "expected 4 numbers, found 3"});
  expect_error([&] { read_vector(write("long.txt", "1 2\n3 4 5\n"), 4); },
               {"long.txt:2:", "more than 4 numbers"});
  expect_error([&] { read_matrix(write("rows.txt", "1 2\n"), 2, 2); },
               {"rows.txt", "expected 2 rows"});
  expect_error([&] { read_matrix(write("extra.txt", "1 2\n3 4\n5 6\n"), 2, 2); },
               {"extra.txt:3:", "more than 2 rows"});
  expect_error([&] { read_table(write("empty.txt", "# nothing\n"), 4); }, {"empty.txt", "no data"});
}

TEST_F(ReaderTest, NegativeCountsNameFileAndEntry) {
  const auto path = write("counts.txt", "3 1 -2 4\n");
  expect_error([&] { check_non_negative(read_vector(path, 4), path); },
               {path.string(), "entry 3 is negative (-2)"});
  EXPECT_NO_THROW(check_non_negative(read_vector(write("ok.txt", "0 1 2\n"), 3), dir / "ok.txt"));
}

TEST_F(ReaderTest, NonSymmetricCovarianceNamesFileAndEntry) {
  const auto path = write("cov.txt", "1 0.5 0\n0.5 1 0.2\n0 0.3 1\n");
  expect_error([&] { check_symmetric(read_matrix(path, 3, 3), path); },
               {path.string(), "not symmetric", "(2,3) = 0.2", "(3,2) = 0.3"});
  expect_error(
      [&] {
        check_symmetric(read_matrix(write("rect.txt", "1 2 3\n4 5 6\n"), 2, 3), dir / "rect.txt");
      },
      {"rect.txt", "2x3, not square"});
  EXPECT_NO_THROW(
      check_symmetric(read_matrix(write("sym.txt", "2 1\n1 2\n"), 2, 2), dir / "sym.txt"));
}

TEST_F(ReaderTest, MalformedReleaseFileIsRejectedByTheLikelihood) {
  // a copy of the 2018 ν-mode inputs with one broken covariance entry
  const fs::path root = dir / "inputs";
  fs::create_directories(root / "miniboone" / "2018");
  fs::copy(kInputs / "miniboone" / "2018" / "fhc", root / "miniboone" / "2018" / "fhc");
  const fs::path cov = root / "miniboone/2018/fhc/miniboone_full_fractcovmatrix_nu_lowe.txt";
  std::ifstream in(cov);
  std::string line, text;
  for (int n = 1; std::getline(in, line); ++n)
    text += (n == 5 ? line + " 0.1" : line) + "\n";
  in.close();
  std::ofstream(cov) << text;
  expect_error([&] { Appearance(Options{.sample = Sample::nu2018, .inputs = root}); },
               {cov.string() + ":5:", "expected 30 numbers, found 31"});
}

TEST(InputsDir, EnvironmentOverridesTheCompiledDefault) {
  ::unsetenv("NUBAYES_INPUTS");
  EXPECT_EQ(inputs_dir(), fs::path(NUBAYES_INPUTS_DIR));
  ::setenv("NUBAYES_INPUTS", "/data/elsewhere", 1);
  EXPECT_EQ(inputs_dir(), fs::path("/data/elsewhere"));
  ::setenv("NUBAYES_INPUTS", "", 1);
  EXPECT_EQ(inputs_dir(), fs::path(NUBAYES_INPUTS_DIR));
  ::unsetenv("NUBAYES_INPUTS");
}

// ---- 3+1 formulas
// ----------------------------------------------------------------------------------

namespace {

/// Mean of sin²(k x) over [a, b] by composite Simpson quadrature (many points per period).
double quadrature_mean_sin2(double k, double a, double b) {
  const int n = 200000; // even
  const double h = (b - a) / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double s = std::sin(k * (a + i * h));
    sum += (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2)) * s * s;
  }
  return sum * h / 3 / (b - a);
}

} // namespace

TEST(Sterile3p1, MeanSin2MatchesQuadrature) {
  for (double k : {1e-3, 0.05, 1.267, 12.67, 126.7})
    for (auto [a, b] : std::initializer_list<std::pair<double, double>>{
             {0.2, 0.3}, {0.1, 3.0}, {0.5, 0.5001}, {1.0, 2.5}}) {
      const double exact = quadrature_mean_sin2(k, a, b);
      EXPECT_NEAR(sterile3p1::mean_sin2(k, a, b) / exact, 1.0, 1e-9) << k << " " << a << " " << b;
      EXPECT_DOUBLE_EQ(sterile3p1::mean_sin2(k, a, b),
                       sterile3p1::mean_sin2(k, b, a)); // order-free
    }
}

TEST(Sterile3p1, MeanSin2Limits) {
  // small k: k² (a² + ab + b²) / 3, to full relative precision
  for (double k : {1e-4, 1e-6, 1e-9}) {
    const double a = 0.3, b = 1.7;
    const double limit = k * k * (a * a + a * b + b * b) / 3;
    EXPECT_NEAR(sterile3p1::mean_sin2(k, a, b) / limit, 1.0, 1e-7);
  }
  // vanishing interval: the point value
  for (double x : {0.01, 0.6, 2.9}) {
    const double s = std::sin(5.0 * x);
    EXPECT_NEAR(sterile3p1::mean_sin2(5.0, x, x), s * s, 1e-15);
    EXPECT_NEAR(sterile3p1::mean_sin2(5.0, x, x + 1e-9), s * s, 1e-8);
  }
  // fast oscillations average to one half
  EXPECT_NEAR(sterile3p1::mean_sin2(1e6, 0.2, 3.0), 0.5, 1e-6);
  EXPECT_EQ(sterile3p1::mean_sin2(0.0, 0.2, 3.0), 0.0);
  // 1 − sinc across the series/direct switch at |t| = 0.1
  for (double t : {0.0999999, 0.1, 0.1000001})
    EXPECT_NEAR(sterile3p1::one_minus_sinc(t), 1 - std::sin(t) / t, 1e-15);
  EXPECT_NEAR(sterile3p1::one_minus_sinc(1e-3) / (1e-6 / 6), 1.0, 1e-6);
}

TEST(Sterile3p1, DerivedMixingAnglesAndProbabilities) {
  const sterile3p1::Params p{.dm2_41 = 1.3, .ue4_sq = 0.02, .umu4_sq = 0.01, .utau4_sq = 0.05};
  EXPECT_DOUBLE_EQ(sterile3p1::sin2_2theta_mue(p), 4 * 0.02 * 0.01);
  EXPECT_DOUBLE_EQ(sterile3p1::sin2_2theta_ee(p), 4 * 0.02 * 0.98);
  EXPECT_DOUBLE_EQ(sterile3p1::sin2_2theta_mumu(p), 4 * 0.01 * 0.99);
  EXPECT_DOUBLE_EQ(sterile3p1::wavenumber(1.0), 1.267);

  const double x = 0.52 / 0.8; // MiniBooNE-like L/E, m/MeV
  const double s = std::sin(1.267 * 1.3 * x);
  EXPECT_NEAR(sterile3p1::prob_mue(p, x), 8e-4 * s * s, 1e-15);
  EXPECT_NEAR(sterile3p1::prob_ee(p, x), 1 - 0.0784 * s * s, 1e-15);
  EXPECT_NEAR(sterile3p1::prob_mumu(p, x), 1 - 0.0396 * s * s, 1e-15);
  // averaged forms
  EXPECT_NEAR(sterile3p1::prob_mue(p, 0.5, 0.8),
              8e-4 * sterile3p1::mean_sin2(1.267 * 1.3, 0.5, 0.8), 1e-16);
  EXPECT_NEAR(sterile3p1::prob_ee(p, 0.5, 0.8),
              1 - 0.0784 * quadrature_mean_sin2(1.267 * 1.3, 0.5, 0.8), 1e-12);
}

TEST(Sterile3p1, PhysicalRegion) {
  using sterile3p1::is_physical;
  EXPECT_TRUE(is_physical({.dm2_41 = 1, .ue4_sq = 0.3, .umu4_sq = 0.3, .utau4_sq = 0.4}));
  EXPECT_TRUE(is_physical({.dm2_41 = 0, .ue4_sq = 0, .umu4_sq = 0, .utau4_sq = 0}));
  EXPECT_FALSE(is_physical({.dm2_41 = 1, .ue4_sq = 0.5, .umu4_sq = 0.5, .utau4_sq = 0.1})); // Σ > 1
  EXPECT_FALSE(is_physical({.dm2_41 = 1, .ue4_sq = -0.1, .umu4_sq = 0, .utau4_sq = 0}));
  EXPECT_FALSE(is_physical({.dm2_41 = 1, .ue4_sq = 1.2, .umu4_sq = 0, .utau4_sq = 0}));
  EXPECT_FALSE(is_physical({.dm2_41 = -1, .ue4_sq = 0.1, .umu4_sq = 0.1, .utau4_sq = 0}));
  EXPECT_FALSE(is_physical({.dm2_41 = std::nan(""), .ue4_sq = 0.1, .umu4_sq = 0.1, .utau4_sq = 0}));
  EXPECT_FALSE(is_physical({.dm2_41 = 1, .ue4_sq = std::nan(""), .umu4_sq = 0.1, .utau4_sq = 0}));
}
