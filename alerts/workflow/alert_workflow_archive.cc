// AlertWorkflow::saveSnapshot / loadSnapshot (alerts/workflow/alert_workflow.h).
#include <algorithm>

#include "alerts/alert_archive.h"
#include "alerts/workflow/alert_workflow.h"

namespace casewatch {

void AlertWorkflow::saveSnapshot(ArchiveOut& out) const {
  out.count(entries_.size());
  for (const auto& [id, e] : entries_) {
    // Its evidence texts are most often the book's (the same revision, or the book re-worded the
    // same evidence since): then left out, and copied from the book (loaded first) at load.
    const Alert* in_book = book_ != nullptr ? book_->find(id) : nullptr;
    const bool as_in_book = in_book != nullptr && (in_book->evidence_rev == e.shown.evidence_rev ||
                                                   (in_book->reasons == e.shown.reasons &&
                                                    in_book->actions == e.shown.actions &&
                                                    in_book->summary == e.shown.summary));
    saveAlert(out, e.shown, as_in_book ? AlertEvidence::kAsInBook : AlertEvidence::kSaved);
    out.pod(e.book_tier);
    out.pod(e.book_since);
    out.pod(e.tier_since);
    out.pod(e.last_step_at);
    out.pod(e.step_armed_at);
    out.pod(e.hold);
    out.pod(e.hold_gen);
    out.pod(e.step_gen);
  }
  // Silence timers are left out: loadState() arms them again from the store's silences.
  const auto& heap = heapOf(timers_);
  size_t timers = 0;
  for (const Timer& t : heap) timers += t.kind == TimerKind::kStep || t.kind == TimerKind::kHold;
  out.count(timers);
  for (const Timer& t : heap) {
    if (t.kind != TimerKind::kStep && t.kind != TimerKind::kHold) continue;
    out.pod(t.due);
    out.pod(t.seq);
    out.pod(t.kind);
    out.pod(t.gen);
    out.str(t.id);
  }
  out.pod(timer_seq_);
  out.pod(clock_);
  out.pod(next_gc_);
  out.pod(resumed_at_);
  out.count(recently_resolved_order_.size());
  for (const std::string& id : recently_resolved_order_) out.str(id);
  grouper_.save(out);
  inhibitor_.save(out);
}

bool AlertWorkflow::loadSnapshotApart(ArchiveIn& in) {
  entries_.clear();
  evidence_from_book_.clear();
  size_t n = 0;
  if (!in.count(n, 64)) return false;
  entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Entry e;
    AlertEvidence evidence = AlertEvidence::kSaved;
    if (!loadAlert(in, e.shown, &evidence)) return false;
    if (evidence == AlertEvidence::kAsInBook) evidence_from_book_.push_back(e.shown.alert_id);
    in.pod(e.book_tier);
    in.pod(e.book_since);
    in.pod(e.tier_since);
    in.pod(e.last_step_at);
    in.pod(e.step_armed_at);
    in.pod(e.hold);
    in.pod(e.hold_gen);
    in.pod(e.step_gen);
    std::string id = e.shown.alert_id;
    entries_.emplace(std::move(id), std::move(e));
  }
  if (!in.count(n, 32)) return false;
  std::vector<Timer> timers(n);
  for (Timer& t : timers) {
    in.pod(t.due);
    in.pod(t.seq);
    in.pod(t.kind);
    in.pod(t.gen);
    in.str(t.id);
    t.id_order = Timer::idOrder(t.id);
  }
  // Timers order fully (due, kind, id, seq): any heap of them pops in the same order.
  timers_ = decltype(timers_)(std::greater<Timer>(), std::move(timers));
  in.pod(timer_seq_);
  in.pod(clock_);
  in.pod(next_gc_);
  in.pod(resumed_at_);
  if (!in.count(n, 8)) return false;
  recently_resolved_order_.clear();
  recently_resolved_.clear();
  std::string id;
  for (size_t i = 0; i < n && in.str(id); ++i) {
    recently_resolved_order_.push_back(id);
    recently_resolved_.insert(id);
  }
  grouper_.load(in);
  inhibitor_.load(in);
  return in.ok();
}

bool AlertWorkflow::linkBookEvidence() {
  const std::vector<std::string> ids = std::move(evidence_from_book_);
  evidence_from_book_.clear();
  for (const std::string& id : ids) {
    const Alert* in_book = book_ != nullptr ? book_->find(id) : nullptr;
    auto it = entries_.find(id);
    if (in_book == nullptr || it == entries_.end()) return false;
    Alert& shown = it->second.shown;
    shown.reasons = in_book->reasons;
    shown.actions = in_book->actions;
    shown.summary = in_book->summary;
  }
  return true;
}

}  // namespace casewatch
