#pragma once
// Helpers for tests that drive the nubayes executable like a user would.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#ifndef NUBAYES_BINARY
#define NUBAYES_BINARY "nubayes"
#endif

namespace nubayes::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output; ///< stdout and stderr together
};

/// Runs a shell command, capturing stdout and stderr.
inline CommandResult run_shell(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) r.output += buffer;
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline CommandResult run_nubayes(const std::string& args) {
  return run_shell(std::string(NUBAYES_BINARY) + " " + args);
}

/// A fresh empty directory for one test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("nubayes_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Number of non-empty lines.
inline int line_count(const std::string& text) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

} // namespace nubayes::testing
