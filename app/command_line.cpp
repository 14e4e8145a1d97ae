#include "command_line.h"

#include <algorithm>
#include <iostream>

namespace po = boost::program_options;

namespace nubayes {

std::optional<po::variables_map> parse_command_line(const std::vector<std::string>& args,
                                                    const po::options_description& named,
                                                    const po::positional_options_description& positional,
                                                    const std::string& command) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "nubayes " << command << ": " << e.what() << " (see 'nubayes " << command << " --help')\n";
    return std::nullopt;
  }
  return vm;
}

bool wants_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

} // namespace nubayes
