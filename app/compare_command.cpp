// nubayes compare: Bayes factors between runs, with errors, odds, the Kass-Raftery scale and
// an equivalent significance.
#include "commands.h"
#include "command_line.h"
#include "text_format.h"

#include "exit_codes.h"
#include "parse_number.h"
#include "run_file.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <gsl/gsl_cdf.h>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace nubayes {

namespace {

struct RunRow {
  std::string path, model, datasets, method;
  std::string parameter_space; ///< the prior lines: two runs of one model must share them to be twins
  double logz = 0, logz_err = 0, best_logl = -INFINITY;
  std::vector<std::pair<std::string, double>> best_terms;
};

RunRow load_row(const std::string& path) {
  const RunFileContents c = read_run_file(path);
  if (!c.complete())
    throw std::runtime_error(path + ": run is not complete (status '" + c.text("status") + "'); resume it first");
  RunRow r;
  r.path = path;
  r.model = c.text("model");
  r.datasets = c.text("datasets");
  r.method = c.text("logz_method");
  for (const auto& v : c.variables)
    if (!v.is_derived) r.parameter_space += v.name + " = " + v.prior + "\n";
  r.logz = c.number_attributes.at("logz");
  r.logz_err = c.number_attributes.at("logz_err");
  if (!std::isfinite(r.logz) || !std::isfinite(r.logz_err))
    throw std::runtime_error(path + ": run has no evidence (" +
                             (c.is_mcmc() ? "an MCMC run without tempering: use algorithm = tempered, or nested sampling"
                                          : "ln Z is not finite") + ")");
  const auto& logl = c.columns.at("logl");
  const auto best = static_cast<std::size_t>(std::max_element(logl.begin(), logl.end()) - logl.begin());
  r.best_logl = logl[best];
  for (const auto& t : c.terms) r.best_terms.emplace_back(t, c.columns.at("loglike_" + t)[best]);
  return r;
}

/// Kass & Raftery (1995) on 2 ln B.
std::string kass_raftery(double ln_b) {
  const double two = 2 * std::abs(ln_b);
  const char* strength = two < 2 ? "not worth more than a bare mention" : two < 6 ? "positive" : two < 10 ? "strong" : "very strong";
  if (two < 2) return strength;
  return std::string(strength) + (ln_b > 0 ? " for" : " against");
}

/// The significance whose p-value makes the Sellke-Bayarri-Berger bound -1/(e p ln p) equal to
/// B (B > 1): the smallest p-value (largest sigma) compatible with that Bayes factor.
double equivalent_sigma(double ln_b) {
  if (ln_b <= 0) return 0;
  // Solve -e p ln p = 1/B for p < 1/e by bisection in ln p.
  const double target = -ln_b;
  double lo = -700, hi = -1; // ln p
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double value = 1 + mid + std::log(-mid); // ln(-e p ln p)
    (value > target ? hi : lo) = mid;
  }
  const double p = std::exp(0.5 * (lo + hi));
  return gsl_cdf_ugaussian_Qinv(p / 2);
}

/// Short name of an evidence method for the table.
std::string method_label(const std::string& method) {
  if (method == "nested_sampling") return "NS";
  if (method == "nested_sampling_reweighted") return "NS-rw";
  if (method == "thermodynamic_integration") return "TI";
  return method;
}

/// Index of an earlier run of the same model, priors and data (its second evidence), or -1.
long earlier_twin(const std::vector<RunRow>& rows, std::size_t i) {
  for (std::size_t j = 0; j < i; ++j)
    if (rows[j].model == rows[i].model && rows[j].datasets == rows[i].datasets &&
        rows[j].parameter_space == rows[i].parameter_space)
      return static_cast<long>(j);
  return -1;
}

/// The numbers of one row of the table, unrounded for --json.
struct ComparedRun {
  double ln_b = 0, ln_b_err = 0, posterior_prob = 0, sigma_equiv = 0;
};

