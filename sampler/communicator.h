#pragma once
// The MPI surface the samplers use, kept to two collective calls. Without MPI initialised (unit
// tests) it behaves as a single rank, so the same sampler code runs in both.
#include <mpi.h>

#include <stdexcept>
#include <vector>

namespace nubayes {

/// Another rank's likelihood failed; that rank reports the reason.
class PeerFailure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// True if an MPI launcher (mpirun, mpiexec, srun --mpi=pmix) started this process.
bool launched_by_mpi();

/// Initialises MPI for the lifetime of the object (the executable's main holds one).
class MpiSession {
public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

class Communicator {
public:
  /// MPI_COMM_WORLD when MPI is initialised, otherwise a single rank.
  Communicator();
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  /// Every rank contributes `mine` (same length on all ranks); all get the concatenation in
  /// rank order.
  std::vector<double> allgather(const std::vector<double>& mine) const;
  /// Rank 0's value of `value` on every rank.
  void broadcast(std::vector<double>& value) const;
  /// Ends every rank (used when one rank hits an error the others cannot see).
  [[noreturn]] void abort(int code) const;

private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

} // namespace nubayes
