#include "models/group_incident/sliding_distinct.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

namespace casewatch {
namespace {

constexpr TimeMs kHour = kMsPerHour;

TEST(SlidingDistinctTest, CountsPersonsInBothWindows) {
  SlidingDistinct w(24 * kHour, 7 * 24 * kHour);
  w.add(1, 0);
  w.add(2, 1 * kHour);
  w.add(1, 2 * kHour);  // again: still one person
  w.add(1, 2 * kHour);  // the same instant twice
  w.expire(2 * kHour);
  EXPECT_EQ(w.shortCount(), 2u);
  EXPECT_EQ(w.longCount(), 2u);
  w.expire(25 * kHour + 1);  // person 2's contact (1 h) is over 24 h old; person 1's (2 h) is not
  EXPECT_EQ(w.shortCount(), 1u);
  EXPECT_EQ(w.longCount(), 2u);
  w.add(2, 30 * kHour);  // person 2 is back in the short window
  w.expire(30 * kHour);
  EXPECT_EQ(w.shortCount(), 1u);  // person 1 left at 26 h
  EXPECT_EQ(w.longCount(), 2u);
  w.expire(200 * kHour);
  EXPECT_EQ(w.shortCount(), 0u);
  EXPECT_EQ(w.longCount(), 0u);
}

TEST(SlidingDistinctTest, AgreesWithABruteForceCountOnInOrderContacts) {
  std::mt19937_64 rng(9);
  SlidingDistinct w(24 * kHour, 7 * 24 * kHour);
  std::vector<std::pair<TimeMs, uint64_t>> all;
  TimeMs t = 0;
  for (int i = 0; i < 5000; ++i) {
    t += static_cast<TimeMs>(rng() % (3 * kHour));
    const uint64_t p = rng() % 300;
    w.add(p, t);
    all.emplace_back(t, p);
    w.expire(t);
    if (i % 97 != 0) continue;
    std::set<uint64_t> day, week;
    for (const auto& [at, who] : all) {
      if (at > t - 24 * kHour) day.insert(who);
      if (at > t - 7 * 24 * kHour) week.insert(who);
    }
    ASSERT_EQ(w.shortCount(), day.size()) << "contact " << i;
    ASSERT_EQ(w.longCount(), week.size()) << "contact " << i;
  }
}

TEST(SlidingDistinctTest, ASavedWindowLoadsAndGoesOnAsTheOriginal) {
  std::mt19937_64 rng(4);
  SlidingDistinct w(24 * kHour, 7 * 24 * kHour);
  TimeMs t = 0;
  auto step = [&](SlidingDistinct& x, uint64_t r) {
    const uint64_t p = r % 200;
    // Now and then a late contact, as the queue's order allows.
    const TimeMs at = t - static_cast<TimeMs>((r >> 20) % 5 == 0 ? (r >> 8) % (30 * kHour) : 0);
    x.add(p, at);
    x.expire(t);
  };
  for (int i = 0; i < 3000; ++i) {
    t += static_cast<TimeMs>(rng() % (2 * kHour));
    step(w, rng());
  }
  std::string buf;
  ArchiveOut out(buf);
  w.save(out);
  SlidingDistinct loaded(24 * kHour, 7 * 24 * kHour);
  ArchiveIn in(buf);
  ASSERT_TRUE(loaded.load(in));
  EXPECT_EQ(loaded.shortCount(), w.shortCount());
  EXPECT_EQ(loaded.longCount(), w.longCount());
  for (int i = 0; i < 3000; ++i) {
    t += static_cast<TimeMs>(rng() % (2 * kHour));
    const uint64_t r = rng();
    step(w, r);
    step(loaded, r);
    ASSERT_EQ(loaded.shortCount(), w.shortCount()) << "contact " << i;
    ASSERT_EQ(loaded.longCount(), w.longCount()) << "contact " << i;
  }
}

}  // namespace
}  // namespace casewatch
