// nubayes export: a finished run as GetDist chains or as PolyChord dead-birth files (what
// anesthetic reads), so the usual plotting tools work on nubayes output unchanged.
#include "commands.h"
#include "command_line.h"

#include "anesthetic_export.h"
#include "getdist_export.h"

#include "exit_codes.h"
#include "run_file.h"

#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;

namespace nubayes {

int command_export(const std::vector<std::string>& args) {
  po::options_description named("nubayes export options");
  named.add_options()("help,h", "this help")("run", po::value<std::string>(), "run file")(
      "getdist", po::value<std::string>(), "write GetDist chains (PREFIX.txt, or PREFIX_1.txt... one per MCMC chain), PREFIX.paramnames, "
      "PREFIX.ranges, PREFIX.properties.ini")(
      "anesthetic", po::value<std::string>(), "write PREFIX_dead-birth.txt, PREFIX.paramnames (PolyChord format)");
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_command_line(args, named, positional, "export");
  if (!parsed) return exit_code::bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help")) {
    std::cout << "usage: nubayes export RUN.h5 [--getdist PREFIX] [--anesthetic PREFIX]\n" << named;
    return exit_code::ok;
  }
  if (!vm.count("run") || (!vm.count("getdist") && !vm.count("anesthetic"))) {
    std::cerr << "nubayes export: give a run file and --getdist PREFIX and/or --anesthetic PREFIX (see 'nubayes export --help')\n";
    return exit_code::bad_input;
  }
  const std::string run = vm["run"].as<std::string>();
  try {
    const RunFileContents c = read_run_file(run);
    // The weights of an unfinished run miss the final live points: refuse rather than mislead.
    if (!c.complete())
      throw std::runtime_error(run + ": run is not complete (status '" + c.text("status") + "'); resume it first");
    if (c.rows == 0) throw std::runtime_error(run + ": run has no samples");
    if (vm.count("getdist")) {
      const auto& prefix = vm["getdist"].as<std::string>();
      const GetDistFiles files = write_getdist(c, prefix);
      std::cout << "getdist:    " << files.chains.front();
      if (files.chains.size() > 1) std::cout << " ... " << files.chains.back();
      std::cout << " (" << files.chains.size() << (files.chains.size() > 1 ? " chains, " : " chain, ")
                << files.rows << " weighted rows), " << prefix << ".paramnames, " << prefix << ".ranges, "
                << prefix << ".properties.ini\n";
    }
    if (vm.count("anesthetic")) {
      const auto& prefix = vm["anesthetic"].as<std::string>();
      if (c.is_mcmc())
        throw std::runtime_error(run + ": --anesthetic needs a nested-sampling run (dead points with birth contours); this is an MCMC run: use --getdist");
      // anesthetic recomputes the weights from the birth contours under the original prior.
      if (!c.text("reweighted_from").empty())
        throw std::runtime_error(run + ": --anesthetic would drop the reweighting (anesthetic recomputes weights from the birth contours); this run is reweighted from " +
                                 c.text("reweighted_from") + ": use --getdist");
      const std::size_t n = write_anesthetic(c, prefix);
      std::cout << "anesthetic: " << prefix << "_dead-birth.txt (" << n << " rows), " << prefix << ".paramnames\n";
    }
    return exit_code::ok;
  } catch (const std::exception& e) {
    std::cerr << "nubayes export: " << e.what() << "\n";
    return exit_code::bad_input;
  }
}

} // namespace nubayes
