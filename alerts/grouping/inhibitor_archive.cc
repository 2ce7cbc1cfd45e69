// Inhibitor::save / load (alerts/grouping/inhibitor.h).
#include "alerts/grouping/inhibitor.h"

namespace casewatch {

void Inhibitor::save(ArchiveOut& out) const {
  out.count(subjects_.size());
  for (const auto& [key, members] : subjects_) {
    out.str(key);
    out.count(members.size());
    for (const Member& m : members) {
      out.str(m.id);
      out.str(m.model);
      out.pod(m.tier);
    }
  }
  out.count(subject_of_.size());
  for (const auto& [id, key] : subject_of_) {
    out.str(id);
    out.str(key);
  }
}

bool Inhibitor::load(ArchiveIn& in) {
  subjects_.clear();
  subject_of_.clear();
  size_t n = 0;
  if (!in.count(n, 16)) return false;
  subjects_.reserve(n);
  std::string key;
  for (size_t i = 0; i < n && in.str(key); ++i) {
    size_t members = 0;
    if (!in.count(members, 17)) return false;
    auto& list = subjects_[key];
    list.resize(members);
    for (Member& m : list) {
      in.str(m.id);
      in.str(m.model);
      in.pod(m.tier);
    }
  }
  if (!in.count(n, 16)) return false;
  subject_of_.reserve(n);
  std::string id;
  for (size_t i = 0; i < n && in.str(id) && in.str(key); ++i) subject_of_[id] = key;
  return in.ok();
}

}  // namespace casewatch
