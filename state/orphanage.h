// Events that arrived before their case was registered. They wait here (within a configurable
// horizon) and are applied, in `ts` order, as soon as the case.registered arrives; after the
// horizon they become dead letters (reason `orphan_expired`).
//
// Not thread-safe: owned by the pipeline's thread.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"
#include "connectors/decode/case_event.h"

namespace casewatch {

class Orphanage {
 public:
  explicit Orphanage(TimeMs horizon_ms) : horizon_ms_(horizon_ms) {}

  void hold(const CaseEvent& ev, TimeMs now);
  // Removes and returns the case's orphans, sorted by ts (stable).
  std::vector<CaseEvent> release(const std::string& case_id);
  // Removes and returns the orphans whose horizon has passed at `now`.
  std::vector<CaseEvent> expire(TimeMs now);
  size_t size() const { return count_; }
  void setHorizon(TimeMs horizon_ms) { horizon_ms_ = horizon_ms; }

  // Snapshot (base/state_archive.h): the held events and their arrival order (stale arrivals
  // included, as expire() expects them); the horizon stays as constructed.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Held {
    CaseEvent ev;
    TimeMs held_at;
  };
  TimeMs horizon_ms_;
  absl::flat_hash_map<std::string, std::vector<Held>> by_case_;
  std::deque<std::pair<TimeMs, std::string>> arrivals_;  // (held_at, case_id), oldest first
  size_t count_ = 0;
};

}  // namespace casewatch
