// nubayes predict: the model's observables (spectra, angular distributions) at the best fit and
// at equal-weight posterior draws of a finished run, for posterior-predictive plots
// (postprocess/spectrum.py).
//
// Output (HDF5, written to a temporary file and renamed): one group /observables/<k> per
// observable with attributes name and axis, and datasets edges [bins+1], data, background,
// best_fit [bins] and prediction [draw, bins] (the model's signal; expected = background +
// signal). Root attributes: run, draws, seed.
#include "commands.h"
#include "command_line.h"

#include "evidence.h"
#include "exit_codes.h"
#include "h5_handles.h"
#include "run_file_format.h"
#include "stored_run.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

namespace po = boost::program_options;

namespace nubayes {

namespace {

using h5::check;

void write_vector(hid_t group, const std::string& name, const std::vector<double>& values, std::vector<hsize_t> dims,
                  const std::string& path) {
  h5::Dataset ds = run_format::create_dataset(group, name, H5T_IEEE_F64LE, std::move(dims), -1, path);
  run_format::write_all(ds, H5T_NATIVE_DOUBLE, values.data(), values.size(), path, "writing " + name);
}

struct Predictions {
  std::vector<Observable> best;           ///< at the best recorded point
  std::vector<std::vector<double>> draws; ///< per observable: draws x bins, row-major
};

void write_predictions(const Predictions& p, const std::string& run, std::size_t ndraws,
                       std::uint64_t seed, const std::string& out) {
  const std::string tmp = out + ".tmp";
  {
    h5::File file(check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), out,
                        "creating the file"));
    h5::write_attribute(file, "run", run, out);
    h5::write_attribute(file, "draws", static_cast<std::int64_t>(ndraws), out);
    h5::write_attribute(file, "seed", static_cast<std::int64_t>(seed), out);
    h5::Group all(check(H5Gcreate2(file, "observables", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), out,
                        "creating /observables"));
    for (std::size_t k = 0; k < p.best.size(); ++k) {
      const Observable& o = p.best[k];
      const hsize_t bins = o.data.size();
      h5::Group g(
          check(H5Gcreate2(all, std::to_string(k).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                out, "creating an observable group"));
      h5::write_attribute(g, "name", o.name, out);
      h5::write_attribute(g, "axis", o.axis, out);
      write_vector(g, "edges", o.edges, {o.edges.size()}, out);
      write_vector(g, "data", o.data, {bins}, out);
      write_vector(g, "background", o.background, {bins}, out);
      write_vector(g, "best_fit", o.prediction, {bins}, out);
      write_vector(g, "prediction", p.draws[k], {ndraws, bins}, out);
    }
    check(file.close(), out, "closing");
  }
  h5::durable_replace(tmp, out);
}

} // namespace

int command_predict(const std::vector<std::string>& args) {
  po::options_description named("nubayes predict options");
  named.add_options()("help,h", "this help")("run", po::value<std::string>(),
                                             "a finished run file")("out", po::value<std::string>(),
                                                                    "output file (HDF5)")(
      "draws", po::value<std::size_t>()->default_value(200), "posterior draws to evaluate")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the posterior resampling");
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_command_line(args, named, positional, "predict");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") || !vm.count("run") || !vm.count("out")) {
    (vm.count("help") ? std::cout : std::cerr)
        << "usage: nubayes predict RUN.h5 --out PRED.h5 [--draws N] [--seed S]\n"
        << named;
    return vm.count("help") ? exit_code::ok : exit_code::bad_input;
  }
  const std::string run = vm["run"].as<std::string>(), out = vm["out"].as<std::string>();
  const std::size_t ndraws = vm["draws"].as<std::size_t>();
  const std::uint64_t seed = vm["seed"].as<std::uint64_t>();
  try {
    if (ndraws == 0) throw std::invalid_argument("--draws must be at least 1");
    h5::silence_errors();
    const RunFileContents c = read_run_file(run);
    const RunConfig rc = stored_run_config(c, run);
    const LogLikelihood& like = *rc.problem.likelihood;
    const auto& logl = c.columns.at("logl");
    if (logl.empty()) throw std::runtime_error(run + ": run has no samples");
    const auto best =
        static_cast<std::size_t>(std::max_element(logl.begin(), logl.end()) - logl.begin());
    Predictions p;
    p.best = like.observables(parameters_at(c, rc, best));
    if (p.best.empty())
      throw std::runtime_error(run + ": model '" + rc.model +
                               "' on these data defines no observables to predict");
    for (const Observable& o : p.best)
      if (o.background.size() != o.data.size() || o.prediction.size() != o.data.size() ||
          o.edges.size() != o.data.size() + 1)
        throw std::runtime_error(run + ": observable '" + o.name + "' has inconsistent bin counts");
    p.draws.assign(p.best.size(), {});
    for (std::size_t row : resample_equal_weight(c.columns.at("logwt"), ndraws, seed)) {
      const std::vector<Observable> at = like.observables(parameters_at(c, rc, row));
      if (at.size() != p.best.size())
        throw std::runtime_error(run +
                                 ": a posterior draw lies outside the model's physical region");
      for (std::size_t k = 0; k < at.size(); ++k) {
        if (at[k].prediction.size() != p.best[k].data.size())
          throw std::runtime_error(run + ": observable '" + at[k].name +
                                   "' changed its number of bins between draws");
        p.draws[k].insert(p.draws[k].end(), at[k].prediction.begin(), at[k].prediction.end());
      }
    }
    write_predictions(p, run, ndraws, seed, out);
    std::cout << "predict: " << out << " (" << p.best.size() << " observables, " << ndraws
              << " posterior draws)\n";
    return exit_code::ok;
  } catch (const std::exception& e) {
    std::cerr << "nubayes predict: " << e.what() << "\n";
    std::error_code ignored;
    std::filesystem::remove(out + ".tmp", ignored);
    return exit_code::bad_input;
  }
}

} // namespace nubayes
