#include "microboone_oscillation.h"

#include "miniboone_flux.h"
#include "reactor.h"
#include "sterile3p1.h"
#include "table_reader.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nubayes::microboone {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFolder = "microboone/inclusive_WireCell_2110.13978";
constexpr const char* kNtuple = "miniboone/2018/fhc/miniboone_numunuefullosc_ntuple.txt";
constexpr std::size_t kAnalysisBins = 26; ///< νeCC and νμCC: 25 × 0.1 GeV + overflow
constexpr const char* kMatrices[4] = {"nueCC_FC", "nueCC_PC", "numuCC_FC", "numuCC_PC"};
/// Offsets of the channels in the 137-bin block order (microboone_inclusive.h).
constexpr Eigen::Index kNueFc = 0, kNuePc = 26, kNumuFc = 52, kNumuPc = 78, kCcPi0 = 104,
                       kCcPi0Bins = 22, kNcPi0 = 126, kNcPi0Bins = 11;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

/// The 60 × 60 matrix, checked (finite, >= 0, not empty).
Eigen::MatrixXd read_smearing(const fs::path& path) {
  Eigen::MatrixXd m = read_matrix(path, kTrueBins, kTrueBins);
  check_non_negative({m.data(), static_cast<std::size_t>(m.size())}, path);
  if (m.sum() <= 0) fail(path, "the smearing matrix is empty");
  return m;
}

/// Per analysis bin, the true-energy distribution of the bin's reco columns, normalised to 1. A
/// bin no event reaches gets the channel's overall distribution (its signal is 0 in the release
/// wherever that happens, so the choice only keeps the numbers finite).
Eigen::Matrix<double, 26, kTrueBins, Eigen::RowMajor> true_distributions(const Eigen::MatrixXd& m) {
  Eigen::Matrix<double, 26, kTrueBins, Eigen::RowMajor> w;
  const Eigen::VectorXd all = m.rowwise().sum() / m.sum();
  for (std::size_t r = 0; r < kAnalysisBins; ++r) {
    const Eigen::Index first = static_cast<Eigen::Index>(2 * r);
    const Eigen::Index columns =
        r + 1 < kAnalysisBins ? 2 : static_cast<Eigen::Index>(kTrueBins) - first;
    const Eigen::VectorXd in_bin = m.middleCols(first, columns).rowwise().sum();
    const double total = in_bin.sum();
    w.row(static_cast<Eigen::Index>(r)) =
        (total > 0 ? Eigen::VectorXd(in_bin / total) : all).transpose();
  }
  return w;
}

} // namespace

Baselines read_baselines(const fs::path& inputs) {
  const fs::path path = inputs / kNtuple;
  const Table t = read_table(path, 4);
  if (t.rows() == 0) fail(path, "no events");
  double lo = t.row(0)[2], hi = lo;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const double l = t.row(i)[2];
    if (!(l > 100 * kBaselineShiftM))
      fail(path, "row " + std::to_string(i + 1) + ": baseline " + std::to_string(l) +
                     " cm is not beyond 71 m");
    lo = std::min(lo, l);
    hi = std::max(hi, l);
  }
  Baselines b;
  b.weights.assign(kBaselineBins, 0.0);
  const double width = (hi - lo) / static_cast<double>(kBaselineBins);
  double total = 0;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const auto row = t.row(i);
    const auto bin = std::min(kBaselineBins - 1, static_cast<std::size_t>((row[2] - lo) / width));
    b.weights[bin] += row[3];
    total += row[3];
  }
  if (!(total > 0)) fail(path, "the event weights sum to " + std::to_string(total));
  for (std::size_t k = 0; k < kBaselineBins; ++k) {
    b.weights[k] /= total;
    const double centre_cm = lo + (static_cast<double>(k) + 0.5) * width;
    b.metres.push_back(centre_cm / 100 - kBaselineShiftM);
  }
  return b;
}

OscillationResponse::OscillationResponse(const Release& release, const fs::path& inputs)
    : unoscillated_(release.prediction), signal_(release.prediction - release.background),
      background_(release.background), baselines_(read_baselines(inputs)) {
  std::uint64_t hash = reactor::kHashSeed;
  for (std::size_t c = 0; c < 4; ++c) {
    const Eigen::MatrixXd m =
        read_smearing(inputs / kFolder / (std::string(kMatrices[c]) + "_energy_res.txt"));
    weights_[c] = true_distributions(m);
    reactor::hash_values(hash, {m.data(), static_cast<std::size_t>(m.size())});
    if (c == 2) {
      const Eigen::VectorXd all = m.rowwise().sum() / m.sum();
      for (std::size_t t = 0; t < kTrueBins; ++t)
        numu_fc_true_[t] = all(static_cast<Eigen::Index>(t));
    }
  }
  const miniboone::BnbFlux flux(miniboone::HornMode::fhc, inputs);
  for (std::size_t t = 0; t < kTrueBins; ++t) {
    const double nue = flux.per_bin(miniboone::Flavour::nue, t);
    flux_ratio_[t] = nue > 0 ? flux.per_bin(miniboone::Flavour::numu, t) / nue : 0.0;
  }
  reactor::hash_values(hash, flux_ratio_);
  reactor::hash_values(hash, baselines_.metres);
  reactor::hash_values(hash, baselines_.weights);
  inputs_hash_ = reactor::hex(hash);
}

