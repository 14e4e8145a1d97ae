#include "miniboone_excess_shape.h"

#include "miniboone_tables.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nubayes::miniboone {

namespace fs = std::filesystem;

namespace {

struct Files {
  const char* dir;
  const char* data;
  const char* background;
  const char* lower = nullptr; ///< 2018 error-bar ends
  const char* upper = nullptr;
  const char* edges = nullptr; ///< 2020 edge files
  std::size_t bins = 0;
  double x_scale = 1; ///< multiplies the x column to get the edges' unit (MeV → GeV)
};

Files files_of(Distribution d) {
  switch (d) {
  case Distribution::costheta_nu_2018:
    return {"digitized_2018",
            "costheta_nu_data.dat",
            "costheta_nu_data_bkg.dat",
            "costheta_nu_data_lowererror.dat",
            "costheta_nu_data_uppererror.dat",
            nullptr,
            10};
  case Distribution::evis_nu_2018:
    return {"digitized_2018",
            "Evis_nu_data.dat",
            "Evis_nu_data_bkg.dat",
            "Evis_nu_data_lowererror.dat",
            "Evis_nu_data_uppererror.dat",
            nullptr,
            19};
  case Distribution::evis_nubar_2018:
    return {"digitized_2018",
            "Evis_nubar_data.dat",
            "Evis_nubar_data_bkg.dat",
            "Evis_nubar_data_lowererror.dat",
            "Evis_nubar_data_uppererror.dat",
            nullptr,
            19};
  case Distribution::costheta_nu_2020:
    return {"digitized_2020",
            "cosTheta_data.dat",
            "cosTheta_bkg.dat",
            nullptr,
            nullptr,
            "Costheta_bin_edges.dat",
            20};
  case Distribution::evis_nu_2020:
    return {"digitized_2020",
            "Evis_data.dat",
            "Evis_bkg.dat",
            nullptr,
            nullptr,
            "Evis_bin_edges.dat",
            23,
            1e-3};
  }
  throw std::invalid_argument("unknown MiniBooNE distribution");
}

std::vector<double> uniform_edges(double lo, double hi, std::size_t bins) {
  std::vector<double> edges(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i)
    edges[i] = lo + (hi - lo) * i / bins;
  return edges;
}

/// The edges the paper's figure uses (2018: not in the files; from the figures' axes).
std::vector<double> edges_of(Distribution d, const Files& f, const fs::path& dir) {
  switch (d) {
  case Distribution::costheta_nu_2018:
    return uniform_edges(-1, 1, 10);
  case Distribution::evis_nu_2018:
  case Distribution::evis_nubar_2018:
    return uniform_edges(0.1, 2.0, 19);
  default:
    return read_edges(dir / f.edges, f.bins + 1);
  }
}

/// The y column of a two-column digitisation, after checking its x column against the bins.
std::vector<double> column(const fs::path& path, Distribution d, const Files& f,
                           const std::vector<double>& edges, bool counts) {
  const Table t = read_rows(path, f.bins, 2);
  std::vector<double> y(f.bins);
  const double x0 = t.row(0)[0], step = (t.row(f.bins - 1)[0] - x0) / double(f.bins - 1);
  for (std::size_t r = 0; r < f.bins; ++r) {
    const double x = t.row(r)[0] * f.x_scale;
    if (d == Distribution::evis_nu_2018) {
      // the x column is an affine miscalibration of the bin centres: check only even spacing
      if (std::abs(t.row(r)[0] - (x0 + r * step)) > 0.05 * std::abs(step))
        fail_row(path, r, "digitised rows not evenly spaced");
    } else if (!(x >= edges[r] && x <= edges[r + 1])) {
      fail_row(path, r,
               "bin centre " + std::to_string(x) + " outside its bin [" + std::to_string(edges[r]) +
                   ", " + std::to_string(edges[r + 1]) + "]");
    }
    y[r] = t.row(r)[1];
    if (counts && !(y[r] >= 0)) fail_row(path, r, "negative count");
  }
  return y;
}

} // namespace

