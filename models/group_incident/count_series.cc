#include "models/group_incident/count_series.h"

#include "base/time.h"

namespace casewatch {

CountSeries::CountSeries(const CountSeriesOptions& options)
    : o_(options),
      history_cap_(
          static_cast<size_t>(earsHistoryNeeded(options.ears.method, options.ears.baseline))),
      cusum_(options.cusum),
      baseline_(options.half_life_weeks) {}

void CountSeries::rollTo(int64_t day) {
  if (day_ < 0 || day - day_ > kMaxGapDays) {
    // A new series, or one silent for over a year: start afresh.
    *this = CountSeries(o_);
    day_ = day;
    threshold_ = earsThreshold(history_, o_.ears);
    return;
  }
  if (day <= day_) return;
  while (day_ < day) {
    const int wd = weekdayFromDays(day_);
    bool alarmed = alarmed_today_;
    if (days_completed_ >= kCusumWarmupDays) {
      alarmed = cusum_.update(today_, baseline_.mean(wd)).alarm || alarmed;
    }
    if (!alarmed) baseline_.add(wd, today_);
    history_.push_back(today_);
    if (history_.size() > history_cap_) history_.erase(history_.begin());
    ++days_completed_;
    ++day_;
    today_ = 0;
    alarmed_today_ = false;
  }
  threshold_ = earsThreshold(history_, o_.ears);
}

SeriesJudgement CountSeries::judge() const {
  SeriesJudgement j;
  j.day = day_;
  j.observed = today_;
  if (threshold_.defined) {
    j.ears_defined = true;
    j.ears_upperbound = threshold_.upperbound(today_);
    j.ears_statistic = threshold_.statistic(today_);
    j.ears_alarm = threshold_.alarm(today_);
  }
  if (days_completed_ >= kCusumWarmupDays) {
    const CusumStep st = cusum_.peek(today_, baseline_.mean(weekdayFromDays(day_)));
    j.cusum_defined = true;
    j.expected = st.expected;
    j.cusum_statistic = st.statistic;
    j.cusum_upperbound = st.upperbound;
    j.cusum_alarm = st.alarm;
  } else {
    j.expected = baseline_.mean(weekdayFromDays(day_));
  }
  return j;
}

SeriesJudgement CountSeries::add(int64_t day, double n, bool& counted) {
  counted = day_ < 0 || day >= day_;
  if (counted) {
    rollTo(day);
    today_ += n;
  }
  SeriesJudgement j = judge();
  if (counted && j.alarm()) alarmed_today_ = true;
  return j;
}

void CountSeries::save(ArchiveOut& out) const {
  out.pod(day_);
  out.pod(today_);
  out.pod(alarmed_today_);
  out.pods(history_);
  out.pod(threshold_);
  out.pod(cusum_.value());
  out.pod(baseline_);
  out.pod(days_completed_);
}

bool CountSeries::load(ArchiveIn& in) {
  in.pod(day_);
  in.pod(today_);
  in.pod(alarmed_today_);
  in.pods(history_);
  in.pod(threshold_);
  cusum_.restore(in.get<double>());
  in.pod(baseline_);
  in.pod(days_completed_);
  return in.ok() && history_.size() <= history_cap_;
}

}  // namespace casewatch
