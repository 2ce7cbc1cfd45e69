#include "models/stats/poisson_cusum.h"

#include <algorithm>
#include <cmath>

namespace casewatch {

CusumStep PoissonCusum::peek(double x, double lambda0) const {
  CusumStep st;
  const double l0 = std::max(lambda0, o_.min_baseline);
  const double l1 = o_.k * l0;
  const double log_ratio = std::log(o_.k);
  st.expected = l0;
  st.statistic = std::max(0.0, s_ + x * log_ratio - (l1 - l0));
  st.upperbound = (o_.h - s_ + (l1 - l0)) / log_ratio;
  st.alarm = st.statistic > o_.h;
  return st;
}

CusumStep PoissonCusum::update(double x, double lambda0) {
  const CusumStep st = peek(x, lambda0);
  s_ = st.alarm ? 0 : st.statistic;
  return st;
}

WeekdayBaseline::WeekdayBaseline(double half_life_weeks)
    : w_(1 - std::pow(0.5, 1 / std::max(half_life_weeks, 1e-9))) {}

void WeekdayBaseline::add(int weekday, double x) {
  const auto d = static_cast<size_t>(weekday);
  ++n_[d];
  // A running mean until the EW weight would count more than 1/n (no start-up bias from 0).
  const double w = std::max(w_, 1.0 / n_[d]);
  mean_[d] += w * (x - mean_[d]);
}

std::vector<CusumPoint> poissonCusumSeries(std::span<const double> counts,
                                           std::span<const int> weekdays,
                                           const PoissonCusumOptions& options, int warmup,
                                           double half_life_weeks) {
  std::vector<CusumPoint> out(counts.size());
  PoissonCusum cusum(options);
  WeekdayBaseline baseline(half_life_weeks);
  for (size_t i = 0; i < counts.size(); ++i) {
    const int wd = weekdays[i];
    if (static_cast<int64_t>(i) < warmup) {
      baseline.add(wd, counts[i]);
      continue;
    }
    const CusumStep st = cusum.update(counts[i], baseline.mean(wd));
    out[i].upperbound = st.upperbound;
    out[i].statistic = st.statistic;
    out[i].expected = st.expected;
    out[i].alarm = st.alarm;
    if (!st.alarm) baseline.add(wd, counts[i]);
  }
  return out;
}

}  // namespace casewatch
