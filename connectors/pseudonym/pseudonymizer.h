// Keyed hashing of person ids at ingest (privacy: raw ids are never stored, logged or exported).
//
// Method: libsodium's `crypto_shorthash` (SipHash-2-4, 128-bit key, 64-bit output). SipHash is a
// PRF: without the key, a pseudonym cannot be linked back to a raw id by hashing guesses. 64 bits
// keep the per-case state compact; at 10 million distinct persons the chance of any collision is
// about 3e-6.
//
// Thread-safety: immutable after construction; `pseudonymise` may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace casewatch {

class Pseudonymizer {
 public:
  static constexpr size_t kKeyBytes = 16;
  using Key = std::array<unsigned char, kKeyBytes>;

  explicit Pseudonymizer(const Key& key);

  // Derives the 16-byte key from secret material of any length (a key file's contents or an
  // environment variable) with BLAKE2b, so operators can use a passphrase or random bytes alike.
  static Key deriveKey(std::string_view secret);
  // The built-in demo key. Only demo mode may use it; the daemon warns loudly when it does.
  static Key demoKey();

  uint64_t pseudonymise(std::string_view raw_person_id) const;

  // The printed form used in alerts and the API: "p_" + 16 hex digits.
  static std::string format(uint64_t pseudonym);
  // The inverse of format(): false unless `text` is "p_" and 16 lowercase hex digits.
  static bool parse(std::string_view text, uint64_t& pseudonym);

 private:
  Key key_;
};

}  // namespace casewatch
