#include "daemon/service/kill_point.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

// Only the parsing: an armed point that is passed kills the process (the crash test,
// tests/integration/test_kill_moments.py, shows that). Nothing valid is armed here, and the
// points passed below are not the armed one.
TEST(KillPointTest, RefusesMalformedSpecs) {
  for (const char* spec : {"", "journal.written", "journal.written:", ":3", "journal.written:0",
                           "journal.written:-1", "journal.written:2x"}) {
    EXPECT_FALSE(armKillPointForTest(spec)) << spec;
  }
}

TEST(KillPointTest, AnUnarmedOrOtherPointDoesNothing) {
  killPointForTest("journal.written");
  ASSERT_TRUE(armKillPointForTest("never.passed.in.this.test:1"));
  killPointForTest("journal.written");
  killPointForTest("snapshot.written");
  SUCCEED();
}

}  // namespace
}  // namespace casewatch
