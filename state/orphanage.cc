#include "state/orphanage.h"

#include <algorithm>

#include "connectors/decode/case_event_archive.h"

namespace casewatch {

void Orphanage::hold(const CaseEvent& ev, TimeMs now) {
  by_case_[ev.case_id].push_back(Held{ev, now});
  arrivals_.emplace_back(now, ev.case_id);
  ++count_;
}

std::vector<CaseEvent> Orphanage::release(const std::string& case_id) {
  std::vector<CaseEvent> out;
  auto it = by_case_.find(case_id);
  if (it == by_case_.end()) return out;
  std::stable_sort(it->second.begin(), it->second.end(),
                   [](const Held& a, const Held& b) { return a.ev.ts < b.ev.ts; });
  out.reserve(it->second.size());
  for (Held& h : it->second) out.push_back(std::move(h.ev));
  count_ -= out.size();
  by_case_.erase(it);
  return out;  // stale entries in arrivals_ are skipped by expire()
}

std::vector<CaseEvent> Orphanage::expire(TimeMs now) {
  std::vector<CaseEvent> out;
  while (!arrivals_.empty() && arrivals_.front().first + horizon_ms_ <= now) {
    const std::string case_id = std::move(arrivals_.front().second);
    arrivals_.pop_front();
    auto it = by_case_.find(case_id);
    if (it == by_case_.end()) continue;
    auto& held = it->second;
    auto keep = std::stable_partition(held.begin(), held.end(),
                                      [&](const Held& h) { return h.held_at + horizon_ms_ > now; });
    for (auto i = keep; i != held.end(); ++i) out.push_back(std::move(i->ev));
    count_ -= static_cast<size_t>(held.end() - keep);
    held.erase(keep, held.end());
    if (held.empty()) by_case_.erase(it);
  }
  return out;
}

}  // namespace casewatch

namespace casewatch {

void Orphanage::save(ArchiveOut& out) const {
  out.count(by_case_.size());
  for (const auto& [case_id, held] : by_case_) {
    out.str(case_id);
    out.count(held.size());
    for (const Held& h : held) {
      saveEvent(out, h.ev);
      out.pod(h.held_at);
    }
  }
  out.count(arrivals_.size());
  for (const auto& [at, case_id] : arrivals_) {
    out.pod(at);
    out.str(case_id);
  }
  out.count(count_);
}

bool Orphanage::load(ArchiveIn& in) {
  by_case_.clear();
  arrivals_.clear();
  size_t cases = 0;
  if (!in.count(cases, 16)) return false;
  std::string case_id;
  for (size_t i = 0; i < cases && in.str(case_id); ++i) {
    size_t n = 0;
    if (!in.count(n, 16)) return false;
    auto& held = by_case_[case_id];
    held.resize(n);
    for (Held& h : held) {
      if (!loadEvent(in, h.ev)) return in.fail();
      in.pod(h.held_at);
    }
  }
  size_t arrivals = 0;
  if (!in.count(arrivals, 16)) return false;
  for (size_t i = 0; i < arrivals; ++i) {
    TimeMs at = 0;
    in.pod(at);
    if (!in.str(case_id)) return false;
    arrivals_.emplace_back(at, case_id);
  }
  size_t count = 0;
  in.count(count, 0);
  count_ = count;
  return in.ok();
}

}  // namespace casewatch
