#pragma once
// The subcommands of `nubayes`; each returns the process exit code.
#include <string>
#include <vector>

namespace nubayes {

int command_run(const std::vector<std::string>& args);
int command_eval(const std::vector<std::string>& args);
int command_info(const std::vector<std::string>& args);
int command_help(const std::vector<std::string>& args);
int command_compare(const std::vector<std::string>& args);
int command_export(const std::vector<std::string>& args);
int command_pg(const std::vector<std::string>& args);
int command_predict(const std::vector<std::string>& args);
int command_submit(const std::vector<std::string>& args);
int command_reweight(const std::vector<std::string>& args);

/// Whether `name` is a subcommand of `nubayes` (what `nubayes help NAME` explains).
bool is_command(const std::string& name);

/// The usage text of `nubayes` itself.
std::string usage();

} // namespace nubayes
