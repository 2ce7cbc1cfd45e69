// A time-ordered queue of clock thresholds (warning, deadline, red) for case steps. Only the next
// threshold of each running clock is queued, so the queue holds about one 16-byte entry per running
// clock, and advancing the clock costs O(k log n) for the k thresholds that became due: no scan
// over all cases, ever.
//
// Entries are not removed when a clock stops or restarts; the consumer re-checks each popped entry
// (lazy deletion), which keeps every update O(log n). Each entry carries the epoch of its clock
// (the consumer bumps it whenever the clock restarts, is restored or its deadline moves), so an
// entry left behind by an earlier run of the clock is told apart even when its time is also a
// threshold of the current deadline.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "base/state_archive.h"
#include "base/time.h"
#include "state/case.h"

namespace casewatch {

struct DeadlineEntry {
  TimeMs fire_at;
  CaseIndex case_index;
  Step step;
  uint8_t epoch;
};
static_assert(sizeof(DeadlineEntry) == 16, "an entry is 16 bytes");

class DeadlineQueue {
 public:
  void push(TimeMs fire_at, CaseIndex c, Step s, uint8_t epoch) {
    heap_.push(DeadlineEntry{fire_at, c, s, epoch});
  }
  bool hasDue(TimeMs now) const { return !heap_.empty() && heap_.top().fire_at <= now; }
  DeadlineEntry pop() {
    DeadlineEntry e = heap_.top();
    heap_.pop();
    return e;
  }
  TimeMs nextFireAt() const { return heap_.empty() ? INT64_MAX : heap_.top().fire_at; }
  size_t size() const { return heap_.size(); }
  void clear() { heap_ = {}; }
  // Snapshot (base/state_archive.h): the heap as laid out, so that ties pop in the same order.
  void save(ArchiveOut& out) const { out.pods(heapOf(heap_)); }
  bool load(ArchiveIn& in) { return in.pods(heapOf(heap_)); }

 private:
  struct Later {
    bool operator()(const DeadlineEntry& a, const DeadlineEntry& b) const {
      return a.fire_at > b.fire_at;
    }
  };
  std::priority_queue<DeadlineEntry, std::vector<DeadlineEntry>, Later> heap_;
};

}  // namespace casewatch
