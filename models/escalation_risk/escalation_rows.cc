#include "models/escalation_risk/escalation_rows.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

Level levelOr(Level l) {
  return l == Level::kUnknown ? Level::kCounty : l;
}

}  // namespace

EscalationRowTaker::EscalationRowTaker(int horizon_days, int every_days)
    : horizon_days_(horizon_days),
      every_days_(std::max(every_days, 0)),
      horizon_(TimeMs{horizon_days} * kMsPerDay),
      every_(TimeMs{std::max(every_days, 0)} * kMsPerDay) {}

void EscalationRowTaker::take(const CaseStore& cases, CaseIndex i, TimeMs at, std::string row_id,
                              const EscalationFeatureBuilder& features) {
  const Case& c = cases.at(i);
  Pending& p = pending_.emplace_back();
  p.waiting = true;
  p.index = i;
  p.row.row_id = std::move(row_id);
  p.row.case_id = std::string(cases.caseId(i));
  p.row.registered_at = c.registered_at;
  p.row.at = at;
  features.compute(cases, i, at, p.row.features);
  if (scorer_) p.row.score = scorer_(i);
  p.to = at + horizon_;
  const std::string_view matter = cases.strings().name(c.matter);
  p.matter = matter.empty() ? 0 : escalationMatterKey(matter);
  const uint64_t id = next_id_++;
  ++waiting_;
  by_case_[i].push_back(id);
  if (!matter.empty()) by_matter_[p.matter].push_back(id);
  expiry_.push_back(Expiry{p.to, id});
  std::push_heap(expiry_.begin(), expiry_.end(), later);
}

EscalationRowTaker::Pending* EscalationRowTaker::find(uint64_t id) {
  if (id < first_id_ || id - first_id_ >= pending_.size()) return nullptr;
  Pending& p = pending_[id - first_id_];
  return p.waiting ? &p : nullptr;
}

void EscalationRowTaker::schedule(const Case& c, CaseIndex i, TimeMs after) {
  if (schedule_.queued(i)) return;
  // The first multiple of D after `after`, counted from the registration.
  const TimeMs k = after < c.registered_at ? 0 : (after - c.registered_at) / every_ + 1;
  schedule_.push(c.registered_at + k * every_, i);
}

void EscalationRowTaker::advanceTo(TimeMs now, const CaseStore& cases,
                                   const EscalationFeatureBuilder& features) {
  if (every_ > 0) {
    // Strictly before `now`: the events at `now` are not applied yet, every earlier one is.
    while (schedule_.hasDueBefore(now)) {
      const auto [at, i] = schedule_.pop();
      const Case& c = cases.at(i);
      if (!c.open()) continue;
      const TimeMs age = at - c.registered_at;
      take(cases, i, at, strCat(cases.caseId(i), "+", age / kMsPerDay, "d"), features);
      schedule(c, i, at);
    }
  }
  now_ = std::max(now_, now);
  expire(now_);
}

void EscalationRowTaker::drop(absl::flat_hash_map<uint64_t, std::vector<uint64_t>>& index,
                              uint64_t key, uint64_t id) {
  auto it = index.find(key);
  if (it == index.end()) return;
  std::erase(it->second, id);
  if (it->second.empty()) index.erase(it);
}

void EscalationRowTaker::finish(uint64_t id, int label) {
  Pending* p = find(id);
  if (p == nullptr) return;
  p->waiting = false;
  --waiting_;
  drop(by_case_, p->index, id);
  drop(by_matter_, p->matter, id);
  p->row.label = label;
  labelled_.push_back(std::move(p->row));
  // The finished rows at the front go (the heap's entries of finished rows are skipped).
  while (!pending_.empty() && !pending_.front().waiting) {
    pending_.pop_front();
    ++first_id_;
  }
}

void EscalationRowTaker::forget(const ForgottenCases& f, const CaseStore& cases) {
  absl::flat_hash_set<std::string_view> ids;
  for (CaseIndex i : f.cases) {
    ids.insert(cases.caseId(i));
    auto it = by_case_.find(i);
    if (it == by_case_.end()) continue;
    const std::vector<uint64_t> rows = it->second;
    for (uint64_t id : rows) finish(id, 0);  // into labelled_, dropped just below
  }
  if (ids.empty()) return;
  std::erase_if(labelled_,
                [&](const EscalationRow& r) { return ids.contains(std::string_view(r.case_id)); });
}

void EscalationRowTaker::escalate(const std::vector<uint64_t>* ids, TimeMs ts,
                                  const Level* contact_level, const CaseStore& cases) {
  if (ids == nullptr) return;
  std::vector<uint64_t> hit;
  for (uint64_t id : *ids) {
    const Pending* p = find(id);  // the indexes name waiting rows only
    if (p == nullptr || !(p->row.at < ts && ts <= p->to)) continue;
    if (contact_level != nullptr && !(*contact_level > levelOr(cases.at(p->index).level))) continue;
    hit.push_back(id);
  }
  for (uint64_t id : hit) finish(id, 1);
}

void EscalationRowTaker::expire(TimeMs now) {
  // Strictly past t + H: an escalation at exactly t + H, later in the same instant, still counts.
  while (!expiry_.empty() && expiry_.front().to < now) {
    std::pop_heap(expiry_.begin(), expiry_.end(), later);
    const uint64_t id = expiry_.back().id;
    expiry_.pop_back();
    finish(id, 0);  // nothing when it has finished already
  }
  // Every entry left is of a waiting row or will be skipped; a heap far larger than the waiting
  // rows (many escalated early) is rebuilt without the finished ones.
  if (expiry_.size() > 1024 && expiry_.size() > 4 * waiting_) {
    std::erase_if(expiry_, [&](const Expiry& e) { return find(e.id) == nullptr; });
    std::make_heap(expiry_.begin(), expiry_.end(), later);
  }
}

void EscalationRowTaker::onEvent(const CaseEvent& ev, const CaseUpdate& u, const CaseStore& cases,
                                 const EscalationFeatureBuilder& features) {
  now_ = std::max(now_, ev.ts);
  const bool of_case = u.index != kNoCase && !u.conflict;
  // The labels this event settles (rows taken before it).
  const bool contact =
      ev.type == EventType::kVisit || (ev.type == EventType::kRegistered && of_case);
  if (contact && !ev.matter.empty() && !pending_.empty()) {
    if (auto it = by_matter_.find(escalationMatterKey(ev.matter)); it != by_matter_.end()) {
      const Level level = levelOr(ev.level);
      escalate(&it->second, ev.ts, &level, cases);
    }
  }
  if (of_case &&
      (ev.type == EventType::kReviewRequested || ev.type == EventType::kRecheckRequested)) {
    if (auto it = by_case_.find(u.index); it != by_case_.end()) {
      escalate(&it->second, ev.ts, nullptr, cases);
    }
  }
  // The row this event gives.
  if (ev.type != EventType::kVisit && of_case && cases.at(u.index).open()) {
    const Case& c = cases.at(u.index);
    if (every_ == 0) {
      take(cases, u.index, ev.ts, ev.event_id, features);
    } else if (ev.type == EventType::kRegistered) {
      // At the registration, then every D days (a late registration starts its count there).
      take(cases, u.index, ev.ts, strCat(ev.case_id, "+0d"), features);
      schedule(c, u.index, std::max(ev.ts, c.registered_at));
    } else {
      schedule(c, u.index, now_);  // reopened: back on the clock
    }
  }
  expire(now_);
}

}  // namespace casewatch
