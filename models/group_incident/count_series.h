// The daily count of contacts (visits and registrations) in one (region, category), watched by two
// aberration detectors as the day fills up: EARS (models/stats/ears.h, the configured method) and a
// Poisson CUSUM against a per-weekday baseline (models/stats/poisson_cusum.h).
//
// Real time: the day being counted is judged against thresholds computed from the completed days
// only, so an aberration is flagged by the contact that crosses the bound, not at midnight. At the
// end of a day (when a contact for a later day arrives) the day is completed: it joins the EARS
// history, the CUSUM commits it, and, unless it alarmed, it teaches the weekday baseline. Days
// without contacts count as zeros. A contact for a day already completed is not added (late data
// does not rewrite history); a gap of more than kMaxGapDays restarts the series.
// The CUSUM judges only after kCusumWarmupDays completed days (four of each weekday), so that a new
// series does not alarm against an empty baseline; EARS judges once its history is long enough.
//
// Not thread-safe: owned by the group_incident model.
#pragma once

#include <cstdint>
#include <vector>

#include "base/state_archive.h"
#include "models/stats/ears.h"
#include "models/stats/poisson_cusum.h"

namespace casewatch {

struct CountSeriesOptions {
  EarsOptions ears;
  PoissonCusumOptions cusum;
  double half_life_weeks = 8;
};

struct SeriesJudgement {
  int64_t day = 0;
  double observed = 0;
  bool ears_defined = false;
  double ears_upperbound = 0;
  double ears_statistic = 0;
  bool ears_alarm = false;
  bool cusum_defined = false;
  double expected = 0;  // the weekday baseline λ0 (after the floor)
  double cusum_statistic = 0;
  double cusum_upperbound = 0;
  bool cusum_alarm = false;
  bool alarm() const { return ears_alarm || cusum_alarm; }
};

class CountSeries {
 public:
  static constexpr int kCusumWarmupDays = 28;
  static constexpr int64_t kMaxGapDays = 400;

  explicit CountSeries(const CountSeriesOptions& options);

  // Adds `n` contacts on local day `day` (days since 1970-01-01) and judges the day; false in
  // `counted` when the day is already completed (the contact is not added).
  SeriesJudgement add(int64_t day, double n, bool& counted);
  // The current day's judgement as it stands.
  SeriesJudgement judge() const;
  bool alarmedToday() const { return alarmed_today_; }
  int64_t day() const { return day_; }
  int daysCompleted() const { return days_completed_; }

  // Snapshot (daemon/snapshot/): the day being counted, the history, the day's EARS threshold,
  // the CUSUM statistic and the weekday baseline. The options are the constructor's.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  void rollTo(int64_t day);

  CountSeriesOptions o_;
  int64_t day_ = -1;
  double today_ = 0;
  bool alarmed_today_ = false;
  std::vector<double> history_;  // completed days, oldest first
  size_t history_cap_;
  EarsThreshold threshold_;  // for day_
  PoissonCusum cusum_;
  WeekdayBaseline baseline_;
  int days_completed_ = 0;
};

}  // namespace casewatch
