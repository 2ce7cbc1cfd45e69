// The Poisson CUSUM on a hand-worked series, and the day-of-week baseline.
#include "models/stats/poisson_cusum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace casewatch {
namespace {

// k = 2, h = 2, λ0 = 1: each day adds x·ln 2 − 1.
//   x:  1      0      3       4               2       0
//   S:  0      0      1.0794  2.8520 (alarm)  0.3863  0
//   ub: 4.328  4.328  4.328   2.7708          4.328   3.7705
TEST(PoissonCusumTest, HandWorkedSeries) {
  PoissonCusum c(PoissonCusumOptions{2.0, 2.0, 0.1});
  const double ln2 = std::log(2.0);
  const std::vector<double> x = {1, 0, 3, 4, 2, 0};
  const std::vector<double> s = {0, 0, 3 * ln2 - 1, 3 * ln2 - 1 + 4 * ln2 - 1, 2 * ln2 - 1, 0};
  const std::vector<bool> alarm = {false, false, false, true, false, false};
  const std::vector<double> ub = {
      3 / ln2, 3 / ln2, 3 / ln2, (3 - (3 * ln2 - 1)) / ln2, 3 / ln2, (3 - (2 * ln2 - 1)) / ln2};
  for (size_t i = 0; i < x.size(); ++i) {
    const CusumStep st = c.update(x[i], 1.0);
    EXPECT_NEAR(st.statistic, s[i], 1e-12) << "day " << i;
    EXPECT_EQ(st.alarm, alarm[i]) << "day " << i;
    EXPECT_NEAR(st.upperbound, ub[i], 1e-12) << "day " << i;
    EXPECT_EQ(st.alarm, x[i] > st.upperbound) << "day " << i;  // the two readings agree
  }
  EXPECT_NEAR(ub[3], 2.7708, 1e-4);
  EXPECT_DOUBLE_EQ(c.value(), 0);
}

TEST(PoissonCusumTest, PeekDoesNotCommitAndTheBaselineIsFloored) {
  PoissonCusum c(PoissonCusumOptions{2.0, 5.0, 0.5});
  const CusumStep p = c.peek(3, 0.0);  // λ0 floored at 0.5: 3 ln 2 − 0.5
  EXPECT_NEAR(p.statistic, 3 * std::log(2.0) - 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(p.expected, 0.5);
  EXPECT_DOUBLE_EQ(c.value(), 0);
  c.update(3, 0.0);
  EXPECT_NEAR(c.value(), 3 * std::log(2.0) - 0.5, 1e-12);
}

TEST(PoissonCusumTest, WeekdayBaselineStartsAsARunningMeanThenWeighs) {
  WeekdayBaseline b(1.0);  // half-life one week: w = 0.5
  EXPECT_DOUBLE_EQ(b.weight(), 0.5);
  b.add(0, 4);
  EXPECT_DOUBLE_EQ(b.mean(0), 4);
  b.add(0, 2);
  EXPECT_DOUBLE_EQ(b.mean(0), 3);
  b.add(0, 0);
  EXPECT_DOUBLE_EQ(b.mean(0), 1.5);
  EXPECT_DOUBLE_EQ(b.mean(1), 0);  // other weekdays untouched
  EXPECT_EQ(b.count(0), 3u);
}

TEST(PoissonCusumTest, SeriesWarmsUpThenJudgesAndSkipsAlarmDaysInTheBaseline) {
  // Two quiet weeks of 1 a day (warm-up 14), a burst of 9 on day 14 (a weekday 0), then a week of
  // 1 a day up to day 21, the next weekday 0.
  std::vector<double> x(22, 1.0);
  x[14] = 9;
  std::vector<int> wd(x.size());
  for (size_t i = 0; i < wd.size(); ++i) wd[i] = static_cast<int>(i % 7);
  const auto pts = poissonCusumSeries(x, wd, PoissonCusumOptions{2.0, 5.0, 0.1}, 14, 8);
  for (int i = 0; i < 14; ++i) EXPECT_FALSE(pts[i].upperbound.has_value());
  ASSERT_TRUE(pts[14].upperbound.has_value());
  EXPECT_DOUBLE_EQ(pts[14].expected, 1.0);
  EXPECT_NEAR(pts[14].statistic, 9 * std::log(2.0) - 1, 1e-12);
  EXPECT_TRUE(pts[14].alarm);
  for (size_t i = 15; i < x.size(); ++i) EXPECT_FALSE(pts[i].alarm) << "day " << i;
  EXPECT_DOUBLE_EQ(pts[21].expected, 1.0);  // the burst day did not teach weekday 0
}

}  // namespace
}  // namespace casewatch
