// The duty officers' operations (AlertOperations): acknowledge, unacknowledge, resolve by hand,
// silences, and the views the HTTP API reads.
#include "alerts/workflow/alert_workflow.h"

#include <algorithm>

#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr size_t kRecentlyResolvedKept = 4096;

}  // namespace

TimeMs AlertWorkflow::opNow() {
  const TimeMs t = now_ ? now_() : clock_;
  advanceTo(t);
  return std::max(t, clock_);
}

void AlertWorkflow::rememberResolved(const std::string& id) {
  if (!recently_resolved_.insert(id).second) return;
  recently_resolved_order_.push_back(id);
  if (recently_resolved_order_.size() > kRecentlyResolvedKept) {
    recently_resolved_.erase(recently_resolved_order_.front());
    recently_resolved_order_.pop_front();
  }
}

absl::StatusOr<AlertWorkflow::Entry*> AlertWorkflow::activeEntry(const std::string& alert_id) {
  auto it = entries_.find(alert_id);
  if (it != entries_.end()) return &it->second;
  if (recently_resolved_.contains(alert_id) || resolved_by_hand_.contains(alert_id)) {
    return absl::FailedPreconditionError(strCat("alert ", alert_id, " is resolved"));
  }
  return absl::NotFoundError(strCat("no active alert ", alert_id));
}

absl::StatusOr<Alert> AlertWorkflow::acknowledge(const std::string& alert_id, const std::string& by,
                                                 const std::string& note) {
  const TimeMs now = opNow();
  auto e = activeEntry(alert_id);
  if (!e.ok()) return e.status();
  Entry& entry = **e;
  if (entry.shown.ack) {
    return absl::FailedPreconditionError(
        strCat("alert ", alert_id, " is already acknowledged by ", entry.shown.ack->by));
  }
  entry.shown.ack = AlertAck{by, now, note};
  emit(entry, ChangeKind::kAcknowledged, now, by, note);
  armStep(entry, now);  // stops the escalation
  return entry.shown;
}

absl::StatusOr<Alert> AlertWorkflow::unacknowledge(const std::string& alert_id,
                                                   const std::string& by) {
  const TimeMs now = opNow();
  auto e = activeEntry(alert_id);
  if (!e.ok()) return e.status();
  Entry& entry = **e;
  if (!entry.shown.ack) {
    return absl::FailedPreconditionError(strCat("alert ", alert_id, " is not acknowledged"));
  }
  const std::string was = entry.shown.ack->by;
  entry.shown.ack.reset();
  emit(entry, ChangeKind::kUnacknowledged, now, by,
       strCat("acknowledgement by ", was, " taken back"));
  armStep(entry, now);  // the escalation resumes (at once if overdue)
  Alert out = entry.shown;
  advanceTo(now);
  return out;
}

absl::StatusOr<Alert> AlertWorkflow::resolve(const std::string& alert_id, const std::string& by,
                                             const std::string& note) {
  const TimeMs now = opNow();
  auto e = activeEntry(alert_id);
  if (!e.ok()) return e.status();
  Entry& entry = **e;
  resolved_by_hand_[alert_id] = ManualResolution{entry.shown.tier, now};
  emit(entry, ChangeKind::kResolved, now, by, note);
  Alert out = entry.shown;
  std::vector<std::string> touched;
  removeEntry(alert_id, touched);
  rememberResolved(alert_id);
  applyRelations(std::move(touched), now);
  persist();
  advanceTo(now);  // alerts it inhibited or grouped may be overdue
  return out;
}

std::vector<Silence> AlertWorkflow::silences() const {
  return silencer_.list();
}

absl::StatusOr<Silence> AlertWorkflow::addSilence(Silence silence, const std::string& by) {
  const TimeMs now = opNow();
  auto s = silencer_.add(std::move(silence), by, now);
  if (!s.ok()) return s.status();
  pushSilenceTimers(*s, now);
  if (s->starts_at <= now) applySilences(now, by, strCat("silence ", s->id, ": ", s->comment));
  persist();
  advanceTo(now);
  return s;
}

absl::Status AlertWorkflow::expireSilence(const std::string& silence_id, const std::string& by) {
  const TimeMs now = opNow();
  auto s = silencer_.expire(silence_id, by, now);
  if (!s.ok()) return s.status();
  applySilences(now, by, strCat("silence ", silence_id, " expired by ", by));
  persist();
  advanceTo(now);  // unsilenced alerts may be overdue
  return absl::OkStatus();
}

std::vector<LedgerEntry> AlertWorkflow::ledger() const {
  return ledger_ ? ledger_() : std::vector<LedgerEntry>{};
}

std::vector<Alert> AlertWorkflow::activeAlerts() const {
  std::vector<Alert> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) {
    Entry copy;
    copy.shown = e.shown;
    refresh(copy);
    out.push_back(std::move(copy.shown));
  }
  std::sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) {
    return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.alert_id < b.alert_id;
  });
  return out;
}

const Alert* AlertWorkflow::find(const std::string& alert_id) const {
  auto it = entries_.find(alert_id);
  return it == entries_.end() ? nullptr : &it->second.shown;
}

bool AlertWorkflow::holdPendingForTest(const std::string& alert_id) const {
  auto it = entries_.find(alert_id);
  return it != entries_.end() && it->second.hold;
}

}  // namespace casewatch
