// Grouper::save / load (alerts/grouping/grouper.h).
#include "alerts/grouping/grouper.h"

namespace casewatch {

void Grouper::save(ArchiveOut& out) const {
  out.count(matters_.size());
  for (const auto& [key, m] : matters_) {
    out.str(key);
    out.strs(m.parents);
    out.count(m.members.size());
    for (const std::string& id : m.members) out.str(id);
  }
  out.count(alerts_.size());
  for (const auto& [id, t] : alerts_) {
    out.str(id);
    out.pod(t.role);
    out.str(t.matter);
  }
}

bool Grouper::load(ArchiveIn& in) {
  matters_.clear();
  alerts_.clear();
  size_t n = 0;
  if (!in.count(n, 24)) return false;
  matters_.reserve(n);
  std::string key;
  for (size_t i = 0; i < n && in.str(key); ++i) {
    Matter& m = matters_[key];
    in.strs(m.parents);
    size_t members = 0;
    if (!in.count(members, 8)) return false;
    std::string id;
    for (size_t j = 0; j < members && in.str(id); ++j) m.members.insert(id);
  }
  if (!in.count(n, 17)) return false;
  alerts_.reserve(n);
  for (size_t i = 0; i < n && in.str(key); ++i) {
    Tracked& t = alerts_[key];
    in.pod(t.role);
    in.str(t.matter);
  }
  return in.ok();
}

}  // namespace casewatch