/// The table as a JSON array, one object per run: every number with all its digits (null where
/// not finite), every string escaped.
void print_json(const std::vector<RunRow>& rows, const std::vector<ComparedRun>& compared,
                const std::vector<std::vector<std::string>>& table, const std::vector<long>& twin) {
  std::cout << "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RunRow& r = rows[i];
    const ComparedRun& c = compared[i];
    std::cout << (i ? ", " : "") << "{\"run\": " << json_string(r.path)
              << ", \"model\": " << json_string(r.model)
              << ", \"method\": " << json_string(table[i][2])
              << ", \"lnZ\": " << json_number(r.logz) << ", \"err\": " << json_number(r.logz_err)
              << ", \"lnB_vs_ref\": " << json_number(c.ln_b)
              << ", \"lnB_err\": " << json_number(c.ln_b_err) << ", \"posterior_prob\": "
              << (twin[i] >= 0 ? json_string(table[i][7]) : json_number(c.posterior_prob))
              << ", \"kass_raftery\": " << json_string(table[i][8])
              << ", \"sigma_equiv\": " << json_number(c.sigma_equiv)
              << ", \"minus2lnL_max\": " << json_number(-2 * r.best_logl)
              << ", \"cross_check\": " << json_string(table[i][11]) << ", \"best_fit_terms\": {";
    for (std::size_t t = 0; t < r.best_terms.size(); ++t)
      std::cout << (t ? ", " : "") << json_string(r.best_terms[t].first) << ": "
                << json_number(r.best_terms[t].second);
    std::cout << "}}";
  }
  std::cout << "]\n";
}

} // namespace

