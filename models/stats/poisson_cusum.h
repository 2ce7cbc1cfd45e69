// A Poisson CUSUM against a learned, day-of-week-aware baseline: the second aberration detector
// of the group_incident model (next to EARS) and of `casewatch detect --method cusum`.
//
// Method. For daily counts x_t with in-control mean λ0_t (the baseline for t's weekday) the CUSUM
// for a shift to λ1 = k·λ0 is the log-likelihood-ratio recursion
//   S_t = max(0, S_{t−1} + x_t · ln(λ1/λ0) − (λ1 − λ0)),
// alarm when S_t > h (strict, like EARS's `observed > upperbound`). Equivalently the day alarms
// when x_t exceeds the upper bound (h − S_{t−1} + (λ1 − λ0)) / ln(λ1/λ0), which is the number
// reported as "upperbound". After an alarm S restarts from 0 (the usual reset, so that one burst
// gives one run of alarms, not an alarm on every later day).
// λ0 is floored at `min_baseline` so that a series that has been all zeros still has a finite
// threshold (with λ0 → 0 each count adds ln k and the drift vanishes).
//
// Baseline. WeekdayBaseline keeps one mean per weekday: a running mean for the first 1/w
// observations of that weekday, then an exponentially weighted mean with weight w = 1 − 2^(−1/H)
// per observation (H = half-life in weeks). Days that alarmed are left out of the baseline so that
// a burst does not teach the detector that bursts are normal.
//
// Sources: E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954); M. Höhle and
// M. Paul, "Count data regression charts for the monitoring of surveillance time series", CSDA 52
// (2008) and the R package `surveillance` (`algo.cusum`, `pois.cusum` log-likelihood form); Lucas,
// "Counted data CUSUM's", Technometrics 27 (1985), for the Poisson form of the increment.
//
// Value types; not thread-safe (one per series, owned by its model).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace casewatch {

struct PoissonCusumOptions {
  double k = 2.0;             // λ1 = k · λ0: the shift to detect (k > 1)
  double h = 5.0;             // decision interval (> 0)
  double min_baseline = 0.1;  // floor of λ0
};

struct CusumStep {
  double statistic = 0;   // S_t
  double upperbound = 0;  // the largest count that does not alarm, in counts
  double expected = 0;    // λ0 used (after the floor)
  bool alarm = false;     // S_t > h
};

class PoissonCusum {
 public:
  explicit PoissonCusum(const PoissonCusumOptions& o = {}) : o_(o) {}
  // The step for count `x` with baseline `lambda0`, without committing it (a day still filling).
  CusumStep peek(double x, double lambda0) const;
  // Commits the day: S becomes S_t, or 0 after an alarm.
  CusumStep update(double x, double lambda0);
  double value() const { return s_; }
  void reset() { s_ = 0; }
  // Restores S from a snapshot (models/group_incident/count_series.h).
  void restore(double s) { s_ = s; }
  const PoissonCusumOptions& options() const { return o_; }

 private:
  PoissonCusumOptions o_;
  double s_ = 0;
};

class WeekdayBaseline {
 public:
  explicit WeekdayBaseline(double half_life_weeks = 8);
  void add(int weekday, double x);  // weekday 0..6
  double mean(int weekday) const { return mean_[static_cast<size_t>(weekday)]; }
  uint32_t count(int weekday) const { return n_[static_cast<size_t>(weekday)]; }
  double weight() const { return w_; }

 private:
  double w_;
  std::array<double, 7> mean_{};
  std::array<uint32_t, 7> n_{};
};

// One row of a batch run over a whole series (the `detect` tool).
struct CusumPoint {
  std::optional<double> upperbound;  // none while the warm-up is running
  double statistic = 0;
  double expected = 0;
  bool alarm = false;
};

// Runs the CUSUM over `counts` (one per day, in order; `weekdays[i]` in 0..6). The first `warmup`
// days only train the baseline (no upper bound, no alarm); after that each day is judged against
// the baseline learned from the days before it, then (unless it alarmed) teaches the baseline.
std::vector<CusumPoint> poissonCusumSeries(std::span<const double> counts,
                                           std::span<const int> weekdays,
                                           const PoissonCusumOptions& options, int warmup,
                                           double half_life_weeks);

}  // namespace casewatch
