// EARS C1, C2 and C3 aberration detection on a daily count series, exactly as the R package
// `surveillance` defines it in `earsC` (version 1.20.3, checked against R's output; the expected
// numbers are committed in tests/models/stats/ears_test.cc). Used by the group_incident model (one
// series per region and category) and by `casewatch detect`.
//
// Definitions (t is the day judged, x its count, B the baseline length, default 7; z = the
// standard normal quantile at 1 − alpha; sd is the sample standard deviation, n − 1; σ = max(sd,
// minSigma)):
//   C1: reference values x[t−B .. t−1];      upperbound = mean + z·σ.
//   C2: reference values x[t−B−2 .. t−3] (a 2-day lag); upperbound = mean + z·σ.
//   C3: with C2_s = (x[s] − mean_s) / σ_s the C2 statistic of day s (its own C2 reference values),
//       upperbound = max(0, x[t] + σ_t · (z − (max(0, C2_{t−2} − 1) + max(0, C2_{t−1} − 1)))).
//       This is the package's formula verbatim. It contains x[t] itself, so a C3 alarm does not
//       depend on the day's own count: it fires when the two previous days' excesses add up to more
//       than z (in practice the days after a spike). Reproduced as is, not "fixed".
//   alarm = observed > upperbound (strict).
// The first points have no upper bound (R leaves them out of the result): the first B days for C1,
// B + 2 for C2, B + 4 for C3. Default alpha: 0.001 for C1 and C2, 0.025 for C3 (R's defaults when
// control$alpha is not given). R requires B >= 3 and minSigma >= 0.
// Where R computes NaN (C3 with a zero sd and minSigma = 0: 0/0 in a C2 statistic), the upper bound
// is undefined (NaN here; R's alarm is NA): `defined` is false and the alarm false.
// Sources: L. Hutwagner, W. Thompson, G. M. Seeman, T. Treadwell, "The bioterrorism preparedness
// and response Early Aberration Reporting System (EARS)", J. Urban Health 80 (2003); R. Fricker,
// B. Hegler, D. Dunfee, "Comparing syndromic surveillance detection methods: EARS' versus a CUSUM-
// based methodology", Stat. Med. 27 (2008); R package surveillance, R/earsC.R.
//
// Pure functions and small value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace casewatch {

enum class EarsMethod : uint8_t { kC1, kC2, kC3 };
std::string_view earsMethodName(EarsMethod m);                 // "c1", "c2", "c3"
bool earsMethodFromName(std::string_view s, EarsMethod& out);  // "c1"/"C1", "ears-c1", ...

struct EarsOptions {
  EarsMethod method = EarsMethod::kC1;
  int baseline = 7;      // >= 3
  double alpha = 0.001;  // in (0, 1)
  double min_sigma = 0;  // >= 0
};

// R's default alpha for the method: 0.001 (C1, C2), 0.025 (C3).
double earsDefaultAlpha(EarsMethod m);
// How many values must come before a day for it to have an upper bound: B, B + 2, B + 4.
int earsHistoryNeeded(EarsMethod m, int baseline);
// qnorm(1 − alpha).
double earsZ(double alpha);

// Everything the upper bound of day t needs that does not depend on x[t]: computed once per day,
// then compared with the day's (growing) count.
struct EarsThreshold {
  bool defined = false;  // false while the history is too short
  EarsMethod method = EarsMethod::kC1;
  double mean = 0;   // of the reference values (C1, C2; for C3 those of C2 at t)
  double sigma = 0;  // max(sd, minSigma) of those values
  double z = 0;
  double lag_excess = 0;  // C3: max(0, C2_{t−2} − 1) + max(0, C2_{t−1} − 1); NaN when undefined

  // The package's upper bound for an observed count (NaN when undefined: see above).
  double upperbound(double observed) const;
  // observed > upperbound; false when the bound is undefined or NaN.
  bool alarm(double observed) const;
  // The C1/C2 statistic (observed − mean)/sigma; for C3 the sum of the three excesses
  // max(0, C2 − 1), the EARS C3 statistic of the literature (for the alert's explanation).
  double statistic(double observed) const;
};

// The threshold for the day that follows `history` (its values oldest first; the day judged is not
// in it). Uses the last earsHistoryNeeded() values.
EarsThreshold earsThreshold(std::span<const double> history, const EarsOptions& o);

struct EarsPoint {
  std::optional<double> upperbound;  // none before the first judged day, and when undefined (NaN)
  bool alarm = false;
  bool judged = false;  // the day is in the package's range (it has a reference window)
};

// earsC over a whole series: one point per input value.
std::vector<EarsPoint> earsC(std::span<const double> observed, const EarsOptions& o);

}  // namespace casewatch
