#include "dayabay_spectra.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nubayes::dayabay_spectra {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what);
}

} // namespace

Relative::Relative(const Options& options) : options_(options), average_(1, 0.0, 1.0, 1.0) {
  // Columns (comma-separated): E_low E_high E_centre N_obs N_pred(3ν best fit) N_pred(no osc.)
  // N_bkg and five background components; the predictions include the background.
  for (std::size_t h = 0; h < kHalls; ++h) {
    const fs::path path =
        options.inputs / ("reactor/dayabay/DataEH" + std::to_string(h + 1) + ".dat");
    const Table t = read_table(path, 12, true);
    expect_rows(t, kBins, path);
    for (std::size_t b = 0; b < kBins; ++b) {
      const auto r = t.row(b);
      const std::string where = "row " + std::to_string(b + 1) + ": ";
      if (h == 0) {
        if (!(r[0] < r[1])) fail(path, where + "bin edges must increase");
        if (b > 0 && std::abs(r[0] - upper_.back()) > 1e-9)
          fail(path, where + "bins must be contiguous");
        lower_.push_back(r[0]);
        upper_.push_back(r[1]);
      } else if (r[0] != lower_[b] || r[1] != upper_[b]) {
        fail(path, where + "bin edges differ from DataEH1.dat");
      }
      if (!(r[3] > 0)) fail(path, where + "N_obs must be > 0");
      if (!(r[6] >= 0)) fail(path, where + "N_bkg must be >= 0");
      if (!(r[5] > r[6] && r[4] > r[6]))
        fail(path, where + "predictions must exceed the background");
      observed_.push_back(r[3]);
      signal_.push_back(r[3] - r[6]);
      best_fit_.push_back(r[4] - r[6]);
      null_.push_back(r[5] - r[6]);
    }
    reactor::hash_values(data_hash_, t.values);
  }
  average_ = far_near::average_for(far_near::dayabay_setup(), lower_, upper_);
  three_flavour_ = far_near::three_flavour_terms(average_, options_.three);
  sin2_.resize(average_.rows());
  survival_.resize(average_.rows());
}

void Relative::predict(const sterile3p1::Params& p, std::span<double> events) const {
  if (events.size() != kHalls * kBins) throw std::invalid_argument("dayabay spectra: wrong size");
  far_near::survival(average_, three_flavour_, p, sin2_, survival_);
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i] = null_[i] * survival_[i];
}

double Relative::chi2(const sterile3p1::Params& p) const {
  far_near::survival(average_, three_flavour_, p, sin2_, survival_);
  double chi2 = 0;
  for (std::size_t b = 0; b < kBins; ++b) {
    double s_sum = 0, p_sum = 0;
    for (std::size_t h = 0; h < kHalls; ++h) {
      s_sum += signal_[h * kBins + b];
      p_sum += null_[h * kBins + b] * survival_[h * kBins + b];
    }
    if (!(p_sum > 0)) return std::numeric_limits<double>::infinity();
    for (std::size_t h = 0; h < kHalls; ++h) {
      const std::size_t i = h * kBins + b;
      const double delta = signal_[i] - s_sum * null_[i] * survival_[i] / p_sum;
      chi2 += delta * delta / observed_[i];
    }
  }
  return std::isfinite(chi2) ? chi2 : std::numeric_limits<double>::infinity();
}

std::string Relative::fingerprint() const {
  std::ostringstream out;
  out << "dayabay-1230d-spectra data=" << reactor::hex(data_hash_)
      << " sin2_2theta13=" << options_.three.sin2_2theta13;
  return out.str();
}

} // namespace nubayes::dayabay_spectra
