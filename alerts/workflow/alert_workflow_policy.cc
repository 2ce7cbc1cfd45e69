// A reload's new workflow policy, swapped in under the running alerts (AlertWorkflow::applyPolicy).
#include <algorithm>

#include "alerts/workflow/alert_workflow.h"

namespace casewatch {

size_t AlertWorkflow::applyPolicy(WorkflowOptions options, TimeMs now) {
  clock_ = std::max(clock_, now);
  options_ = std::move(options);
  policy_ = EscalationPolicy(options_.escalation);
  min_hold_ms_ = TimeMs{options_.workflow.min_hold_minutes} * kMsPerMinute;
  silencer_.setRetention(TimeMs{options_.workflow.silence_retention_days} * kMsPerDay);
  silencer_.setAlertNames(options_.alert_names);

  // The grouper and the inhibitor are indexes over the active alerts: rebuilt under the new rules,
  // fed in the order the alerts started (a matter's first parent is its group), ties by id, so
  // that the result does not depend on hash-table order.
  std::vector<Entry*> order;
  order.reserve(entries_.size());
  for (auto& [id, e] : entries_) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return a->shown.starts_at != b->shown.starts_at ? a->shown.starts_at < b->shown.starts_at
                                                    : a->shown.alert_id < b->shown.alert_id;
  });
  grouper_ = Grouper(options_.grouping);
  inhibitor_ =
      Inhibitor(options_.inhibition.enabled, inhibitionMinTier(options_.inhibition.min_tier));
  std::vector<std::string> ids;
  ids.reserve(order.size());
  for (Entry* e : order) {
    grouper_.add(e->shown);
    inhibitor_.update(e->shown, e->book_tier);
    ids.push_back(e->shown.alert_id);
  }
  // Emits a change for each alert whose group or inhibitor changed (and re-arms its step).
  applyRelations(ids, now);

  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    Entry& e = entries_.find(id)->second;
    if (e.hold) {
      ++e.hold_gen;
      pushTimer(std::max(e.book_since + min_hold_ms_, now), TimerKind::kHold, e.hold_gen, id);
    }
    armStep(e, now);
  }
  return ids.size();
}

}  // namespace casewatch
