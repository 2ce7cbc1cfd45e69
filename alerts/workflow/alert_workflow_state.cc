// The workflow's saved state (silences, manual resolutions, reminders) and a restart: loading it
// and reconciling with the stored active alerts.
#include "alerts/workflow/alert_workflow.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/str_cat.h"

namespace casewatch {

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

void AlertWorkflow::reconcile(std::vector<Alert> stored_active, TimeMs now,
                              const std::function<void(Alert&)>& whole) {
  recovering_ = false;
  resumed_at_ = now;
  clock_ = std::max(clock_, now);
  // By id, pointing into stored_active (200k alerts at a million cases: moving them into the map
  // was a third of this function). An id given twice: the last wins. A key is erased before its
  // alert is moved out.
  absl::flat_hash_map<std::string_view, Alert*> stored;
  stored.reserve(stored_active.size());
  for (Alert& a : stored_active) stored.insert_or_assign(a.alert_id, &a);
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
      Alert* a = s->second;
      stored.erase(s);
      if (whole) whole(*a);
      Entry tmp;
      tmp.shown = std::move(*a);
      emit(tmp, ChangeKind::kResolved, now, "casewatch", "resolved by hand before the restart");
    }
    removeEntry(id, touched);
  }
  if (forgot) persist();

  // In id order; by pointer (the loop neither adds nor removes entries). Sorted on the ids'
  // first 8 bytes held beside the pointers, the strings compared only on a tie: 200k ids reached
  // through pointers were a quarter of this function at a million cases.
  struct InOrder {
    uint64_t head;
    const std::string* id;
    Entry* entry;
  };
  std::vector<InOrder> order;
  order.reserve(entries_.size());
  for (auto& [id, e] : entries_) {
    uint64_t head = 0;
    for (size_t i = 0; i < 8; ++i) {
      head = head << 8 | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
    }
    order.push_back(InOrder{head, &id, &e});
  }
  std::sort(order.begin(), order.end(), [](const InOrder& a, const InOrder& b) {
    return a.head != b.head ? a.head < b.head : *a.id < *b.id;
  });
  const auto inhibited = inhibitor_.inhibitors();
  for (const InOrder& o : order) {
    const std::string& id = *o.id;
    Entry& e = *o.entry;
    e.shown.group_id = grouper_.groupOf(id);
    auto inh = inhibited.find(id);
    e.shown.inhibited_by = inh == inhibited.end() ? std::string() : std::string(inh->second);
    auto s = stored.find(id);
    if (s == stored.end()) {
      e.shown.silenced_by = silencer_.match(e.shown, now);
      emit(e, ChangeKind::kFired, now, "casewatch", "after restart", std::nullopt, noticeFor(e));
      continue;
    }
    const Alert& st = *s->second;
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
  std::vector<Alert*> gone;
  for (const auto& [id, a] : stored) gone.push_back(a);
  stored.clear();
  std::sort(gone.begin(), gone.end(),
            [](const Alert* a, const Alert* b) { return a->alert_id < b->alert_id; });
  for (Alert* a : gone) {
    if (whole) whole(*a);
    Entry tmp;
    tmp.shown = std::move(*a);
    emit(tmp, ChangeKind::kResolved, now, "casewatch", "resolved while the daemon was down");
  }
  for (auto& [id, e] : entries_) armStep(e, now);
  advanceTo(now);
}

}  // namespace casewatch
