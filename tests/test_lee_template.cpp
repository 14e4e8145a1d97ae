// The lee-template model (likelihoods/lee_template_likelihood.h): an electron-like excess of
// fixed shape with strength x. MiniBooNE sees x times its 2018 excess, MicroBooNE the release's
// eLEE template at x, every other experiment the no-signal prediction; and a nested-sampling run
// of x on microboone-inclusive reproduces the grid posterior of docs/microboone.md.
#include "cli_helpers.h"
#include "experiment_table.h"
#include "lee_template_likelihood.h"
#include "microboone_inclusive.h"
#include "run_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace nubayes;
using namespace nubayes::testing;

namespace {

ModelSetup lee_on(const std::string& experiments, const std::vector<PriorSpec>& priors = {}) {
  return make_lee_template(ModelOptions({{"experiments", experiments}}, "data"), priors);
}

std::vector<double> terms_at(const ModelLikelihood& l, double x) {
  std::vector<double> terms(l.term_names().size());
  const std::vector<double> theta{x};
  l.evaluate(theta, terms, {});
  return terms;
}

/// The summed prediction of the observables named `name` of `l` at strength x.
std::vector<double> prediction(const ModelLikelihood& l, double x, const std::string& name) {
  const std::vector<double> theta{x};
  for (const auto& o : l.observables(theta))
    if (o.name == name) return o.prediction;
  ADD_FAILURE() << "no observable " << name;
  return {};
}

double sum_first(const std::vector<double>& v, std::size_t n) {
  return std::accumulate(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), 0.0);
}

} // namespace

// At x = 1 each MiniBooNE mode's signal is its own release's data minus background, clamped at 0
// per bin, compared here with the observables' data and background (read by the appearance code).
TEST(LeeTemplate, MiniBooNESignalIsTheExcessOfEachMode) {
  const ModelSetup lee = lee_on("miniboone-combined-2018");
  const std::vector<double> theta{1.0};
  const auto observables = lee.likelihood->observables(theta);
  ASSERT_EQ(observables.size(), 2u);
  for (const auto& o : observables)
    for (std::size_t b = 0; b < o.data.size(); ++b)
      EXPECT_NEAR(o.prediction[b], std::max(0.0, o.data[b] - o.background[b]), 1e-9) << o.name << b;
  // 200–1250 MeV (the first 9 bins): the events PRL 121 221801 reports, 1959 (ν) and 478 (ν̄).
  EXPECT_EQ(sum_first(observables[0].data, 9), 1959);
  EXPECT_EQ(sum_first(observables[1].data, 9), 478);
  // Linear in x.
  const auto half = prediction(*lee.likelihood, 0.5, observables[0].name);
  for (std::size_t b = 0; b < half.size(); ++b)
    EXPECT_NEAR(half[b], 0.5 * observables[0].prediction[b], 1e-12);
}

// The 2020 ν-mode sample gets the 2018 excess per POT at its own exposure (18.75 / 12.84 ×10²⁰).
TEST(LeeTemplate, ExcessScalesWithExposure) {
  const ModelSetup lee = lee_on("miniboone-nu-2018, miniboone-nu-2020");
  const auto p2018 = prediction(*lee.likelihood, 1.0, "miniboone-nu-2018 nu");
  const auto p2020 = prediction(*lee.likelihood, 1.0, "miniboone-nu-2020 nu");
  ASSERT_EQ(p2018.size(), p2020.size());
  for (std::size_t b = 0; b < p2018.size(); ++b)
    EXPECT_NEAR(p2020[b], p2018[b] * 18.75 / 12.84, 1e-9);
}

// MicroBooNE sees the release's eLEE template at x: the term is chi2_at_lee_strength(x).
TEST(LeeTemplate, MicroBooNETermIsTheReleaseAtX) {
  const ModelSetup lee = lee_on("microboone-inclusive");
  const microboone::Inclusive inclusive;
  for (double x : {0.0, 0.35, 1.0, 2.0}) {
    terms_at(*lee.likelihood, x);
    EXPECT_NEAR(lee.likelihood->last_chi2()[0], inclusive.chi2_at_lee_strength(x), 1e-9) << x;
  }
  // Outside the release's strengths the point is outside the model, never extrapolated.
  const std::vector<double> outside{2.5};
  std::vector<double> terms(1);
  EXPECT_EQ(lee.likelihood->evaluate(outside, terms, {}), -std::numeric_limits<double>::infinity());
}

