#include "connectors/pseudonym/key_fingerprint.h"

#include <sodium.h>

#include <array>
#include <string_view>

namespace casewatch {

std::string keyFingerprint(const Pseudonymizer::Key& key) {
  static constexpr std::string_view kLabel = "casewatch pseudonym key fingerprint v1";
  std::array<unsigned char, 16> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size(), key.data(), key.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * out.size());
  for (unsigned char b : out) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  return hex;
}

}  // namespace casewatch
