#include "models/stats/ears.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

namespace casewatch {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's pmax(0, x): NaN stays NaN (std::max(0.0, NaN) would give 0).
double rPmax0(double x) {
  return std::isnan(x) ? x : (x > 0 ? x : 0);
}

struct MeanSd {
  double mean;
  double sd;
};

// Mean and sample sd as R computes them (two passes with the mean's rounding corrected, in long
// double, as in R's cov.c), so that the committed reference numbers match to the last bits.
MeanSd meanSd(std::span<const double> v) {
  const auto n = static_cast<long double>(v.size());
  long double sum = 0;
  for (double x : v) sum += x;
  long double mean = sum / n;
  long double corr = 0;
  for (double x : v) corr += x - mean;
  mean += corr / n;
  long double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {static_cast<double>(mean), static_cast<double>(std::sqrt(ss / (n - 1)))};
}

// Reference window of the C2 statistic of the day right after `before` (its values oldest first).
std::span<const double> c2Window(std::span<const double> before, int baseline) {
  const auto b = static_cast<size_t>(baseline);
  return before.subspan(before.size() - b - 2, b);
}

}  // namespace

std::string_view earsMethodName(EarsMethod m) {
  switch (m) {
    case EarsMethod::kC1:
      return "c1";
    case EarsMethod::kC2:
      return "c2";
    case EarsMethod::kC3:
      return "c3";
  }
  return "c1";
}

bool earsMethodFromName(std::string_view s, EarsMethod& out) {
  if (s.size() > 5 && (s.substr(0, 5) == "ears-" || s.substr(0, 5) == "EARS-")) s.remove_prefix(5);
  if (s == "c1" || s == "C1") {
    out = EarsMethod::kC1;
  } else if (s == "c2" || s == "C2") {
    out = EarsMethod::kC2;
  } else if (s == "c3" || s == "C3") {
    out = EarsMethod::kC3;
  } else {
    return false;
  }
  return true;
}

double earsDefaultAlpha(EarsMethod m) {
  return m == EarsMethod::kC3 ? 0.025 : 0.001;
}

int earsHistoryNeeded(EarsMethod m, int baseline) {
  switch (m) {
    case EarsMethod::kC1:
      return baseline;
    case EarsMethod::kC2:
      return baseline + 2;
    case EarsMethod::kC3:
      return baseline + 4;
  }
  return baseline;
}

double earsZ(double alpha) {
  return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), 1.0 - alpha);
}

double EarsThreshold::upperbound(double observed) const {
  if (!defined) return kNaN;
  if (method != EarsMethod::kC3) return mean + z * sigma;
  return rPmax0(observed + sigma * (z - lag_excess));
}

bool EarsThreshold::alarm(double observed) const {
  const double ub = upperbound(observed);
  return !std::isnan(ub) && observed > ub;
}

double EarsThreshold::statistic(double observed) const {
  if (!defined) return kNaN;
  const double c = (observed - mean) / sigma;
  if (method != EarsMethod::kC3) return c;
  return rPmax0(c - 1) + lag_excess;
}

EarsThreshold earsThreshold(std::span<const double> history, const EarsOptions& o) {
  EarsThreshold th;
  th.method = o.method;
  const auto needed = static_cast<size_t>(earsHistoryNeeded(o.method, o.baseline));
  if (history.size() < needed || o.baseline < 3) return th;
  th.defined = true;
  th.z = earsZ(o.alpha);
  const auto b = static_cast<size_t>(o.baseline);
  std::span<const double> window;
  switch (o.method) {
    case EarsMethod::kC1:
      window = history.subspan(history.size() - b, b);
      break;
    case EarsMethod::kC2:
    case EarsMethod::kC3:
      window = c2Window(history, o.baseline);
      break;
  }
  const MeanSd ms = meanSd(window);
  th.mean = ms.mean;
  th.sigma = std::max(ms.sd, o.min_sigma);
  if (o.method == EarsMethod::kC3) {
    // C2 of day t−1 (judged against the values before it) and of day t−2.
    double excess = 0;
    for (size_t lag = 1; lag <= 2; ++lag) {
      const std::span<const double> before = history.first(history.size() - lag);
      const MeanSd m = meanSd(c2Window(before, o.baseline));
      const double c2 = (history[history.size() - lag] - m.mean) / std::max(m.sd, o.min_sigma);
      excess += rPmax0(c2 - 1);
    }
    th.lag_excess = excess;
  }
  return th;
}

std::vector<EarsPoint> earsC(std::span<const double> observed, const EarsOptions& o) {
  std::vector<EarsPoint> out(observed.size());
  const auto needed = static_cast<size_t>(earsHistoryNeeded(o.method, o.baseline));
  for (size_t t = needed; t < observed.size(); ++t) {
    const EarsThreshold th = earsThreshold(observed.first(t), o);
    const double ub = th.upperbound(observed[t]);
    out[t].judged = true;
    if (!std::isnan(ub)) out[t].upperbound = ub;
    out[t].alarm = th.alarm(observed[t]);
  }
  return out;
}

}  // namespace casewatch
