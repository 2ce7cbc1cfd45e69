#include "models/return_days.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace casewatch {
namespace {

TEST(ReturnDaysTest, CountsWindowsExactlyAndMarksADayOnce) {
  ReturnDays r;
  EXPECT_EQ(r.countWindow(20000, 30), 0);
  EXPECT_TRUE(r.set(20000));
  EXPECT_FALSE(r.set(20000));
  EXPECT_TRUE(r.set(20010));
  EXPECT_TRUE(r.set(20005));  // late
  EXPECT_TRUE(r.has(20005));
  EXPECT_FALSE(r.has(20006));
  EXPECT_EQ(r.countWindow(20010, 30), 3);
  EXPECT_EQ(r.countWindow(20010, 6), 2);   // days 20005..20010
  EXPECT_EQ(r.countWindow(20040, 30), 0);  // days 20011..20040
  EXPECT_EQ(r.countWindow(20039, 30), 1);  // 20010 is still in
  EXPECT_EQ(r.latest(), 20010);
  EXPECT_EQ(r.nthLatest(1), 20010);
  EXPECT_EQ(r.nthLatest(2), 20005);
  EXPECT_EQ(r.nthLatest(3), 20000);
  EXPECT_EQ(r.nthLatest(4), -1);
}

TEST(ReturnDaysTest, OldDaysFallOffThe128DaySpan) {
  ReturnDays r;
  r.set(1000);
  r.set(1127);  // 127 days later: both fit
  EXPECT_EQ(r.countWindow(1127, 128), 2);
  r.set(1128);  // 1000 drops out
  EXPECT_FALSE(r.has(1000));
  EXPECT_EQ(r.countWindow(1128, 200), 2);
  EXPECT_FALSE(r.set(1000));  // too old to store
  r.set(2000);                // a jump past the span forgets everything before
  EXPECT_EQ(r.countWindow(2000, 2000), 1);
}

TEST(ReturnDaysTest, AgreesWithASetOfDays) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    ReturnDays r;
    std::set<int64_t> days;
    int64_t hi = 20000;
    for (int i = 0; i < 40; ++i) {
      const int64_t d = 20000 + static_cast<int64_t>(rng() % 120);
      hi = std::max(hi, d);
      EXPECT_EQ(r.set(d), days.insert(d).second);  // all within 120 days: nothing drops out
    }
    for (int window : {1, 7, 30, 90, 128}) {
      for (int64_t to = hi - 20; to <= hi + 40; to += 3) {
        int want = 0;
        for (int64_t d : days) want += (d > to - window && d <= to) ? 1 : 0;
        EXPECT_EQ(r.countWindow(to, window), want) << "window " << window << " to " << to;
      }
    }
  }
}

}  // namespace
}  // namespace casewatch
