// A 64-bit hash that is the same in every run of the same build, for hashes saved in a snapshot
// and compared after a restart (absl::Hash is seeded per process). It hashes whatever absl::Hash
// does, through the types' AbslHashValue, as a hash state of its own (absl's documented extension
// point, HashStateBase); the bytes are hashed by std::hash<std::string_view>, which libstdc++
// computes without a per-process seed.
//
// A build whose hashing differs makes a saved hash differ from the value computed now: callers
// treat that as "changed", never as "equal" (the alert book words the alert again).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/hash/hash.h"

namespace casewatch {

class StableHashState : public absl::hash_internal::HashStateBase<StableHashState> {
 public:
  StableHashState() = default;

  template <typename... T>
  static uint64_t of(const T&... values) {
    return combine(StableHashState(), values...).value_;
  }
  uint64_t value() const { return value_; }

  static StableHashState combine_contiguous(StableHashState h, const unsigned char* data,
                                            size_t size) {
    const uint64_t bytes =
        std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(data), size));
    // Order-dependent mixing (a multiply and a shift), so that (a, b) and (b, a) differ.
    h.value_ = (h.value_ ^ bytes) * 0x9e3779b97f4a7c15ULL;
    h.value_ ^= h.value_ >> 31;
    return h;
  }
  using HashStateBase::combine_contiguous;

 private:
  uint64_t value_ = 0x243f6a8885a308d3ULL;
};

}  // namespace casewatch
