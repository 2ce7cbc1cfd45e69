// StabilityModel::saveState / loadState (models/stability/stability_model.h).
#include "models/stability/stability_model.h"

namespace casewatch {

bool StabilityModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  out.count(regions_.size());
  for (const auto& [name, r] : regions_) {
    out.str(name);
    out.pod(r);
  }
  out.count(held_.size());
  for (const auto& [key, h] : held_) {
    out.str(key);
    out.str(h.region);
    out.pod(h.tier);
    out.pod(h.collective);
    out.pod(h.overdue);
  }
  return true;
}

bool StabilityModel::loadState(ArchiveIn& in) {
  in.pod(now_);
  size_t n = 0;
  if (!in.count(n, 8 + sizeof(Region))) return false;
  regions_.clear();
  std::string key;
  for (size_t i = 0; i < n && in.str(key); ++i) regions_[key] = in.get<Region>();
  if (!in.count(n, 19)) return false;
  held_.clear();
  for (size_t i = 0; i < n && in.str(key); ++i) {
    Held& h = held_[key];
    in.str(h.region);
    in.pod(h.tier);
    in.pod(h.collective);
    in.pod(h.overdue);
  }
  return in.ok();
}

}  // namespace casewatch