std::string_view distribution_name(Distribution d) {
  switch (d) {
  case Distribution::costheta_nu_2018:
    return "costheta-nu-2018";
  case Distribution::evis_nu_2018:
    return "evis-nu-2018";
  case Distribution::evis_nubar_2018:
    return "evis-nubar-2018";
  case Distribution::costheta_nu_2020:
    return "costheta-nu-2020";
  case Distribution::evis_nu_2020:
    return "evis-nu-2020";
  }
  throw std::invalid_argument("unknown MiniBooNE distribution");
}

std::vector<double> DigitisedDistribution::excess() const {
  std::vector<double> x(bins());
  for (std::size_t i = 0; i < bins(); ++i)
    x[i] = data[i] - background[i];
  return x;
}

DigitisedDistribution load_distribution(Distribution d, const fs::path& inputs) {
  const Files f = files_of(d);
  const fs::path dir = inputs / "miniboone" / f.dir;
  DigitisedDistribution out{d, edges_of(d, f, dir), {}, {}, {}};
  out.data = column(dir / f.data, d, f, out.edges, true);
  out.background = column(dir / f.background, d, f, out.edges, true);
  out.error.resize(f.bins);
  if (f.lower == nullptr) {
    for (std::size_t i = 0; i < f.bins; ++i) {
      if (!(out.data[i] > 0)) fail_row(dir / f.data, i, "zero count: no statistical error");
      out.error[i] = std::sqrt(out.data[i]);
    }
  } else {
    // error-bar ends may dip below zero in principle: not counts
    const auto lower = column(dir / f.lower, d, f, out.edges, false);
    const auto upper = column(dir / f.upper, d, f, out.edges, false);
    for (std::size_t i = 0; i < f.bins; ++i) {
      if (!(upper[i] > lower[i])) fail_row(dir / f.upper, i, "upper error-bar end below the lower");
      out.error[i] = 0.5 * (upper[i] - lower[i]);
    }
  }
  return out;
}

double excess_chi2(const DigitisedDistribution& dist, std::span<const double> prediction,
                   ShapeStatistic statistic) {
  const std::size_t n = dist.bins();
  if (prediction.size() != n)
    throw std::invalid_argument(
        "excess_chi2: " + std::string(distribution_name(dist.distribution)) + " has " +
        std::to_string(n) + " bins, prediction has " + std::to_string(prediction.size()));
  double total = 0;
  for (double s : prediction) {
    if (!(s >= 0 && std::isfinite(s)))
      throw std::invalid_argument("excess_chi2: prediction entries must be finite and >= 0");
    total += s;
  }
  double chi2 = 0;
  switch (statistic) {
  case ShapeStatistic::shape: {
    if (!(total > 0)) throw std::invalid_argument("excess_chi2: shape of a zero prediction");
    double excess_total = 0;
    for (std::size_t i = 0; i < n; ++i)
      excess_total += dist.data[i] - dist.background[i];
    for (std::size_t i = 0; i < n; ++i) {
      const double r = dist.data[i] - dist.background[i] - excess_total * prediction[i] / total;
      chi2 += r * r / (dist.error[i] * dist.error[i]);
    }
    break;
  }
  case ShapeStatistic::rate:
    for (std::size_t i = 0; i < n; ++i) {
      const double r = dist.data[i] - dist.background[i] - prediction[i];
      chi2 += r * r / (dist.error[i] * dist.error[i]);
    }
    break;
  case ShapeStatistic::poisson:
    for (std::size_t i = 0; i < n; ++i) {
      const double mu = dist.background[i] + prediction[i], d = dist.data[i];
      chi2 += 2 * (mu - d + (d > 0 ? d * std::log(d / mu) : 0));
    }
    break;
  }
  return chi2;
}

} // namespace nubayes::miniboone
