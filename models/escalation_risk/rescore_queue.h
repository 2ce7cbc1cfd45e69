// The escalation_risk model's rescoring clock: when each open case is next rescored as time
// passes (models/escalation_risk/escalation_risk_model.h).
//
// A binary heap of 16-byte entries (time, order queued, case) in one vector, popped in time order
// and, at equal times, in the order queued, so that the cases are rescored (and their signals
// emitted) in the order a std::multimap keyed by time gives. Whether a case is queued is one bit
// per case index, so a case is queued at most once. Pushing and popping allocate nothing once the
// heap and the bit array have grown to the open cases (about 16 bytes and a bit per open case,
// instead of a tree node and a hash-table slot each).
//
// Not thread-safe: the model's, on the pipeline's thread.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "base/time.h"
#include "state/case.h"

namespace casewatch {

class RescoreQueue {
 public:
  bool queued(CaseIndex i) const { return i < queued_.size() && queued_[i]; }
  // Queues case `i` (not queued) for `at`.
  void push(TimeMs at, CaseIndex i);
  // Whether the earliest entry is due strictly before `now`.
  bool hasDueBefore(TimeMs now) const { return !heap_.empty() && heap_.front().at < now; }
  // The earliest entry (the first queued among equal times), unqueued.
  std::pair<TimeMs, CaseIndex> pop();
  size_t size() const { return heap_.size(); }
  void clear();
  // The entries in the order they will pop (snapshots: loading them back in this order with
  // push() gives the same order).
  std::vector<std::pair<TimeMs, CaseIndex>> inOrder() const;
  size_t approximateBytes() const {
    return heap_.capacity() * sizeof(Entry) + queued_.capacity() / 8;
  }
  // The next order number (tests: near its wrap).
  void setNextOrderForTest(uint32_t order) { next_order_ = order; }

 private:
  struct Entry {
    TimeMs at;
    uint32_t order;  // queued before any entry with a higher order (renumbered before it wraps)
    CaseIndex index;
  };
  static_assert(sizeof(Entry) == 16, "a queue entry is 16 bytes");
  // The heap's comparison: true when `a` pops after `b`.
  static bool later(const Entry& a, const Entry& b) {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
  // Numbers the entries 0.. in pop order (they keep their order; the heap stays valid).
  void renumber();

  std::vector<Entry> heap_;
  std::vector<bool> queued_;
  uint32_t next_order_ = 0;
};

}  // namespace casewatch
