// Deterministic randomness for the feed generator.
//
// Every stream of the feed (a day's registrations, one case, one repeat petitioner, the burst)
// draws from its own std::mt19937_64, seeded from the run's seed and the stream's identity. A
// case's events therefore do not depend on the order in which streams are expanded, and the same
// seed gives the same bytes. The distributions are written here as plain transforms of the engine's
// 64-bit output, because std::uniform_*_distribution results differ between standard libraries.
//
// Thread-safety: an Rng is a value; use one per thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

namespace casewatch::feedgen {

// SplitMix64's finaliser: a bijection on 64-bit values with good avalanche.
constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The seed of stream `index` of a family of streams (`family` keeps families apart).
constexpr uint64_t deriveSeed(uint64_t seed, uint64_t family, uint64_t index) {
  return splitmix64(splitmix64(seed ^ splitmix64(family)) + index);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t bits() { return engine_(); }
  // Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi] (inclusive); Lemire's multiply-shift (bias < 2^-40 here).
  int64_t between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const auto wide = static_cast<unsigned __int128>(engine_()) * span;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(wide >> 64));
  }
  bool chance(double p) { return uniform() < p; }
  // An index drawn with probability proportional to its weight (weights need not sum to 1).
  size_t pick(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  // Triangular on [lo, hi] with the given mode: skewed durations without a heavy tail.
  double triangular(double lo, double mode, double hi) {
    const double u = uniform();
    const double f = (mode - lo) / (hi - lo);
    if (u < f) return lo + std::sqrt(u * (hi - lo) * (mode - lo));
    return hi - std::sqrt((1 - u) * (hi - lo) * (hi - mode));
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace casewatch::feedgen
