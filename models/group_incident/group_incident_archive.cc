// GroupIncidentModel::saveState / loadState (models/group_incident/group_incident_model.h): the
// matter generations, the open alerts, the (region, category) series with their EARS/CUSUM state
// and distinct persons, and the clock's queue, with their exact layout.
#include "models/group_incident/group_incident_model.h"

namespace casewatch {

namespace {

// MatterState's fields besides its persons, in order.
template <typename M>
void saveMatter(ArchiveOut& out, const M& m) {
  out.pods(m.persons.data(), m.persons.size());
  out.pod(m.region);
  out.pod(m.category);
  out.pod(m.largest_group);
  out.pod(m.largest_group_at);
  out.pod(m.last_contact);
  out.pod(m.pending_day);
  out.pod(m.pending);
  out.pod(m.capped);
}

template <typename M>
bool loadMatter(ArchiveIn& in, M& m) {
  using SeenT = typename decltype(m.persons)::value_type;
  size_t n = 0;
  if (!in.count(n, sizeof(SeenT))) return false;
  m.persons.resize(n);
  for (auto& p : m.persons) in.pod(p);
  in.pod(m.region);
  in.pod(m.category);
  in.pod(m.largest_group);
  in.pod(m.largest_group_at);
  in.pod(m.last_contact);
  in.pod(m.pending_day);
  in.pod(m.pending);
  in.pod(m.capped);
  return in.ok();
}

}  // namespace

bool GroupIncidentModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  matters_.save(out, [](ArchiveOut& o, const MatterState& m) { saveMatter(o, m); });
  out.count(open_.size());
  for (const auto& [key, o] : open_) {
    out.pod(key);
    saveMatter(out, o.state);
    out.str(o.matter);
    out.str(o.region);
    out.str(o.agency);
    out.str(o.category);
    out.pod(o.tier);
    out.pod(o.persons_24h);
    out.pod(o.persons_7d);
    out.pod(o.largest_group);
    out.pod(o.aberration);
  }
  out.count(series_.size());
  for (const auto& [key, s] : series_) {
    out.pod(key);
    out.str(s.region);
    out.str(s.category);
    s.counts->save(out);
    s.persons.save(out);
  }
  out.pods(heapOf(queue_));
  return true;
}

bool GroupIncidentModel::loadState(ArchiveIn& in) {
  clear();
  in.pod(now_);
  if (!matters_.load(in, [](ArchiveIn& i, MatterState& m) { return loadMatter(i, m); })) {
    return false;
  }
  size_t n = 0;
  if (!in.count(n, sizeof(uint64_t) + 64)) return false;
  open_.reserve(n);
  for (size_t k = 0; k < n && in.ok(); ++k) {
    const auto key = in.get<uint64_t>();
    Open& o = open_[key];
    loadMatter(in, o.state);
    in.str(o.matter);
    in.str(o.region);
    in.str(o.agency);
    in.str(o.category);
    in.pod(o.tier);
    in.pod(o.persons_24h);
    in.pod(o.persons_7d);
    in.pod(o.largest_group);
    in.pod(o.aberration);
  }
  if (!in.count(n, sizeof(uint64_t) + 16)) return false;
  series_.reserve(n);
  for (size_t k = 0; k < n && in.ok(); ++k) {
    const auto key = in.get<uint64_t>();
    Series& s = series_[key];
    s.counts = std::make_unique<CountSeries>(series_options_);
    in.str(s.region);
    in.str(s.category);
    if (!s.counts->load(in) || !s.persons.load(in)) return in.fail();
  }
  in.pods(heapOf(queue_));
  return in.ok();
}

}  // namespace casewatch
