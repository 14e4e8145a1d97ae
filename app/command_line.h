#pragma once
// Option parsing shared by the subcommands: a bad option is one line on stderr naming the
// command, and the caller returns exit code 2 (bad input).
#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nubayes {

/// Parses `args` for `nubayes COMMAND`; on a bad option prints "nubayes COMMAND: WHAT (see
/// 'nubayes COMMAND --help')" to stderr and returns nothing.
std::optional<boost::program_options::variables_map>
parse_command_line(const std::vector<std::string>& args,
                   const boost::program_options::options_description& named,
                   const boost::program_options::positional_options_description& positional,
                   const std::string& command);

/// True if the arguments ask for help (`--help` or `-h`), which a command answers before it
/// checks its required options.
bool wants_help(const std::vector<std::string>& args);

} // namespace nubayes