// On every other experiment the model is the no-signal prediction (the three-flavour sector,
// ModelPoint{}), bit for bit.
TEST(LeeTemplate, OtherExperimentsSeeNoSignal) {
  const ModelSetup lee = lee_on("all");
  const ExperimentChoice all = make_experiments(ModelOptions({{"experiments", "all"}}, "data"));
  const auto names = lee.likelihood->term_names();
  ASSERT_EQ(names.size(), all.experiments.size());
  terms_at(*lee.likelihood, 1.3);
  const auto with_excess = lee.likelihood->last_chi2();
  for (std::size_t t = 0; t < names.size(); ++t) {
    ASSERT_EQ(names[t], all.experiments[t]->name());
    double none = 0;
    all.experiments[t]->loglike(ModelPoint{}, none);
    if (names[t].starts_with("miniboone-combined"))
      EXPECT_GT(std::abs(with_excess[t] - none), 1) << names[t];
    else
      EXPECT_EQ(with_excess[t], none) << names[t];
  }
}

TEST(LeeTemplate, PriorOutsideTheReleaseIsRefused) {
  for (const char* prior : {"uniform 0 3", "gaussian 1 0.2", "fixed -0.1", "uniform -1 1"})
    EXPECT_THROW(lee_on("lsnd", {PriorSpec::parse("lee_strength", prior)}), std::invalid_argument)
        << prior;
  EXPECT_THROW(lee_on("lsnd", {PriorSpec::parse("dm2_41", "uniform 0 1")}), std::invalid_argument);
  EXPECT_EQ(lee_on("lsnd", {PriorSpec::parse("lee_strength", "uniform 0 1")}).priors[0].b, 1);
}

TEST(LeeTemplate, EvalStatesWhatEachTermTakes) {
  const auto dir = scratch_dir("lee_eval");
  write_file(dir / "l.ini", "[run]\noutput = " + (dir / "l.h5").string() +
                                "\n[model]\nname = lee-template\n[data]\nexperiments = "
                                "miniboone-combined-2018, microboone-inclusive, lsnd\n");
  const auto r = run_nubayes("eval --config " + (dir / "l.ini").string() + " --at lee_strength=1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("electron-like excess of strength x = 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2018 release's nu_e excess"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("release's eLEE template"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nu_e selections only"), std::string::npos) << r.output;
}

// Issue 13, item 1: a nested-sampling run of x on microboone-inclusive (flat prior on [0, 2])
// against the grid posterior of the same ln L (docs/microboone.md, "full ln L" column). The
// tolerances come from the run's own errors: 4 × its ln Z error, and for the posterior the
// binomial error of a weighted CDF with the run's Kish effective sample size.
TEST(LeeTemplate, NestedSamplingReproducesTheGridPosterior) {
  // Grid: L(x) of the experiment's full ln L on 4001 points.
  const ModelSetup lee = lee_on("microboone-inclusive");
  constexpr int steps = 4000;
  std::vector<double> lnl(steps + 1);
  std::vector<double> term(1);
  for (int i = 0; i <= steps; ++i)
    lnl[i] = lee.likelihood->evaluate(std::vector<double>{2.0 * i / steps}, term, {});
  const double peak = *std::max_element(lnl.begin(), lnl.end());
  std::vector<double> cdf(lnl.size());
  double total = 0;
  for (std::size_t i = 0; i < lnl.size(); ++i) {
    const double w = std::exp(lnl[i] - peak) * (i == 0 || i + 1 == lnl.size() ? 0.5 : 1.0);
    cdf[i] = total += w;
  }
  const double grid_logz = peak + std::log(total / steps); // (1/2) ∫₀² L dx, trapezoid
  for (double& c : cdf)
    c /= total;
  const double upper9545 =
      2.0 * static_cast<double>(std::lower_bound(cdf.begin(), cdf.end(), 0.9545) - cdf.begin()) /
      steps;
  EXPECT_NEAR(upper9545, 0.4205, 0.002); // docs/microboone.md

  const auto dir = scratch_dir("lee_nested");
  write_file(dir / "l.ini", "[run]\noutput = " + (dir / "l.h5").string() +
                                "\nseed = 7\n[sampler]\nnlive = 500\n[model]\nname = lee-template\n"
                                "[data]\nexperiments = microboone-inclusive\n");
  const auto r = run_nubayes("run --config " + (dir / "l.ini").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const RunFileContents run = read_run_file((dir / "l.h5").string());
  EXPECT_NEAR(run.number("logz"), grid_logz, 4 * run.number("logz_err"));

  const auto& x = run.columns.at("lee_strength");
  const auto& logwt = run.columns.at("logwt");
  const double top = *std::max_element(logwt.begin(), logwt.end());
  double sum_w = 0, sum_w2 = 0, below = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = std::exp(logwt[i] - top);
    sum_w += w;
    sum_w2 += w * w;
    if (x[i] <= upper9545) below += w;
  }
  const double ess = sum_w * sum_w / sum_w2;
  ASSERT_GT(ess, 500);
  EXPECT_NEAR(below / sum_w, 0.9545, 4 * std::sqrt(0.9545 * 0.0455 / ess));
}
