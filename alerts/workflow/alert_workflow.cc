#include "alerts/workflow/alert_workflow.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr size_t kRecentlyResolvedKept = 4096;
constexpr TimeMs kGcInterval = kMsPerHour;

Tier tierOrRed(const std::string& name) {
  Tier t = Tier::kRed;
  if (!tierFromName(name, t) || t == Tier::kNone) t = Tier::kRed;
  return t;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) strAppend(out, out.empty() ? "" : ",", s);
  return out;
}

void sortUnique(std::vector<std::string>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

AlertWorkflow::AlertWorkflow(WorkflowOptions options, const AlertBook* book, NowFn now, EmitFn emit)
    : options_(std::move(options)),
      book_(book),
      now_(std::move(now)),
      emit_(std::move(emit)),
      policy_(options_.escalation),
      grouper_(options_.grouping),
      inhibitor_(options_.inhibition.enabled, tierOrRed(options_.inhibition.min_tier)),
      silencer_(TimeMs{options_.workflow.silence_retention_days} * kMsPerDay),
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
  a.summary_en = from.summary_en;
  a.summary_zh = from.summary_zh;
  if (!from.region.empty()) a.region = from.region;
  if (!from.agency.empty()) a.agency = from.agency;
  if (!from.category.empty()) a.category = from.category;
}

void AlertWorkflow::refresh(Entry& e) const {
  if (book_ == nullptr) return;
  if (const Alert* a = book_->find(e.shown.alert_id)) takeEvidence(e, *a);
}

