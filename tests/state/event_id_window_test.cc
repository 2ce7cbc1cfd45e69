#include "state/event_id_window.h"

#include <gtest/gtest.h>

#include <string>

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

TEST(EventIdWindowTest, AnIdIsRememberedForOneToTwoWindowsOfEventTime) {
  EventIdWindow w(30 * kDay);
  ASSERT_TRUE(w.firstTime("old", kT0));
  // Time moves on with other events (at most a day per event).
  TimeMs t = kT0;
  int n = 0;
  auto moveTo = [&](TimeMs until) {
    while (t < until) {
      t = std::min(until, t + kDay);
      ASSERT_TRUE(w.firstTime("filler-" + std::to_string(n++), t));
    }
  };
  moveTo(kT0 + 59 * kDay);
  EXPECT_FALSE(w.firstTime("old", t));  // 59 days: still remembered (previous generation)
  moveTo(kT0 + 61 * kDay);
  EXPECT_TRUE(w.firstTime("old", t));  // two windows on: forgotten, taken as new
  // Memory holds two generations, not the history.
  moveTo(kT0 + 400 * kDay);
  EXPECT_LE(w.size(), 61u);
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
