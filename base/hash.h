// Fast, non-cryptographic 64-bit hashing for in-memory keys (the models' tables of matters, pairs
// and series). Never for what must stay private: person ids are keyed by connectors/pseudonym/.
// The results are not stable across builds (std::hash): never store or send them.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace casewatch {

// splitmix64's finaliser: spreads every input bit over the whole word.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// A text's hash; `salt` keeps the keys of different tables apart.
inline uint64_t hashText(std::string_view s, uint64_t salt = 0) {
  return mix64(std::hash<std::string_view>{}(s) ^ salt);
}

// An ordered pair of hashes (not symmetric: (a, b) and (b, a) differ).
constexpr uint64_t hashPair(uint64_t a, uint64_t b) {
  return mix64(a ^ mix64(b + 0x9e3779b97f4a7c15ULL));
}

}  // namespace casewatch
