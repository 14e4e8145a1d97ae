#pragma once
// Helpers for tests that drive the nubayes executable like a user would.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

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

/// The names in a folder, sorted, one a line.
inline std::string folder_listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& name : names) out += name + "\n";
  return out;
}

/// Number of non-empty lines.
inline int line_count(const std::string& text) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

inline const std::string python = "/usr/bin/python3";

/// A root attribute of an HDF5 file as Python prints it (one line), or "ERROR ...".
inline std::string attribute(const std::filesystem::path& file, const std::string& name) {
  const CommandResult r = run_shell(python + " -c \"import h5py,sys; v=h5py.File(sys.argv[1],'r').attrs[sys.argv[2]]; "
                                    "print(repr(v[0]) if hasattr(v,'__len__') and not isinstance(v,str) else v)\" " +
                                    file.string() + " " + name);
  return r.exit_code == 0 ? r.output : "ERROR " + r.output;
}

/// Starts `nubayes args` in the background and returns its pid.
inline pid_t spawn(const std::string& args, const std::filesystem::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = "exec " + std::string(NUBAYES_BINARY) + " " + args + " > " + log.string() + " 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

/// Waits up to 5 s for a file to appear (the first checkpoint of a run).
inline void wait_for_file(const std::filesystem::path& path) {
  for (int i = 0; i < 100 && !std::filesystem::exists(path); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace nubayes::testing
