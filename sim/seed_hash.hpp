// Ownership: header-only pure functions, thread-safe. The simulator's only source of randomness:
// every seeded choice is a hash of (seed, what, index) so data and faults replay exactly.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace m365::sim {

/// SplitMix64 finaliser: a fast bijective mixer with good avalanche.
inline uint64_t mix64(uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Hash of a sequence of integers, order-sensitive.
inline uint64_t hash_of(std::initializer_list<uint64_t> parts) noexcept {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (auto p : parts)
    h = mix64(h ^ p);
  return h;
}

/// FNV-1a of a string, used to turn names into hash inputs.
inline uint64_t hash_text(std::string_view s) noexcept {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// Uniform double in [0, 1) from a hash.
inline double unit_of(uint64_t h) noexcept {
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

/// Uniform integer in [0, n) from a hash (n > 0).
inline uint64_t pick(uint64_t h, uint64_t n) noexcept {
  return n == 0 ? 0 : h % n;
}

/// Standard normal variate from two hashes (Box-Muller).
inline double normal_of(uint64_t h1, uint64_t h2) noexcept {
  double u1 = unit_of(h1);
  double u2 = unit_of(h2);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// A tiny deterministic stream of hashes, for code that draws several values in a row.
class seeded_stream {
public:
  explicit seeded_stream(uint64_t seed) noexcept : state_(seed) {}
  uint64_t next() noexcept { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  double unit() noexcept { return unit_of(next()); }
  uint64_t below(uint64_t n) noexcept { return pick(next(), n); }
  bool chance(double p) noexcept { return unit() < p; }

private:
  uint64_t state_;
};

} // namespace m365::sim