void AlertWorkflow::emit(Entry& e, ChangeKind kind, TimeMs at, const std::string& actor,
                         std::string note, std::optional<bool> notify, std::string notice) {
  refresh(e);
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

// --- timers ---

void AlertWorkflow::pushTimer(TimeMs due, TimerKind kind, uint32_t gen, const std::string& id) {
  timers_.push(Timer{due, timer_seq_++, kind, gen, id});
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

// --- the book's changes ---

void AlertWorkflow::onBookChange(AlertChange&& change) {
  // What fell due up to this change comes first, and what it makes due at once (say, an alert
  // that leaves its group overdue) right after it: the order depends on the events only.
  const TimeMs at = change.at;
  advanceTo(at);
  switch (change.kind) {
    case ChangeKind::kFired:
      fired(std::move(change.alert), change.at, change.note);
      break;
    case ChangeKind::kTierChanged:
      tierChanged(std::move(change.alert), change.at);
      break;
    case ChangeKind::kResolved:
      resolvedByBook(std::move(change.alert), change.at);
      break;
    default:
      emit_(std::move(change));  // not the book's; passed on unchanged
      break;
  }
  advanceTo(at);
}

void AlertWorkflow::fired(Alert&& a, TimeMs at, const std::string& note) {
  const std::string id = a.alert_id;
  // Replaying the journal, the history comes before the manual resolutions: reconcile() applies
  // them.
  if (!recovering_ && resolved_by_hand_.erase(id) > 0) persist();
  if (entries_.contains(id)) {
    tierChanged(std::move(a), at);
    return;
  }
  Entry& e = entries_[id];
  e.shown = std::move(a);
  e.shown.ack.reset();
  e.shown.escalation.reset();
  e.book_tier = e.shown.tier;
  e.book_since = at;
  e.tier_since = at;
  std::vector<std::string> touched = grouper_.add(e.shown);
  std::vector<std::string> same_subject = inhibitor_.update(e.shown, e.book_tier);
  touched.insert(touched.end(), same_subject.begin(), same_subject.end());
  e.shown.group_id = grouper_.groupOf(id);
  e.shown.inhibited_by = inhibitor_.inhibitorOf(id);
  e.shown.silenced_by = silencer_.match(e.shown, at);
  emit(e, ChangeKind::kFired, at, "casewatch", note, std::nullopt, noticeFor(e));
  armStep(e, at);
  applyRelations(std::move(touched), at, id);
}

void AlertWorkflow::tierChanged(Alert&& a, TimeMs at) {
  const std::string id = a.alert_id;
  if (auto hr = resolved_by_hand_.find(id); !recovering_ && hr != resolved_by_hand_.end()) {
    // Resolved by hand: quiet until the model rates the risk above what the officer saw.
    if (a.tier <= hr->second.tier) return;
    resolved_by_hand_.erase(hr);
    persist();
    a.starts_at = at;
    fired(std::move(a), at,
          strCat("the tier rose to ", tierName(a.tier), " after a manual resolution"));
    return;
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    fired(std::move(a), at, "");
    return;
  }
  Entry& e = it->second;
  takeEvidence(e, a);
  e.book_tier = a.tier;
  e.book_since = at;
  std::vector<std::string> touched = inhibitor_.update(e.shown, e.book_tier);
  bool emitted = false;
  if (e.book_tier > e.shown.tier) {
    e.hold = false;
    ++e.hold_gen;
    const Tier from = e.shown.tier;
    e.shown.tier = e.book_tier;
    e.tier_since = at;
    std::string note = strCat("tier rose from ", tierName(from), " to ", tierName(e.book_tier));
    if (e.shown.ack) {
      // A higher risk needs a fresh look: the acknowledgement was for the lower tier.
      strAppend(note, "; the acknowledgement by ", e.shown.ack->by, " no longer holds");
      e.shown.ack.reset();
    }
    e.shown.group_id = grouper_.groupOf(id);
    e.shown.inhibited_by = inhibitor_.inhibitorOf(id);
    e.shown.silenced_by = silencer_.match(e.shown, at);
    emit(e, ChangeKind::kTierChanged, at, "casewatch", std::move(note), std::nullopt, noticeFor(e));
    armStep(e, at);
    emitted = true;
  } else if (e.book_tier < e.shown.tier) {
    if (min_hold_ms_ <= 0) {
      const Tier from = e.shown.tier;
      e.shown.tier = e.book_tier;
      e.tier_since = at;
      e.shown.group_id = grouper_.groupOf(id);
      e.shown.inhibited_by = inhibitor_.inhibitorOf(id);
      e.shown.silenced_by = silencer_.match(e.shown, at);
      emit(e, ChangeKind::kTierChanged, at, "casewatch",
           strCat("tier fell from ", tierName(from), " to ", tierName(e.book_tier)));
      armStep(e, at);
      emitted = true;
    } else if (!e.hold) {
      e.hold = true;
      ++e.hold_gen;
      pushTimer(at + min_hold_ms_, TimerKind::kHold, e.hold_gen, id);
    }
  } else if (e.hold) {
    e.hold = false;  // back at the shown tier within the hold: nothing to publish
    ++e.hold_gen;
  }
  applyRelations(std::move(touched), at, emitted ? id : std::string());
}

void AlertWorkflow::resolvedByBook(Alert&& a, TimeMs at) {
  const std::string id = a.alert_id;
  if (!recovering_ && resolved_by_hand_.erase(id) > 0) {
    persist();
    return;  // already resolved (by hand): nothing new to say
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  takeEvidence(it->second, a);
  emit(it->second, ChangeKind::kResolved, at, "casewatch", "");
  std::vector<std::string> touched;
  removeEntry(id, touched);
  rememberResolved(id);
  applyRelations(std::move(touched), at);
}

void AlertWorkflow::removeEntry(const std::string& id, std::vector<std::string>& touched) {
  std::vector<std::string> g = grouper_.remove(id);
  std::vector<std::string> i = inhibitor_.remove(id);
  touched.insert(touched.end(), g.begin(), g.end());
  touched.insert(touched.end(), i.begin(), i.end());
  entries_.erase(id);
  reminded_.erase(id);  // gone from the state at its next save
}

void AlertWorkflow::applyRelations(std::vector<std::string> ids, TimeMs at,
                                   const std::string& except) {
  // Sorted: the order of these changes must not depend on hash-table order, so that a replay of
  // the same events decides the same changes in the same order.
  sortUnique(ids);
  for (const std::string& id : ids) {
    if (id == except) continue;
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    Entry& e = it->second;
    std::string group = grouper_.groupOf(id);
    std::string inhibitor = inhibitor_.inhibitorOf(id);
    if (group == e.shown.group_id && inhibitor == e.shown.inhibited_by) continue;
    std::string note;
    if (group != e.shown.group_id) {
      note = group.empty() ? strCat("no longer grouped under ", e.shown.group_id)
                           : strCat("grouped under ", group);
    }
    if (inhibitor != e.shown.inhibited_by) {
      strAppend(note, note.empty() ? "" : "; ",
                inhibitor.empty() ? strCat("no longer inhibited by ", e.shown.inhibited_by)
                                  : strCat("inhibited by ", inhibitor));
    }
    const bool was_suppressed = suppressed(e);
    e.shown.group_id = std::move(group);
    e.shown.inhibited_by = std::move(inhibitor);
    // Bookkeeping for the bus and Alertmanager; people hear only of an alert coming back.
    emit(e, ChangeKind::kUpdated, at, "casewatch", std::move(note),
         was_suppressed && !suppressed(e));
    armStep(e, at);
  }
}

void AlertWorkflow::applySilences(TimeMs at, const std::string& actor, const std::string& note) {
  std::vector<std::string> ids;
  ids.reserve(entries_.size());
  for (const auto& [id, e] : entries_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    Entry& e = entries_.find(id)->second;
    std::string sid = silencer_.match(e.shown, at);
    if (sid == e.shown.silenced_by) continue;
    const bool was_silenced = !e.shown.silenced_by.empty();
    e.shown.silenced_by = std::move(sid);
    if (!was_silenced) {
      emit(e, ChangeKind::kSilenced, at, actor, note);
    } else if (e.shown.silenced_by.empty()) {
      emit(e, ChangeKind::kUnsilenced, at, actor, note);
    } else {
      emit(e, ChangeKind::kUpdated, at, actor, strCat(note, "; silenced by ", e.shown.silenced_by),
           false);
    }
    armStep(e, at);
  }
}

// --- duty officers' operations ---

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

bool AlertWorkflow::ready() const {
  return ready_ ? ready_() : true;
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

// --- durability ---

void AlertWorkflow::persist() {
  if (persist_) persist_(stateJson());
}

std::string AlertWorkflow::stateJson() const {
  nlohmann::json j;
  j["v"] = 1;
  j["silences"] = nlohmann::json::parse(silencer_.toJson(), nullptr, false);
  nlohmann::json resolved = nlohmann::json::array();
  std::vector<std::string> ids;
  for (const auto& [id, r] : resolved_by_hand_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    const ManualResolution& r = resolved_by_hand_.at(id);
    resolved.push_back({{"id", id}, {"tier", tierName(r.tier)}, {"at", r.at}});
  }
  j["resolved_by_hand"] = std::move(resolved);
  std::vector<std::pair<std::string, TimeMs>> reminded(reminded_.begin(), reminded_.end());
  std::sort(reminded.begin(), reminded.end());
  nlohmann::json reminders = nlohmann::json::array();
  for (const auto& [id, at] : reminded) reminders.push_back({{"id", id}, {"at", at}});
  j["reminded"] = std::move(reminders);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::Status AlertWorkflow::loadState(std::string_view state_json) {
  const nlohmann::json j = nlohmann::json::parse(state_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("workflow state: not a JSON object");
  }
  absl::Status status = absl::OkStatus();
  if (j.contains("silences")) status = silencer_.loadJson(j["silences"].dump());
  for (const Silence& s : silencer_.list()) pushSilenceTimers(s, clock_);
  resolved_by_hand_.clear();
  if (j.contains("resolved_by_hand") && j["resolved_by_hand"].is_array()) {
    for (const auto& r : j["resolved_by_hand"]) {
      if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
      ManualResolution m;
      if (!tierFromName(r.value("tier", ""), m.tier)) m.tier = Tier::kRed;
      m.at = r.value("at", TimeMs{0});
      resolved_by_hand_[r["id"].get<std::string>()] = m;
    }
  }
  reminded_.clear();
  if (j.contains("reminded") && j["reminded"].is_array()) {
    for (const auto& r : j["reminded"]) {
      if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) continue;
      const TimeMs at = r.value("at", TimeMs{0});
      if (at > 0) reminded_[r["id"].get<std::string>()] = at;
    }
  }
  return status;
}

void AlertWorkflow::reconcile(std::vector<Alert> stored_active, TimeMs now) {
  recovering_ = false;
  resumed_at_ = now;
  clock_ = std::max(clock_, now);
  absl::flat_hash_map<std::string, Alert> stored;
  for (Alert& a : stored_active) {
    std::string id = a.alert_id;
    stored.insert_or_assign(std::move(id), std::move(a));
  }
  // Manual resolutions: the journal knows nothing of them, so the replay brought those alerts back.
  std::vector<std::string> touched;
  std::vector<std::string> manual;
  for (const auto& [id, r] : resolved_by_hand_) manual.push_back(id);
  std::sort(manual.begin(), manual.end());
  bool forgot = false;
  for (const std::string& id : manual) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    if (it->second.shown.starts_at > resolved_by_hand_[id].at) {
      // The model resolved it and raised it again after the officer's resolution.
      resolved_by_hand_.erase(id);
      forgot = true;
      continue;
    }
    if (auto s = stored.find(id); s != stored.end()) {
      // Decided before the restart but not recorded: record it now.
      Entry tmp;
      tmp.shown = std::move(s->second);
      stored.erase(s);
      emit(tmp, ChangeKind::kResolved, now, "casewatch", "resolved by hand before the restart");
    }
    removeEntry(id, touched);
  }
  if (forgot) persist();

  std::vector<std::string> ids;
  for (const auto& [id, e] : entries_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    Entry& e = entries_.find(id)->second;
    e.shown.group_id = grouper_.groupOf(id);
    e.shown.inhibited_by = inhibitor_.inhibitorOf(id);
    auto s = stored.find(id);
    if (s == stored.end()) {
      e.shown.silenced_by = silencer_.match(e.shown, now);
      emit(e, ChangeKind::kFired, now, "casewatch", "after restart", std::nullopt, noticeFor(e));
      continue;
    }
    const Alert& st = s->second;
    // What the duty officers did and what was shown: from the store.
    e.shown.starts_at = st.starts_at;
    e.shown.ack = st.ack;
    e.shown.escalation = st.escalation;
    // The latest step shown: an escalation or, after it, a reminder.
    if (st.escalation) {
      e.last_step_at = std::max(st.escalation->at, st.escalation->reminded_at);
    } else {
      auto r = reminded_.find(id);
      e.last_step_at = r != reminded_.end() ? r->second : 0;
    }
    if (st.tier != Tier::kNone && st.tier != e.shown.tier) {
      e.shown.tier = st.tier;
      e.tier_since = st.updated_at;
    }
    e.hold = false;
    ++e.hold_gen;
    e.shown.silenced_by = silencer_.match(e.shown, now);
    e.shown.status = statusOf(e);
    bool emitted = false;
    if (e.book_tier > e.shown.tier) {
      const Tier from = e.shown.tier;
      e.shown.tier = e.book_tier;
      e.tier_since = e.book_since;
      std::string note = strCat("tier rose from ", tierName(from), " to ", tierName(e.book_tier),
                                " (after restart)");
      if (e.shown.ack) {
        strAppend(note, "; the acknowledgement by ", e.shown.ack->by, " no longer holds");
        e.shown.ack.reset();
      }
      e.shown.silenced_by = silencer_.match(e.shown, now);
      emit(e, ChangeKind::kTierChanged, now, "casewatch", std::move(note), std::nullopt,
           noticeFor(e));
      emitted = true;
    } else if (e.book_tier < e.shown.tier) {
      e.hold = true;
      pushTimer(std::max(e.book_since + min_hold_ms_, now), TimerKind::kHold, e.hold_gen, id);
    }
    if (!emitted && (e.shown.silenced_by != st.silenced_by || e.shown.group_id != st.group_id ||
                     e.shown.inhibited_by != st.inhibited_by)) {
      ChangeKind kind = ChangeKind::kUpdated;
      if (st.silenced_by.empty() && !e.shown.silenced_by.empty()) kind = ChangeKind::kSilenced;
      if (!st.silenced_by.empty() && e.shown.silenced_by.empty()) kind = ChangeKind::kUnsilenced;
      emit(e, kind, now, "casewatch", "after restart");
    }
    stored.erase(s);
  }
  std::vector<std::string> gone;
  for (const auto& [id, a] : stored) gone.push_back(id);
  std::sort(gone.begin(), gone.end());
  for (const std::string& id : gone) {
    Entry tmp;
    tmp.shown = std::move(stored.find(id)->second);
    emit(tmp, ChangeKind::kResolved, now, "casewatch", "resolved while the daemon was down");
  }
  for (auto& [id, e] : entries_) armStep(e, now);
  advanceTo(now);
}

}  // namespace casewatch
