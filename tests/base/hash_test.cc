// The in-memory key hashes: the splitmix64 finaliser's known values, salts that keep tables
// apart, and ordered pairs.
#include "base/hash.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

TEST(HashTest, Mix64IsSplitmix64sFinaliser) {
  EXPECT_EQ(mix64(0), 0u);
  // splitmix64(0) = mix64(0x9e3779b97f4a7c15): the reference generator's first output.
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
}

TEST(HashTest, SaltsAndOrderGiveDifferentKeys) {
  EXPECT_EQ(hashText("M-1"), hashText("M-1"));
  EXPECT_NE(hashText("M-1"), hashText("M-1", 0x6d61747465720000ULL));
  EXPECT_NE(hashPair(1, 2), hashPair(2, 1));
}

}  // namespace
}  // namespace casewatch
