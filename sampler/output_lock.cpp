#include "output_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace nubayes {

namespace {

struct flock whole_file(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0; // to the end, whatever its size
  return lock;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "?";
  return name;
}

/// Who holds the lock: the "PID@HOST" written by the holder, else the PID the kernel reports.
std::string holder(int fd) {
  char text[300] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n > 0) {
    std::string s(text, static_cast<std::size_t>(n));
    s.erase(s.find_last_not_of(" \n") + 1);
    if (!s.empty()) return "process " + s;
  }
  struct flock probe = whole_file(F_WRLCK);
  if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK)
    return "process " + std::to_string(probe.l_pid);
  return "another process";
}

bool locks_unsupported(int error) {
  return error == ENOLCK || error == EOPNOTSUPP || error == ENOSYS || error == EINVAL;
}

/// The lock file still is the one at `path` (not unlinked by a holder that just finished).
bool still_linked(int fd, const std::string& path) {
  struct stat open_file {}, on_disk {};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &on_disk) == 0 &&
         open_file.st_dev == on_disk.st_dev && open_file.st_ino == on_disk.st_ino;
}

} // namespace

OutputLock OutputLock::acquire(const std::string& output) {
  const std::string path = lock_path(output);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error(path + ": cannot create the lock file: " + std::strerror(errno));
    struct flock lock = whole_file(F_WRLCK);
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
      const int error = errno;
      if (error == EACCES || error == EAGAIN) {
        const std::string who = holder(fd);
        ::close(fd);
        throw OutputBusy(output + " is in use by " + who + " (lock " + path +
                         "); wait for that run to end, or choose another [run] output");
      }
      ::close(fd);
      if (locks_unsupported(error)) {
        std::cerr << "nubayes: warning: the file system of " << path << " does not support locks ("
                  << std::strerror(error) << "); nothing stops a second run from using " << output
                  << " at the same time\n";
        return OutputLock();
      }
      throw std::runtime_error(path + ": cannot lock: " + std::strerror(error));
    }
    // A holder that just finished unlinks the file after we opened it: lock the new one instead.
    if (!still_linked(fd, path)) {
      ::close(fd);
      continue;
    }
    const std::string me = std::to_string(::getpid()) + "@" + host_name() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
      const int error = errno;
      ::close(fd);
      throw std::runtime_error(path + ": cannot write the lock file: " + std::strerror(error));
    }
    OutputLock held;
    held.fd_ = fd;
    held.path_ = path;
    return held;
  }
  throw OutputBusy(output + ": the lock file " + path + " keeps being replaced; is another run starting?");
}

OutputLock::OutputLock(OutputLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

OutputLock::~OutputLock() { release(); }

void OutputLock::release() noexcept {
  if (fd_ < 0) return;
  // Unlink while still holding the lock: a waiter that opened the old file sees it unlinked.
  ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

} // namespace nubayes
