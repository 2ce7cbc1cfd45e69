// Distinct persons seen in a sliding time window (e.g. the last 24 hours), for a stream of
// (time, person) contacts of any size: a map person -> latest time, and a queue of contacts in
// arrival order whose front is expired as the clock moves. O(1) amortised per contact.
//
// A contact that arrives late (earlier than contacts already queued) still counts its person, and
// leaves the queue only when it reaches the front, so such a person may be counted a little past
// the window's end; in-order contacts are exact.
//
// Not thread-safe: owned by its model.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "daemon/base/time.h"

namespace casewatch {

class SlidingDistinct {
 public:
  explicit SlidingDistinct(TimeMs window) : window_(window) {}

  void add(uint64_t person, TimeMs t) {
    auto [it, fresh] = latest_.try_emplace(person, t);
    if (!fresh && t > it->second) it->second = t;
    queue_.emplace_back(t, person);
  }
  // Forgets contacts at or before now − window.
  void expire(TimeMs now) {
    const TimeMs cutoff = now - window_;
    while (!queue_.empty() && queue_.front().first <= cutoff) {
      const auto [t, person] = queue_.front();
      queue_.pop_front();
      auto it = latest_.find(person);
      if (it != latest_.end() && it->second <= cutoff) latest_.erase(it);
    }
  }
  size_t size() const { return latest_.size(); }
  size_t queued() const { return queue_.size(); }

 private:
  TimeMs window_;
  absl::flat_hash_map<uint64_t, TimeMs> latest_;
  std::deque<std::pair<TimeMs, uint64_t>> queue_;
};

}  // namespace casewatch
