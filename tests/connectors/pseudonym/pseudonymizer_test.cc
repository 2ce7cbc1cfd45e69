#include "connectors/pseudonym/pseudonymizer.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace casewatch {
namespace {

Pseudonymizer::Key sequentialKey() {
  Pseudonymizer::Key k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(i);
  return k;
}

TEST(PseudonymizerTest, IsSipHash24WithTheGivenKey) {
  // The reference test vectors of SipHash-2-4 (Aumasson & Bernstein, appendix A): key 00..0f,
  // messages 00, 00 01, ... Pseudonyms are stored in the journal, so the function must never
  // change silently.
  const Pseudonymizer p(sequentialKey());
  EXPECT_EQ(p.pseudonymise(""), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(p.pseudonymise(std::string_view("\x00", 1)), 0x74f839c593dc67fdull);
  const std::string fifteen = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(p.pseudonymise(fifteen), 0xa129ca6149be45e5ull);
}

TEST(PseudonymizerTest, StablePerKey) {
  const auto key = Pseudonymizer::deriveKey("operator secret");
  const Pseudonymizer a(key), b(key);
  for (const char* id : {"p:7f3a", "p:91c2", "110101199001011234", ""}) {
    EXPECT_EQ(a.pseudonymise(id), a.pseudonymise(id)) << id;
    EXPECT_EQ(a.pseudonymise(id), b.pseudonymise(id)) << id;
  }
}

TEST(PseudonymizerTest, DifferentAcrossKeysAndIds) {
  const Pseudonymizer a(Pseudonymizer::deriveKey("secret one"));
  const Pseudonymizer b(Pseudonymizer::deriveKey("secret two"));
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "p:" + std::to_string(i);
    EXPECT_NE(a.pseudonymise(id), b.pseudonymise(id)) << id;
    seen.insert(a.pseudonymise(id));
    seen.insert(b.pseudonymise(id));
  }
  EXPECT_EQ(seen.size(), 2000u);  // no collisions among 2000 values of 64 bits
}

TEST(PseudonymizerTest, IdsDifferingInOneByteOrLengthDiffer) {
  const Pseudonymizer p(Pseudonymizer::demoKey());
  EXPECT_NE(p.pseudonymise("p:7f3a"), p.pseudonymise("p:7f3b"));
  EXPECT_NE(p.pseudonymise("p:7f3a"), p.pseudonymise("p:7f3a "));
  EXPECT_NE(p.pseudonymise(std::string_view("a\0b", 3)), p.pseudonymise(std::string_view("a", 1)));
}

TEST(PseudonymizerTest, DeriveKeyIsDeterministicAndSeparatesSecrets) {
  EXPECT_EQ(Pseudonymizer::deriveKey("s"), Pseudonymizer::deriveKey("s"));
  EXPECT_NE(Pseudonymizer::deriveKey("s"), Pseudonymizer::deriveKey("t"));
  EXPECT_NE(Pseudonymizer::deriveKey(""), Pseudonymizer::deriveKey(std::string_view("\0", 1)));
  EXPECT_EQ(Pseudonymizer::demoKey(), Pseudonymizer::deriveKey("casewatch demo key: NOT SECRET"));
  // The derived key is not the secret's bytes themselves.
  Pseudonymizer::Key raw{};
  const std::string secret = "0123456789abcdef";
  std::copy(secret.begin(), secret.end(), raw.begin());
  EXPECT_NE(Pseudonymizer::deriveKey(secret), raw);
}

TEST(PseudonymizerTest, FormatIsPUnderscoreAndSixteenLowercaseHexDigits) {
  EXPECT_EQ(Pseudonymizer::format(0), "p_0000000000000000");
  EXPECT_EQ(Pseudonymizer::format(0xDEADBEEFCAFEF00Dull), "p_deadbeefcafef00d");
  EXPECT_EQ(Pseudonymizer::format(UINT64_MAX), "p_ffffffffffffffff");
  EXPECT_EQ(Pseudonymizer::format(0x1f), "p_000000000000001f");
  const std::regex shape("p_[0-9a-f]{16}");
  const Pseudonymizer p(Pseudonymizer::demoKey());
  for (int i = 0; i < 100; ++i) {
    const std::string s = Pseudonymizer::format(p.pseudonymise(std::to_string(i)));
    EXPECT_TRUE(std::regex_match(s, shape)) << s;
  }
}

TEST(PseudonymizerTest, ParseIsTheInverseOfFormatAndRejectsAnythingElse) {
  uint64_t v = 0;
  for (uint64_t x :
       {uint64_t{0}, uint64_t{0x1f}, uint64_t{0xDEADBEEFCAFEF00Dull}, uint64_t{UINT64_MAX}}) {
    ASSERT_TRUE(Pseudonymizer::parse(Pseudonymizer::format(x), v));
    EXPECT_EQ(v, x);
  }
  for (const char* bad :
       {"", "p_", "p_deadbeefcafef00", "p_deadbeefcafef00d0", "q_deadbeefcafef00d",
        "p_DEADBEEFCAFEF00D", "p_deadbeefcafef00g", "m:wages"}) {
    EXPECT_FALSE(Pseudonymizer::parse(bad, v)) << bad;
  }
}

}  // namespace
}  // namespace casewatch