int command_compare(const std::vector<std::string>& args) {
  po::options_description named("nubayes compare options");
  named.add_options()("help,h", "this help")("runs", po::value<std::vector<std::string>>()->multitoken(), "run files")(
      "reference", po::value<std::string>(), "run file to compare against (default: highest ln Z)")(
      "prior-odds", po::value<std::string>(), "comma-separated prior odds per run (default: all 1)")(
      "json", po::bool_switch(), "JSON output")("csv", po::bool_switch(), "CSV output")(
      "markdown", po::bool_switch(), "Markdown table")("force", po::bool_switch(), "compare runs on different data");
  po::positional_options_description positional;
  positional.add("runs", -1);
  const auto parsed = parse_command_line(args, named, positional, "compare");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") || !vm.count("runs")) {
    (vm.count("help") ? std::cout : std::cerr)
        << "usage: nubayes compare RUN.h5 RUN.h5 ... [options]\n"
        << named;
    return vm.count("help") ? exit_code::ok : exit_code::bad_input;
  }
  try {
    std::vector<RunRow> rows;
    for (const auto& p : vm["runs"].as<std::vector<std::string>>()) rows.push_back(load_row(p));
    for (const auto& r : rows)
      if (r.datasets != rows.front().datasets && !vm["force"].as<bool>())
        throw std::invalid_argument("runs use different data ('" + rows.front().datasets + "' in " + rows.front().path +
                                    ", '" + r.datasets + "' in " + r.path + "); Bayes factors need the same data (--force to compare anyway)");
    std::vector<double> prior_odds(rows.size(), 1.0);
    if (vm.count("prior-odds")) {
      std::istringstream in(vm["prior-odds"].as<std::string>());
      std::size_t i = 0;
      for (std::string item; std::getline(in, item, ','); ++i) {
        if (i >= rows.size()) throw std::invalid_argument("--prior-odds: more values than runs");
        const auto odds = parse_finite(item);
        if (!odds || !(*odds > 0)) throw std::invalid_argument("--prior-odds: '" + item + "' is not a positive number");
        prior_odds[i] = *odds;
      }
      if (i != rows.size()) throw std::invalid_argument("--prior-odds: one value per run");
    }
    // A model may come twice (nested sampling and tempered MCMC): the first run counts for the
    // model probabilities, the second is its cross-check.
    std::vector<long> twin(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) twin[i] = earlier_twin(rows, i);
    std::size_t ref = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (twin[i] < 0 && rows[i].logz > rows[ref].logz) ref = i;
    if (vm.count("reference")) {
      const auto it = std::find_if(rows.begin(), rows.end(), [&](const RunRow& r) { return r.path == vm["reference"].as<std::string>(); });
      if (it == rows.end()) throw std::invalid_argument("--reference " + vm["reference"].as<std::string>() + " is not among the runs");
      ref = static_cast<std::size_t>(it - rows.begin());
    }
    // Posterior model probabilities from evidences and prior odds.
    double max_term = -INFINITY;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (twin[i] < 0) max_term = std::max(max_term, rows[i].logz + std::log(prior_odds[i]));
    double norm = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (twin[i] < 0) norm += std::exp(rows[i].logz + std::log(prior_odds[i]) - max_term);

    const std::vector<std::string> header{"run", "model", "method", "lnZ", "err", "lnB_vs_ref", "lnB_err", "posterior_prob",
                                          "kass_raftery", "sigma_equiv", "minus2lnL_max", "cross_check"};
    std::vector<std::string> disagreements;
    std::vector<std::vector<std::string>> table;
    std::vector<ComparedRun> compared;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const RunRow& r = rows[i];
      const double ln_b = r.logz - rows[ref].logz;
      const double err = i == ref ? 0.0 : std::hypot(r.logz_err, rows[ref].logz_err);
      const double prob = std::exp(r.logz + std::log(prior_odds[i]) - max_term) / norm;
      // The second evidence of a model: how many combined sigmas from the first.
      std::string check;
      if (twin[i] >= 0) {
        const RunRow& first = rows[static_cast<std::size_t>(twin[i])];
        const double z = std::abs(r.logz - first.logz) / std::hypot(r.logz_err, first.logz_err);
        check = fixed(z, 2) + " sigma from " + method_label(first.method) + (z > 3 ? ": DISAGREE" : ": agree");
        if (z > 3)
          disagreements.push_back(r.model + ": " + method_label(first.method) + " " + fixed(first.logz, 3) + " +- " +
                                  fixed(first.logz_err, 3) + " vs " + method_label(r.method) + " " + fixed(r.logz, 3) +
                                  " +- " + fixed(r.logz_err, 3) + " (" + fixed(z, 1) + " sigma)");
      }
      const double sigma = equivalent_sigma(std::abs(ln_b));
      compared.push_back({ln_b, err, prob, sigma});
      table.push_back({r.path, r.model, method_label(r.method), fixed(r.logz, 3), fixed(r.logz_err, 3), fixed(ln_b, 3),
                       fixed(err, 3), twin[i] < 0 ? fixed(prob, 4) : "(same model)",
                       i == ref ? "reference" : kass_raftery(ln_b), fixed(sigma, 2),
                       fixed(-2 * r.best_logl, 3), check});
    }
    if (vm["json"].as<bool>()) {
      print_json(rows, compared, table, twin);
    } else if (vm["csv"].as<bool>()) {
      for (std::size_t k = 0; k < header.size(); ++k) std::cout << (k ? "," : "") << header[k];
      std::cout << "\n";
      for (const auto& row : table) {
        for (std::size_t k = 0; k < row.size(); ++k) std::cout << (k ? "," : "") << '"' << row[k] << '"';
        std::cout << "\n";
      }
    } else {
      const bool md = vm["markdown"].as<bool>();
      std::vector<std::size_t> width(header.size());
      for (std::size_t k = 0; k < header.size(); ++k) {
        width[k] = header[k].size();
        for (const auto& row : table) width[k] = std::max(width[k], row[k].size());
      }
      const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t k = 0; k < cells.size(); ++k)
          std::cout << (md ? "| " : k ? "  " : "") << std::left << std::setw(static_cast<int>(width[k])) << cells[k] << (md ? " " : "");
        std::cout << (md ? "|" : "") << "\n";
      };
      line(header);
      if (md) {
        for (std::size_t k = 0; k < header.size(); ++k) std::cout << "|" << std::string(width[k] + 2, '-');
        std::cout << "|\n";
      }
      for (const auto& row : table) line(row);
      if (!md)
        std::cout << "\nreference: " << rows[ref].path << "; data: " << rows[ref].datasets
                  << "\nsigma_equiv: the significance whose p-value gives B at the Sellke-Bayarri-Berger bound "
                     "B <= -1/(e p ln p)\n";
      for (const auto& d : disagreements)
        std::cout << "WARNING: the two evidences of " << d << " disagree beyond 3 sigma; trust neither until resolved\n";
    }
    return exit_code::ok;
  } catch (const std::exception& e) {
    std::cerr << "nubayes compare: " << e.what() << "\n";
    return exit_code::bad_input;
  }
}

} // namespace nubayes