void OscillationResponse::probabilities(const Transition& t,
                                        std::array<double, kTrueBins>& out) const {
  if (!t.oscillates()) {
    out.fill(t.constant);
    return;
  }
  for (std::size_t b = 0; b < kTrueBins; ++b)
    out[b] = t.constant + t.amplitude * sin2_[b];
}

void OscillationResponse::fold(const Weights& w, const std::array<double, kTrueBins>& f,
                               Eigen::Ref<Eigen::VectorXd> out) {
  out = w * Eigen::Map<const Eigen::Matrix<double, kTrueBins, 1>>(f.data());
}

BeamTransitions BeamTransitions::of(const NeutrinoSector& sector) {
  return {transition(sector, Flavour::mu, Flavour::e), transition(sector, Flavour::e, Flavour::e),
          transition(sector, Flavour::mu, Flavour::mu),
          transition(sector, Flavour::mu, Flavour::tau)};
}

BeamTransitions BeamTransitions::appearance_only(double sin2_2theta_mue, double dm2_41) {
  BeamTransitions t;
  t.mu_e = {0, sin2_2theta_mue, sterile3p1::wavenumber(dm2_41)};
  return t;
}

void OscillationResponse::predict(const BeamTransitions& t, Eigen::VectorXd& prediction) const {
  const Transition& me = t.mu_e;
  const Transition& ee = t.e_e;
  const Transition& mm = t.mu_mu;
  const Transition& mt = t.mu_tau;
  const auto unchanged = [](const Transition& t, double delta) {
    return t.constant == delta && t.amplitude == 0;
  };
  if (unchanged(me, 0) && unchanged(ee, 1) && unchanged(mm, 1) && unchanged(mt, 0)) {
    // No flavour change: the release's own numbers, bit for bit (S + B − B + B is not S + B).
    prediction = unoscillated_;
    p_me_.fill(0);
    return;
  }
  // ⟨sin²(k L/E)⟩ per true bin, shared by every oscillating channel (one wavenumber).
  const double k = me.oscillates()   ? me.wavenumber
                   : ee.oscillates() ? ee.wavenumber
                                     : mm.wavenumber;
  if (k != 0)
    for (std::size_t b = 0; b < kTrueBins; ++b) {
      const double e_lo = 1000 * kTrueBinGev * static_cast<double>(b); // MeV
      const double e_hi = e_lo + 1000 * kTrueBinGev;
      double s = 0;
      for (std::size_t l = 0; l < kBaselineBins; ++l) {
        const double metres = baselines_.metres[l];
        s += baselines_.weights[l] *
             (b == 0 ? 0.5 : sterile3p1::mean_sin2(k, metres / e_hi, metres / e_lo));
      }
      sin2_[b] = s;
    }
  probabilities(ee, p_ee_);
  probabilities(me, p_me_);
  probabilities(mm, p_mm_);
  probabilities(mt, p_mt_);

  prediction = background_;
  Eigen::Matrix<double, 26, 1> factor;
  for (std::size_t c = 0; c < 2; ++c) { // νe FC, PC: survival + appearance
    for (std::size_t b = 0; b < kTrueBins; ++b)
      scratch_[b] = p_ee_[b] + flux_ratio_[b] * p_me_[b];
    fold(weights_[c], scratch_, factor);
    const Eigen::Index at = c == 0 ? kNueFc : kNuePc;
    prediction.segment(at, 26).array() += signal_.segment(at, 26).array() * factor.array();
  }
  for (std::size_t c = 2; c < 4; ++c) { // νμ FC, PC: survival
    fold(weights_[c], p_mm_, factor);
    const Eigen::Index at = c == 2 ? kNumuFc : kNumuPc;
    prediction.segment(at, 26).array() += signal_.segment(at, 26).array() * factor.array();
  }
  double cc = 0, nc = 0;
  for (std::size_t b = 0; b < kTrueBins; ++b) {
    cc += numu_fc_true_[b] * p_mm_[b];
    nc += numu_fc_true_[b] * (p_me_[b] + p_mm_[b] + p_mt_[b]);
  }
  prediction.segment(kCcPi0, kCcPi0Bins) += cc * signal_.segment(kCcPi0, kCcPi0Bins);
  prediction.segment(kNcPi0, kNcPi0Bins) += nc * signal_.segment(kNcPi0, kNcPi0Bins);
}

std::vector<double> OscillationResponse::appearance(const BeamTransitions& transitions) const {
  Eigen::VectorXd full;
  predict(transitions, full); // fills p_me_
  std::vector<double> out;
  Eigen::Matrix<double, 26, 1> factor;
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t b = 0; b < kTrueBins; ++b)
      scratch_[b] = flux_ratio_[b] * p_me_[b];
    fold(weights_[c], scratch_, factor);
    const Eigen::Index at = c == 0 ? kNueFc : kNuePc;
    for (Eigen::Index r = 0; r < 26; ++r)
      out.push_back(signal_(at + r) * factor(r));
  }
  return out;
}

std::string OscillationResponse::fingerprint() const {
  return "microboone-oscillation smearing=v3 baselines=miniboone-ntuple-71m inputs=" + inputs_hash_;
}

} // namespace nubayes::microboone
