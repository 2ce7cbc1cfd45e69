#include "base/stable_hash.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace casewatch {
namespace {

// Saved in snapshots and compared after a restart: the value must not depend on the process.
// Pinned, so that a change to the hashing (which makes every loaded alert worded again once) is
// a decision, not an accident.
TEST(StableHashTest, TheSameValuesHashTheSameInEveryRun) {
  const std::vector<std::string> words = {"overdue", "逾期"};
  const uint64_t h = StableHashState::of(std::string("case"), 0.25, words, std::optional<int>(3));
  EXPECT_EQ(h, StableHashState::of(std::string("case"), 0.25, words, std::optional<int>(3)));
  EXPECT_EQ(h, uint64_t{12327349716971120211u});
}

TEST(StableHashTest, OrderAndBoundariesCount) {
  EXPECT_NE(StableHashState::of(std::string("a"), std::string("b")),
            StableHashState::of(std::string("b"), std::string("a")));
  // Strings are hashed with their length: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(StableHashState::of(std::string("ab"), std::string("c")),
            StableHashState::of(std::string("a"), std::string("bc")));
  EXPECT_NE(StableHashState::of(1.0), StableHashState::of(2.0));
  EXPECT_EQ(StableHashState::of(0.0), StableHashState::of(-0.0));  // equal values, equal hashes
}

}  // namespace
}  // namespace casewatch
