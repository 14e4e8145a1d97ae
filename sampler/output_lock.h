#pragma once
// An exclusive lock on a run's output for as long as a run (or a resume) uses it, so two
// processes can never write, resume or replace the same run file at once. It is an fcntl lock on
// OUTPUT.lock (works on local file systems, NFSv4 and NFSv3 with lockd, Lustre mounted with
// `flock`); the file also holds "PID@HOST" of the holder, so a refusal can name it.
#include <stdexcept>
#include <string>

namespace nubayes {

/// The output is locked by another process (exit code 2).
class OutputBusy : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class OutputLock {
public:
  OutputLock() = default;
  /// Locks `output` (through OUTPUT.lock) or throws OutputBusy naming the path and the holder.
  /// Where the file system does not support locks, warns on stderr and returns an unheld lock.
  static OutputLock acquire(const std::string& output);
  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&& other) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  /// Removes OUTPUT.lock and releases the lock.
  ~OutputLock();

  bool held() const { return fd_ >= 0; }
  static std::string lock_path(const std::string& output) { return output + ".lock"; }

private:
  void release() noexcept;
  int fd_ = -1;
  std::string path_;
};

} // namespace nubayes
