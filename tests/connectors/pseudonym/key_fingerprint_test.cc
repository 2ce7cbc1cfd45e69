// The key fingerprint: stable for a key, different for another, and not the key.
#include "connectors/pseudonym/key_fingerprint.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

TEST(KeyFingerprintTest, StablePerKeyDifferentAcrossKeysAndNotTheKey) {
  const auto a = Pseudonymizer::deriveKey("first-secret-0123456789");
  const auto b = Pseudonymizer::deriveKey("second-secret-0123456789");
  EXPECT_EQ(keyFingerprint(a), keyFingerprint(a));
  EXPECT_NE(keyFingerprint(a), keyFingerprint(b));
  EXPECT_EQ(keyFingerprint(a).size(), 32u);
  std::string key_hex;
  for (unsigned char c : a) {
    static constexpr char kHex[] = "0123456789abcdef";
    key_hex.push_back(kHex[c >> 4]);
    key_hex.push_back(kHex[c & 0xf]);
  }
  EXPECT_NE(keyFingerprint(a), key_hex);
  EXPECT_EQ(keyFingerprint(a).find(key_hex.substr(0, 8)), std::string::npos);
}

}  // namespace
}  // namespace casewatch
