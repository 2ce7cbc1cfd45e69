#include "state/shard_scope.h"

#include <gtest/gtest.h>

#include <string>

namespace casewatch {
namespace {

constexpr TimeMs kDay = kMsPerDay;
constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T09:15:00+08:00

TEST(ShardScopeTest, ARegionIsWatchedWhenItStartsWithAPrefix) {
  const ShardScope scope({"3301", "520302"});
  EXPECT_FALSE(scope.watchesAll());
  EXPECT_TRUE(scope.watchesRegion("330102"));
  EXPECT_TRUE(scope.watchesRegion("3301"));
  EXPECT_TRUE(scope.watchesRegion("520302"));
  EXPECT_FALSE(scope.watchesRegion("330201"));
  EXPECT_FALSE(scope.watchesRegion("33"));  // a province code is not inside its city's scope
  EXPECT_FALSE(scope.watchesRegion(""));
}

TEST(ShardScopeTest, NoPrefixesWatchesEveryRegion) {
  const ShardScope scope;
  EXPECT_TRUE(scope.watchesAll());
  EXPECT_TRUE(scope.watchesRegion("110101"));
  EXPECT_TRUE(scope.watchesRegion(""));
}

TEST(ShardScopeTest, ForeignCasesAreRememberedUntilIdleForTheirDays) {
  ShardScope scope({"3301"});
  scope.rememberForeign("C-1", kT0);
  scope.rememberForeign("C-2", kT0);
  EXPECT_TRUE(scope.foreignCase("C-1", kT0 + 3 * kDay));  // its idle clock restarts
  EXPECT_FALSE(scope.foreignCase("C-3", kT0));
  EXPECT_EQ(scope.forgetIdle(kT0 + 2 * kDay), 1u);  // C-2: nothing since kT0's day
  EXPECT_FALSE(scope.foreignCase("C-2", kT0 + 2 * kDay));
  EXPECT_TRUE(scope.foreignCase("C-1", kT0 + 3 * kDay));
  EXPECT_EQ(scope.foreignCases(), 1u);
}

TEST(ShardScopeTest, ASnapshotKeepsTheForeignCasesInTheSameBytes) {
  ShardScope scope({"3301"});
  for (int i = 0; i < 100; ++i) scope.rememberForeign("C-" + std::to_string(i), kT0 + i * kDay);
  std::string bytes;
  ArchiveOut out(bytes);
  scope.save(out);

  ShardScope loaded({"3301"});
  ArchiveIn in(bytes);
  ASSERT_TRUE(loaded.load(in));
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(loaded.foreignCases(), 100u);
  EXPECT_TRUE(loaded.foreignCase("C-42", kT0));
  EXPECT_FALSE(loaded.foreignCase("C-100", kT0));
  // The same state saves to the same bytes (no hash-table order in them).
  std::string again;
  ArchiveOut out2(again);
  loaded.save(out2);
  EXPECT_EQ(again, bytes);
  // A cut snapshot is refused, not half-loaded.
  ShardScope cut({"3301"});
  ArchiveIn short_in(std::string_view(bytes).substr(0, bytes.size() / 2));
  EXPECT_FALSE(cut.load(short_in));
}

}  // namespace
}  // namespace casewatch
