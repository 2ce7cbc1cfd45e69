// KeyCaseModel::saveState / loadState (models/key_case/key_case_model.h).
#include "models/key_case/key_case_model.h"

namespace casewatch {

bool KeyCaseModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  out.count(entries_.size());
  for (const auto& [i, e] : entries_) {
    out.pod(i);
    out.pod(e);
  }
  out.count(open_by_person_.size());
  open_by_person_.forEach([&](PersonId p, std::span<const CaseIndex> cases) {
    out.pod(p);
    out.pods(cases.data(), cases.size());
  });
  out.count(hot_.size());
  for (const auto& [p, h] : hot_) {
    out.pod(p);
    out.pod(h);
  }
  out.count(by_region_.size());
  for (const auto& [r, n] : by_region_) {
    out.pod(r);
    out.pod(n);
  }
  out.pods(heapOf(queue_));
  return true;
}

bool KeyCaseModel::loadState(ArchiveIn& in) {
  in.pod(now_);
  size_t n = 0;
  if (!in.count(n, sizeof(CaseIndex) + sizeof(Entry))) return false;
  entries_.clear();
  for (size_t k = 0; k < n; ++k) {
    const auto i = in.get<CaseIndex>();
    entries_[i] = in.get<Entry>();
  }
  if (!in.count(n, sizeof(PersonId) + 8)) return false;
  open_by_person_.clear();
  std::vector<CaseIndex> cases;
  for (size_t k = 0; k < n; ++k) {
    const auto p = in.get<PersonId>();
    in.pods(cases);
    for (CaseIndex i : cases) open_by_person_.add(p, i);
  }
  if (!in.count(n, sizeof(PersonId) + sizeof(HotPerson))) return false;
  hot_.clear();
  for (size_t k = 0; k < n; ++k) {
    const auto p = in.get<PersonId>();
    hot_[p] = in.get<HotPerson>();
  }
  if (!in.count(n, 12)) return false;
  by_region_.clear();
  for (size_t k = 0; k < n; ++k) {
    const auto r = in.get<uint32_t>();
    by_region_[r] = in.get<int64_t>();
  }
  in.pods(heapOf(queue_));
  return in.ok();
}

}  // namespace casewatch
