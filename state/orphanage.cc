#include "state/orphanage.h"

#include <algorithm>

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
