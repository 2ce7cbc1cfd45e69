#include "connectors/pseudonym/pseudonymizer.h"

#include <sodium.h>

#include <cstdio>
#include <cstring>

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
  char buf[24];
  std::snprintf(buf, sizeof buf, "p_%016llx", static_cast<unsigned long long>(pseudonym));
  return buf;
}

bool Pseudonymizer::parse(std::string_view text, uint64_t& pseudonym) {
  if (text.size() != 18 || text[0] != 'p' || text[1] != '_') return false;
  uint64_t v = 0;
  for (const char c : text.substr(2)) {
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    v = (v << 4) | digit;
  }
  pseudonym = v;
  return true;
}

}  // namespace casewatch
