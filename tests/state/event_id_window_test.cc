#include "state/event_id_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

namespace casewatch {
namespace {

constexpr TimeMs kDay = kMsPerDay;
constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T09:15:00+08:00

TEST(EventIdWindowTest, ADuplicateWithinTheWindowIsRefused) {
  EventIdWindow w(30 * kDay);
  EXPECT_TRUE(w.firstTime("e-1", kT0));
  EXPECT_TRUE(w.firstTime("e-2", kT0));
  EXPECT_FALSE(w.firstTime("e-1", kT0));
  EXPECT_FALSE(w.firstTime("e-1", kT0 + 10 * kDay));  // the redelivery's own ts does not matter
  EXPECT_EQ(w.size(), 2u);
}

// Time moves on with other events, at most a day per event (the window's clock moves no faster).
class Filler {
 public:
  // `prefix`: the fillers' ids (another filler on the same window needs another prefix).
  Filler(EventIdWindow& w, TimeMs t, std::string prefix = "filler-")
      : w_(w), t_(t), prefix_(std::move(prefix)) {}
  void moveTo(TimeMs until) {
    while (t_ < until) {
      t_ = std::min(until, t_ + kDay);
      ASSERT_TRUE(w_.firstTime(prefix_ + std::to_string(n_++), t_));
    }
  }
  TimeMs now() const { return t_; }

 private:
  EventIdWindow& w_;
  TimeMs t_;
  std::string prefix_;
  int n_ = 0;
};

TEST(EventIdWindowTest, AnIdIsRememberedForOneToOneAndAQuarterWindowsOfEventTime) {
  EventIdWindow w(30 * kDay);
  ASSERT_TRUE(w.firstTime("old", kT0));
  Filler fill(w, kT0);
  fill.moveTo(kT0 + 30 * kDay);
  EXPECT_FALSE(w.firstTime("old", fill.now()));  // a whole window on: still remembered
  // Its bucket (a quarter window, 7.5 days) took its last id on day 7: it goes whole once that id
  // is more than a window old.
  fill.moveTo(kT0 + 37 * kDay);
  EXPECT_FALSE(w.firstTime("old", fill.now()));
  fill.moveTo(kT0 + 38 * kDay);
  EXPECT_TRUE(w.firstTime("old", fill.now()));  // forgotten, taken as new
  // Memory holds the last 1¼ windows (in at most five buckets), not the history.
  fill.moveTo(kT0 + 400 * kDay);
  EXPECT_LE(w.size(), 39u);
  EXPECT_LE(w.buckets(), 5u);
}

TEST(EventIdWindowTest, AcrossAGapTheClockMovesADayPerEventAndForgetsWhatIsOlderThanTheWindow) {
  EventIdWindow w(2 * kDay);
  ASSERT_TRUE(w.firstTime("a", kT0));
  ASSERT_TRUE(w.firstTime("b", kT0 + kDay));
  ASSERT_TRUE(w.firstTime("c", kT0 + 2 * kDay));  // "a" is exactly a window old: kept
  EXPECT_FALSE(w.firstTime("a", kT0 + 2 * kDay));
  ASSERT_TRUE(w.firstTime("d", kT0 + 10 * kDay));  // the clock moves a day: "a" is 3 days old
  EXPECT_TRUE(w.firstTime("a", kT0 + 10 * kDay));
  EXPECT_FALSE(w.firstTime("c", kT0 + 10 * kDay));
}

TEST(EventIdWindowTest, AZeroWindowNeverForgets) {
  EventIdWindow w(0);
  ASSERT_TRUE(w.firstTime("first", kT0));
  Filler fill(w, kT0);
  fill.moveTo(kT0 + 1000 * kDay);
  EXPECT_FALSE(w.firstTime("first", fill.now()));
  EXPECT_EQ(w.buckets(), 1u);
}

TEST(EventIdWindowTest, ASnapshotDecidesAsTheWindowItWasTakenFrom) {
  EventIdWindow w(30 * kDay);
  ASSERT_TRUE(w.firstTime("old", kT0));
  Filler fill(w, kT0);
  fill.moveTo(kT0 + 20 * kDay);
  ASSERT_TRUE(w.firstTime("recent", fill.now()));
  std::string body;
  ArchiveOut out(body);
  w.save(out);

  EventIdWindow loaded(30 * kDay);
  ArchiveIn in(body);
  ASSERT_TRUE(loaded.load(in));
  EXPECT_EQ(loaded.size(), w.size());
  EXPECT_EQ(loaded.buckets(), w.buckets());
  EXPECT_FALSE(loaded.firstTime("recent", fill.now()));
  // The clock and the buckets' times came along: "old" goes when it would have in `w`.
  Filler fill_loaded(loaded, fill.now(), "after-load-");
  fill_loaded.moveTo(kT0 + 38 * kDay);
  EXPECT_TRUE(loaded.firstTime("old", fill_loaded.now()));
}

TEST(EventIdWindowTest, ATruncatedSnapshotIsRefused) {
  EventIdWindow w(30 * kDay);
  ASSERT_TRUE(w.firstTime("e-1", kT0));
  std::string body;
  ArchiveOut out(body);
  w.save(out);
  body.resize(body.size() - 3);
  EventIdWindow loaded(30 * kDay);
  ArchiveIn in(body);
  EXPECT_FALSE(loaded.load(in));
}

TEST(EventIdWindowTest, OneEventStampedFarInTheFutureDoesNotFlushTheWindow) {
  EventIdWindow w(30 * kDay);
  ASSERT_TRUE(w.firstTime("e-1", kT0));
  ASSERT_TRUE(w.firstTime("bogus", kT0 + 36500 * kDay));  // moves the window's clock a day only
  EXPECT_FALSE(w.firstTime("e-1", kT0 + kDay));
}

TEST(EventIdWindowTest, RememberNeverRefusesAndIsRemembered) {
  EventIdWindow w(30 * kDay);
  w.remember("e-1", kT0);
  w.remember("e-1", kT0);  // the journal's own repeat (accepted twice, a window apart)
  EXPECT_FALSE(w.firstTime("e-1", kT0 + kDay));
  EXPECT_EQ(w.size(), 1u);
}

}  // namespace
}  // namespace casewatch
