#include "alerts/escalation/escalation_policy.h"

#include <algorithm>

namespace casewatch {

EscalationPolicy::EscalationPolicy(const EscalationConfig& config) {
  auto set = [&](Tier tier, const TierEscalationConfig& c) {
    TierPolicy& p = tiers_[static_cast<size_t>(tier)];
    p.chain = c.chain;
    for (int m : c.after_minutes) p.after.push_back(TimeMs{m} * kMsPerMinute);
    p.renotify = TimeMs{c.renotify_minutes} * kMsPerMinute;
    p.notify_at_once = c.notify_at_once;
  };
  set(Tier::kBlue, config.blue);
  set(Tier::kYellow, config.yellow);
  set(Tier::kOrange, config.orange);
  set(Tier::kRed, config.red);
}

std::optional<EscalationPolicy::Step> EscalationPolicy::next(Tier tier, TimeMs tier_since,
                                                             int level, TimeMs last_step_at) const {
  const TierPolicy& p = of(tier);
  if (p.chain.empty()) return std::nullopt;
  // Levels reached in a higher tier are kept after a fall: the chain continues from there.
  const size_t lvl = static_cast<size_t>(std::max(level, 0));
  if (lvl < p.after.size() && lvl + 1 < p.chain.size()) {
    return Step{StepKind::kEscalate, tier_since + p.after[lvl], static_cast<int>(lvl + 1),
                p.chain[lvl + 1]};
  }
  if (p.renotify <= 0) return std::nullopt;
  // Reminders start once the last level's time has passed (or when the tier was reached for a
  // chain of one), every `renotify` after the latest step.
  const TimeMs chain_end = tier_since + (p.after.empty() ? 0 : p.after.back());
  const TimeMs from = std::max(chain_end, last_step_at);
  return Step{StepKind::kRenotify, from + p.renotify, level, target(tier, level)};
}

std::string EscalationPolicy::target(Tier tier, int level) const {
  const TierPolicy& p = of(tier);
  if (p.chain.empty()) return {};
  const size_t i = std::min(static_cast<size_t>(std::max(level, 0)), p.chain.size() - 1);
  return p.chain[i];
}

const std::vector<std::string>& EscalationPolicy::noticeTargets(Tier tier) const {
  return of(tier).notify_at_once;
}

}  // namespace casewatch
