// OverdueModel::saveState / loadState (models/overdue/overdue_model.h).
#include "models/overdue/overdue_model.h"

namespace casewatch {

bool OverdueModel::saveState(ArchiveOut& out) const {
  queue_.save(out);
  out.pods(epochs_);
  out.count(active_.size());
  for (const auto& [i, a] : active_) {
    out.pod(i);
    out.pod(a);
  }
  out.pod(now_);
  return true;
}

bool OverdueModel::loadState(ArchiveIn& in) {
  queue_.load(in);
  in.pods(epochs_);
  size_t n = 0;
  if (!in.count(n, sizeof(CaseIndex) + sizeof(Active))) return false;
  active_.clear();
  for (size_t i = 0; i < n; ++i) {
    const auto index = in.get<CaseIndex>();
    active_[index] = in.get<Active>();
  }
  in.pod(now_);
  return in.ok();
}

}  // namespace casewatch
