// RepeatVisitModel::saveState / loadState (models/repeat_visit/repeat_visit_model.h): the pair
// generations, the open person alerts, the matters and the clock's queue, with their exact layout.
#include "models/repeat_visit/repeat_visit_model.h"

namespace casewatch {

bool RepeatVisitModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  pairs_.save(out, [](ArchiveOut& o, const Track& t) { o.pod(t); });
  out.count(alerted_.size());
  for (const auto& [key, a] : alerted_) {
    out.pod(key);
    out.pod(a.track);
    out.str(a.matter);
    out.str(a.region);
    out.str(a.agency);
    out.str(a.category);
  }
  out.count(matters_.size());
  for (const auto& [key, m] : matters_) {
    out.pod(key);
    out.pods(m.persons);
    out.str(m.matter);
    out.str(m.region);
    out.str(m.category);
    out.pod(m.tier);
    out.pod(m.queued_day);
  }
  out.pod(open_matters_);
  out.pods(heapOf(queue_));
  return true;
}

bool RepeatVisitModel::loadState(ArchiveIn& in) {
  clear();
  in.pod(now_);
  if (!pairs_.load(in, [](ArchiveIn& i, Track& t) { return i.pod(t); })) return false;
  size_t n = 0;
  if (!in.count(n, sizeof(uint64_t) + sizeof(Track) + 32)) return false;
  alerted_.reserve(n);
  for (size_t k = 0; k < n && in.ok(); ++k) {
    const auto key = in.get<uint64_t>();
    Alerted& a = alerted_[key];
    in.pod(a.track);
    in.str(a.matter);
    in.str(a.region);
    in.str(a.agency);
    in.str(a.category);
  }
  if (!in.count(n, sizeof(uint64_t) + 32)) return false;
  matters_.reserve(n);
  for (size_t k = 0; k < n && in.ok(); ++k) {
    const auto key = in.get<uint64_t>();
    MatterState& m = matters_[key];
    in.pods(m.persons);
    in.str(m.matter);
    in.str(m.region);
    in.str(m.category);
    in.pod(m.tier);
    in.pod(m.queued_day);
  }
  in.pod(open_matters_);
  in.pods(heapOf(queue_));
  return in.ok();
}

}  // namespace casewatch
