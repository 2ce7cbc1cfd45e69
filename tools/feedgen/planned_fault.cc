#include "tools/feedgen/planned_fault.h"

#include <array>

namespace casewatch::feedgen {

Fault planFault(Profile profile, const std::optional<double>& overdue_share, Rng& r) {
  if (overdue_share) {
    if (!r.chance(*overdue_share)) return Fault::kNone;
    // Only faults whose deadline (7 or 15 days from registration) passes early: a late reply's
    // 60-day deadline would fall after the window for most cases, and a slow acceptance after a
    // transfer bites only if the case is transferred.
    static constexpr std::array<double, 4> kEarly = {14, 7, 14, 7};
    return static_cast<Fault>(1 + r.pick(kEarly));
  }
  const double p = profile == Profile::kBurst ? 0.02 : profile == Profile::kRegular ? 0.12 : 0.14;
  if (!r.chance(p)) return Fault::kNone;
  static constexpr std::array<double, 7> kWeights = {14, 7, 14, 7, 6, 36, 16};
  return static_cast<Fault>(1 + r.pick(kWeights));
}

}  // namespace casewatch::feedgen
