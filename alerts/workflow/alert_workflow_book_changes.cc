// What the alert book decides (fired, tier changed, resolved), taken into the workflow: the shown
// tier and its hold, grouping and inhibition, and the silences that match.
#include "alerts/workflow/alert_workflow.h"

#include <algorithm>

#include "base/str_cat.h"

namespace casewatch {
namespace {

void sortUnique(std::vector<std::string>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

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
  publish(e, ChangeKind::kFired, at, "casewatch", note, std::nullopt, noticeFor(e));
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
  e.book_tier = a.tier;
  takeEvidence(e, std::move(a));
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
    publish(e, ChangeKind::kTierChanged, at, "casewatch", std::move(note), std::nullopt,
            noticeFor(e));
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
      publish(e, ChangeKind::kTierChanged, at, "casewatch",
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
  takeEvidence(it->second, std::move(a));
  publish(it->second, ChangeKind::kResolved, at, "casewatch", "");
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

}  // namespace casewatch
