// The workflow's one time-ordered queue: escalation steps, tier holds, and silences starting and
// ending, fired in time order by advanceTo().
#include "alerts/workflow/alert_workflow.h"

#include <algorithm>

#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr TimeMs kGcInterval = kMsPerHour;

}  // namespace

void AlertWorkflow::pushTimer(TimeMs due, TimerKind kind, uint32_t gen, const std::string& id) {
  timers_.push(Timer{due, timer_seq_++, kind, gen, id, Timer::idOrder(id)});
}

void AlertWorkflow::armStep(Entry& e, TimeMs now) {
  ++e.step_gen;
  if (!escalates(e)) return;
  const int level = e.shown.escalation ? e.shown.escalation->level : 0;
  const auto step = policy_.next(e.shown.tier, e.tier_since, level, e.last_step_at);
  if (!step) return;
  e.step_armed_at = now;
  pushTimer(step->due, TimerKind::kStep, e.step_gen, e.shown.alert_id);
}

void AlertWorkflow::pushSilenceTimers(const Silence& s, TimeMs now) {
  if (s.expired_at != 0) return;
  if (s.starts_at > now) pushTimer(s.starts_at, TimerKind::kSilenceStart, 0, s.id);
  pushTimer(s.ends_at, TimerKind::kSilenceEnd, 0, s.id);
}

void AlertWorkflow::advanceTo(TimeMs now) {
  clock_ = std::max(clock_, now);
  while (!timers_.empty() && timers_.top().due <= now) {
    const Timer t = timers_.top();
    timers_.pop();
    switch (t.kind) {
      case TimerKind::kStep:
        fireStep(t);
        break;
      case TimerKind::kHold:
        fireHold(t);
        break;
      case TimerKind::kSilenceStart:
        applySilences(t.due, "casewatch", strCat("silence ", t.id, " started"));
        break;
      case TimerKind::kSilenceEnd:
        applySilences(t.due, "casewatch", strCat("silence ", t.id, " ended"));
        break;
    }
  }
  if (now >= next_gc_) {
    if (silencer_.collectGarbage(now) > 0) persist();
    next_gc_ = now + kGcInterval;
  }
}

void AlertWorkflow::fireStep(const Timer& t) {
  auto it = entries_.find(t.id);
  if (it == entries_.end() || it->second.step_gen != t.gen) return;  // resolved or re-armed
  Entry& e = it->second;
  if (!escalates(e)) return;
  const int level = e.shown.escalation ? e.shown.escalation->level : 0;
  const auto step = policy_.next(e.shown.tier, e.tier_since, level, e.last_step_at);
  if (!step) return;
  if (step->due > t.due) {  // the schedule moved on since the timer was set
    ++e.step_gen;
    e.step_armed_at = t.due;
    pushTimer(step->due, TimerKind::kStep, e.step_gen, e.shown.alert_id);
    return;
  }
  // Stamped with the time the policy names, unless it could not happen then (an acknowledgement
  // taken back later, a restart): then with the moment it became possible.
  const TimeMs at = std::max(step->due, e.step_armed_at);
  const TimeMs minutes = (at - e.tier_since) / kMsPerMinute;
  e.last_step_at = at;
  if (step->kind == EscalationPolicy::StepKind::kEscalate) {
    e.shown.escalation = AlertEscalation{step->level, step->target, at};
    emit(e, ChangeKind::kEscalated, at, "casewatch",
         strCat("unacknowledged for ", minutes, " min at ", tierName(e.shown.tier),
                ": escalated to ", step->target, " (level ", step->level, ")"));
  } else {
    if (e.shown.escalation) {
      e.shown.escalation->reminded_at = at;
    } else {
      // max: replaying the journal re-fires earlier reminders than the state loaded may hold.
      TimeMs& last = reminded_[e.shown.alert_id];
      last = std::max(last, at);
      if (!recovering_) persist();
    }
    emit(e, ChangeKind::kUpdated, at, "casewatch",
         strCat("reminder to ", step->target, ": unacknowledged for ", minutes, " min at ",
                tierName(e.shown.tier)));
  }
  armStep(e, at);
}

void AlertWorkflow::fireHold(const Timer& t) {
  auto it = entries_.find(t.id);
  if (it == entries_.end() || it->second.hold_gen != t.gen) return;
  Entry& e = it->second;
  if (!e.hold) return;
  e.hold = false;
  if (e.book_tier >= e.shown.tier) return;
  const TimeMs at = std::max(t.due, resumed_at_);
  const Tier from = e.shown.tier;
  e.shown.tier = e.book_tier;
  e.tier_since = at;
  e.shown.silenced_by = silencer_.match(e.shown, at);
  emit(e, ChangeKind::kTierChanged, at, "casewatch",
       strCat("tier fell from ", tierName(from), " to ", tierName(e.book_tier), " (held ",
              min_hold_ms_ / kMsPerMinute, " min)"));
  armStep(e, at);
}

}  // namespace casewatch
