// Distinct persons seen in two sliding time windows at once (e.g. the last 24 hours and the last 7
// days), for a stream of (time, person) contacts of any size: one map person -> latest contact,
// and one queue of contacts whose front is expired as the clock moves, read by a cursor per window
// (the short window's cursor is never behind the long one's, so one queue serves both: 16 bytes a
// contact instead of 32). O(1) amortised per contact (one hash update), whatever the number of
// persons.
//
// The short window's count is kept as a counter: a person enters it with a contact when their
// previous latest contact was outside it, and leaves it when the queue pops their latest contact.
// A contact that arrives late (earlier than contacts already queued) still counts its person, and
// leaves a queue only when it reaches the front, so such a person may be counted a little past a
// window's end; in-order contacts are exact.
//
// Not thread-safe: owned by its model.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"
#include "base/time.h"

namespace casewatch {

class SlidingDistinct {
 public:
  // `short_window` <= `long_window`.
  SlidingDistinct(TimeMs short_window, TimeMs long_window)
      : short_(short_window), long_(long_window) {}

  void add(uint64_t person, TimeMs t) {
    auto [it, fresh] = latest_.try_emplace(person, t);
    if (fresh) {
      ++in_short_;
    } else if (t > it->second) {
      if (it->second <= short_cut_) ++in_short_;  // back within the short window
      it->second = t;
    } else if (t == it->second) {
      return;  // the same instant again: nothing new to queue
    }
    queue_.emplace_back(t, person);
  }
  // Forgets contacts at or before now − window, for each window.
  void expire(TimeMs now) {
    short_cut_ = now - short_;
    while (short_head_ < queue_.size() && queue_[short_head_].first <= short_cut_) {
      const auto [t, person] = queue_[short_head_];
      ++short_head_;
      auto it = latest_.find(person);
      if (it != latest_.end() && it->second == t && in_short_ > 0) --in_short_;
    }
    // The long window's front: the first contact after long_cut is at or before the short
    // cursor (its time is after short_cut too), so popping never passes the short cursor.
    const TimeMs long_cut = now - long_;
    while (!queue_.empty() && queue_.front().first <= long_cut) {
      const auto [t, person] = queue_.front();
      queue_.pop_front();
      --short_head_;
      auto it = latest_.find(person);
      if (it != latest_.end() && it->second <= long_cut) latest_.erase(it);
    }
  }
  size_t shortCount() const { return in_short_; }

  // Snapshot (daemon/snapshot/): the windows' contents and counter, exactly. The windows' lengths
  // are the constructor's.
  void save(ArchiveOut& out) const {
    out.pod(short_cut_);
    out.pod(in_short_);
    out.count(latest_.size());
    for (const auto& [person, t] : latest_) {
      out.pod(person);
      out.pod(t);
    }
    // The format of two queues (the short window's, then the long one's): the short one is the
    // tail of the long one from the short cursor.
    out.count(queue_.size() - short_head_);
    for (size_t i = short_head_; i < queue_.size(); ++i) {
      out.pod(queue_[i].first);
      out.pod(queue_[i].second);
    }
    out.count(queue_.size());
    for (const auto& [t, person] : queue_) {
      out.pod(t);
      out.pod(person);
    }
  }
  bool load(ArchiveIn& in) {
    in.pod(short_cut_);
    in.pod(in_short_);
    size_t n = 0;
    if (!in.count(n, sizeof(uint64_t) + sizeof(TimeMs))) return false;
    latest_.clear();
    latest_.reserve(n);
    for (size_t i = 0; i < n && in.ok(); ++i) {
      const auto person = in.get<uint64_t>();
      latest_[person] = in.get<TimeMs>();
    }
    std::deque<std::pair<TimeMs, uint64_t>> short_queue;
    for (auto* q : {&short_queue, &queue_}) {
      if (!in.count(n, sizeof(TimeMs) + sizeof(uint64_t))) return false;
      q->clear();
      for (size_t i = 0; i < n && in.ok(); ++i) {
        const auto t = in.get<TimeMs>();
        q->emplace_back(t, in.get<uint64_t>());
      }
    }
    if (!in.ok() || short_queue.size() > queue_.size()) return in.fail();
    short_head_ = queue_.size() - short_queue.size();
    if (!std::equal(short_queue.begin(), short_queue.end(), queue_.begin() + short_head_)) {
      return in.fail();  // the short queue is always the long one's tail
    }
    return in.ok();
  }
  size_t longCount() const { return latest_.size(); }

 private:
  TimeMs short_;
  TimeMs long_;
  TimeMs short_cut_ = INT64_MIN;
  size_t in_short_ = 0;
  absl::flat_hash_map<uint64_t, TimeMs> latest_;
  std::deque<std::pair<TimeMs, uint64_t>> queue_;  // the long window's contacts, oldest first
  size_t short_head_ = 0;                          // the short window's front in queue_
};

}  // namespace casewatch
