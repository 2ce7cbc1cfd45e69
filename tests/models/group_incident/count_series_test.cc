#include "models/group_incident/count_series.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/time.h"

namespace casewatch {
namespace {

constexpr int64_t kMonday = 20515;  // 2026-03-02

CountSeriesOptions options(EarsMethod m = EarsMethod::kC1) {
  CountSeriesOptions o;
  o.ears = EarsOptions{m, 7, 0.001, 0};
  o.cusum = PoissonCusumOptions{2.0, 5.0, 0.1};
  o.half_life_weeks = 8;
  return o;
}

TEST(CountSeriesTest, JudgesTheFillingDayAgainstCompletedDaysLikeEarsC) {
  // Daily counts; the series sees them contact by contact, with day 3 and day 8 silent (zeros).
  const std::vector<double> counts = {2, 1, 3, 0, 2, 4, 1, 2, 0, 3, 9};
  for (EarsMethod m : {EarsMethod::kC1, EarsMethod::kC2}) {
    CountSeries s(options(m));
    const std::vector<EarsPoint> batch = earsC(counts, options(m).ears);
    for (size_t d = 0; d < counts.size(); ++d) {
      bool counted = false;
      for (int k = 0; k < counts[d]; ++k) s.add(kMonday + static_cast<int64_t>(d), 1, counted);
      if (counts[d] == 0) continue;  // a silent day is completed when the next contact comes
      const SeriesJudgement j = s.judge();
      EXPECT_EQ(j.observed, counts[d]);
      EXPECT_EQ(j.ears_defined, batch[d].upperbound.has_value()) << "day " << d;
      if (j.ears_defined) {
        EXPECT_NEAR(j.ears_upperbound, *batch[d].upperbound, 1e-12) << "day " << d;
        EXPECT_EQ(j.ears_alarm, batch[d].alarm) << "day " << d;
      }
    }
    EXPECT_EQ(s.daysCompleted(), 10);
  }
}

TEST(CountSeriesTest, AlarmsAsSoonAsTheCountCrossesAndRemembersIt) {
  CountSeries s(options());
  bool counted = false;
  for (int d = 0; d < 7; ++d) s.add(kMonday + d, 1, counted);
  // C1 over seven ones: mean 1, sd 0, minSigma 0: bound 1. The second contact of day 7 crosses.
  SeriesJudgement j = s.add(kMonday + 7, 1, counted);
  EXPECT_FALSE(j.ears_alarm);
  EXPECT_FALSE(s.alarmedToday());
  j = s.add(kMonday + 7, 1, counted);
  EXPECT_TRUE(j.ears_alarm);
  EXPECT_TRUE(s.alarmedToday());
  s.add(kMonday + 8, 1, counted);
  EXPECT_FALSE(s.alarmedToday());  // a new day
}

TEST(CountSeriesTest, LateContactsDoNotRewriteACompletedDay) {
  CountSeries s(options());
  bool counted = true;
  s.add(kMonday + 5, 1, counted);
  s.add(kMonday + 4, 1, counted);
  EXPECT_FALSE(counted);
  EXPECT_EQ(s.judge().observed, 1);
  EXPECT_EQ(s.day(), kMonday + 5);
}

TEST(CountSeriesTest, CusumWaitsForFourWeeksThenUsesTheWeekdayBaseline) {
  CountSeries s(options());
  bool counted = false;
  // Four weeks: 3 a day on weekdays, none at weekends.
  for (int d = 0; d < CountSeries::kCusumWarmupDays; ++d) {
    if (weekdayFromDays(kMonday + d) < 5) s.add(kMonday + d, 3, counted);
    if (d < CountSeries::kCusumWarmupDays - 1) {
      EXPECT_FALSE(s.judge().cusum_defined);
    }
  }
  // Day 28 is a Monday: expected 3; 12 contacts: S = 12 ln 2 − 3 = 5.32 > 5.
  SeriesJudgement j = s.add(kMonday + 28, 11, counted);
  EXPECT_TRUE(j.cusum_defined);
  EXPECT_DOUBLE_EQ(j.expected, 3);
  EXPECT_FALSE(j.cusum_alarm);  // 11 ln 2 − 3 = 4.62
  j = s.add(kMonday + 28, 1, counted);
  EXPECT_NEAR(j.cusum_statistic, 12 * std::log(2.0) - 3, 1e-12);
  EXPECT_TRUE(j.cusum_alarm);
  // A Saturday (day 33) expects 0, floored at 0.1.
  s.add(kMonday + 33, 1, counted);
  EXPECT_DOUBLE_EQ(s.judge().expected, 0.1);
}

}  // namespace
}  // namespace casewatch
