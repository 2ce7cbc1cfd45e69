// The escalation policy (config `escalation:`), per tier: who is told in order (the chain), how
// long an alert may stay unacknowledged in its tier before each next level, how often it is
// reminded once the chain is done, and who is told at once when an alert reaches the tier.
//
// Levels: 0 is chain[0] (told when the alert fires); level i (i >= 1) is reached after_minutes[i-1]
// after the alert reached its current tier. The policy only computes times; the AlertWorkflow keeps
// the timers (a time-ordered queue) and decides when an alert is eligible (unacknowledged, not
// silenced, inhibited or grouped).
//
// Immutable after construction; safe to share between threads.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "alerts/escalation/escalation_config.h"
#include "base/time.h"
#include "models/signal.h"

namespace casewatch {

class EscalationPolicy {
 public:
  EscalationPolicy() = default;  // nothing escalates
  explicit EscalationPolicy(const EscalationConfig& config);

  enum class StepKind : uint8_t { kEscalate, kRenotify };
  struct Step {
    StepKind kind = StepKind::kEscalate;
    TimeMs due = 0;
    int level = 0;       // the level after the step (unchanged for a reminder)
    std::string target;  // who is told
  };
  // The next step for an alert at `tier`, in it since `tier_since`, now at `level`, whose last
  // escalation or reminder was at `last_step_at` (0 = none). nullopt: nothing more will happen.
  std::optional<Step> next(Tier tier, TimeMs tier_since, int level, TimeMs last_step_at) const;
  // Who is told at `level` of `tier`'s chain (the last one past its end; "" without a chain).
  std::string target(Tier tier, int level) const;
  const std::vector<std::string>& noticeTargets(Tier tier) const;

 private:
  struct TierPolicy {
    std::vector<std::string> chain;
    std::vector<TimeMs> after;  // ms from reaching the tier to level i + 1
    TimeMs renotify = 0;
    std::vector<std::string> notify_at_once;
  };
  const TierPolicy& of(Tier tier) const { return tiers_[static_cast<size_t>(tier)]; }
  std::array<TierPolicy, 5> tiers_;  // indexed by Tier (kNone never escalates)
};

}  // namespace casewatch
