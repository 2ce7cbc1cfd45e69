#include "connectors/pseudonym/pseudonymizer.h"

#include <sodium.h>

#include <cstring>

#include "base/hex64.h"

namespace casewatch {

Pseudonymizer::Pseudonymizer(const Key& key) : key_(key) {
  static_assert(crypto_shorthash_KEYBYTES == kKeyBytes);
  static_assert(crypto_shorthash_BYTES == 8);
  // sodium_init is idempotent and thread-safe; shorthash needs no init, but the key derivation
  // does.
  if (sodium_init() < 0) {
    // Cannot happen on Linux with /dev/urandom; the hash itself does not depend on it.
  }
}

Pseudonymizer::Key Pseudonymizer::deriveKey(std::string_view secret) {
  Key key{};
  static constexpr char kPersonal[] = "casewatch-person";
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>(kPersonal),
                     sizeof kPersonal - 1);
  return key;
}

Pseudonymizer::Key Pseudonymizer::demoKey() {
  return deriveKey("casewatch demo key: NOT SECRET");
}

uint64_t Pseudonymizer::pseudonymise(std::string_view raw) const {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                   key_.data());
  uint64_t v;
  std::memcpy(&v, out, sizeof v);
  return v;
}

std::string Pseudonymizer::format(uint64_t pseudonym) {
  return "p_" + hex64(pseudonym);
}

bool Pseudonymizer::parse(std::string_view text, uint64_t& pseudonym) {
  if (text.size() != 18 || text[0] != 'p' || text[1] != '_') return false;
  return parseHex64(text.substr(2), pseudonym);
}

}  // namespace casewatch
