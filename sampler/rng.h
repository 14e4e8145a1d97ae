#pragma once
// Counter-keyed random streams: every logical task (a replacement proposal, a bootstrap round)
// gets its own stream derived from (master seed, purpose, index), so results do not depend on
// which MPI rank did the work or in which order ranks finished.
#include <array>
#include <cstdint>
#include <limits>

namespace nubayes {

/// SplitMix64 step: used to expand keys into generator state.
inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Purposes of the streams, so two kinds of task with the same index never share a stream.
enum class StreamPurpose : std::uint64_t {
  initial_point = 1,
  proposal = 2,
  region = 3,
  resample = 4,
  tie_break = 5,
  mcmc = 6,
  user = 7,
};

/// xoshiro256** (Blackman & Vigna): small state, fast, passes BigCrush. Satisfies
/// UniformRandomBitGenerator so it also works with <random> distributions.
class Rng {
public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  Rng() : Rng(0, StreamPurpose::user, 0) {}
  Rng(std::uint64_t seed, StreamPurpose purpose, std::uint64_t index) {
    std::uint64_t x = seed;
    std::uint64_t key = splitmix64(x) ^ (static_cast<std::uint64_t>(purpose) * 0xd1b54a32d192ed03ULL);
    key = splitmix64(key) ^ index;
    for (auto& w : s_) w = splitmix64(key);
  }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  /// Uniform in (0, 1): safe for logarithms and inverse CDFs.
  double uniform_open() {
    double u;
    do u = uniform();
    while (u == 0.0);
    return u;
  }
  /// Standard normal (Marsaglia polar method; no cached second value, so the state is all we store).
  double normal();
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)) % n; }

  std::array<std::uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<std::uint64_t, 4>& s) { s_ = s; }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

} // namespace nubayes
