// The workflow itself: its options, how an alert's status and eligibility are read, and how a
// change is emitted. The rest of AlertWorkflow lives beside it by concern:
// alert_workflow_timers.cc, alert_workflow_book_changes.cc, alert_workflow_operations.cc,
// alert_workflow_state.cc.
#include "alerts/workflow/alert_workflow.h"

#include "base/str_cat.h"

namespace casewatch {

Tier inhibitionMinTier(const std::string& name) {
  Tier t = Tier::kRed;
  if (!tierFromName(name, t) || t == Tier::kNone) t = Tier::kRed;
  return t;
}

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) strAppend(out, out.empty() ? "" : ",", s);
  return out;
}

}  // namespace

AlertWorkflow::AlertWorkflow(WorkflowOptions options, const AlertBook* book, NowFn now, EmitFn emit)
    : options_(std::move(options)),
      book_(book),
      now_(std::move(now)),
      emit_(std::move(emit)),
      policy_(options_.escalation),
      grouper_(options_.grouping),
      inhibitor_(options_.inhibition.enabled, inhibitionMinTier(options_.inhibition.min_tier)),
      silencer_(TimeMs{options_.workflow.silence_retention_days} * kMsPerDay, options_.alert_names),
      min_hold_ms_(TimeMs{options_.workflow.min_hold_minutes} * kMsPerMinute) {}

AlertWorkflow::~AlertWorkflow() = default;

// --- status and eligibility ---

AlertStatus AlertWorkflow::statusOf(const Entry& e) {
  if (!e.shown.silenced_by.empty()) return AlertStatus::kSilenced;
  if (e.shown.ack) return AlertStatus::kAcknowledged;
  if (e.shown.escalation && e.shown.escalation->level > 0) return AlertStatus::kEscalated;
  return AlertStatus::kFiring;
}

bool AlertWorkflow::isMember(const Entry& e) const {
  return !e.shown.group_id.empty() && e.shown.group_id != e.shown.alert_id;
}

bool AlertWorkflow::suppressed(const Entry& e) const {
  return !e.shown.silenced_by.empty() || !e.shown.inhibited_by.empty();
}

bool AlertWorkflow::escalates(const Entry& e) const {
  return !e.shown.ack && !suppressed(e) && !isMember(e);
}

std::string AlertWorkflow::noticeFor(const Entry& e) const {
  if (!escalates(e)) return {};
  return joined(policy_.noticeTargets(e.shown.tier));
}

// --- emitting ---

void AlertWorkflow::takeEvidence(Entry& e, const Alert& from) const {
  Alert& a = e.shown;
  a.score = from.score;
  a.reasons = from.reasons;
  a.actions = from.actions;
  a.summary = from.summary;
  a.evidence_rev = from.evidence_rev;
  if (!from.region.empty()) a.region = from.region;
  if (!from.agency.empty()) a.agency = from.agency;
  if (!from.category.empty()) a.category = from.category;
}

void AlertWorkflow::takeEvidence(Entry& e, Alert&& from) const {
  Alert& a = e.shown;
  a.score = from.score;
  a.reasons = std::move(from.reasons);
  a.actions = std::move(from.actions);
  a.summary = std::move(from.summary);
  a.evidence_rev = from.evidence_rev;
  if (!from.region.empty()) a.region = std::move(from.region);
  if (!from.agency.empty()) a.agency = std::move(from.agency);
  if (!from.category.empty()) a.category = std::move(from.category);
}

void AlertWorkflow::refresh(Entry& e) const {
  if (book_ == nullptr) return;
  const Alert* a = book_->find(e.shown.alert_id);
  // Unchanged since the entry took it (0: not the book's, e.g. loaded from saved state).
  if (a == nullptr || (a->evidence_rev != 0 && a->evidence_rev == e.shown.evidence_rev)) return;
  takeEvidence(e, *a);
}

void AlertWorkflow::emit(Entry& e, ChangeKind kind, TimeMs at, const std::string& actor,
                         std::string note, std::optional<bool> notify, std::string notice) {
  refresh(e);
  publish(e, kind, at, actor, std::move(note), notify, std::move(notice));
}

void AlertWorkflow::publish(Entry& e, ChangeKind kind, TimeMs at, const std::string& actor,
                            std::string note, std::optional<bool> notify, std::string notice) {
  e.shown.status = kind == ChangeKind::kResolved ? AlertStatus::kResolved : statusOf(e);
  e.shown.updated_at = at;
  AlertChange c;
  c.alert = e.shown;
  c.kind = kind;
  c.actor = actor;
  c.note = std::move(note);
  c.at = at;
  // People hear of a silence taking effect; otherwise a suppressed alert is kept off their sinks.
  c.notify = notify.value_or(!suppressed(e) || kind == ChangeKind::kSilenced);
  c.notice = std::move(notice);
  emit_(std::move(c));
}

}  // namespace casewatch
