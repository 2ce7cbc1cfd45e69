// The event ids seen lately, so that a redelivered event (a feed retrying, a replayed file) is
// acknowledged and ignored instead of applied twice.
//
// Bounded by event time: ids are kept in two generations of `window` each, timed by the latest
// `ts` of the events accepted (not the wall clock: a journal replay must decide exactly as the live
// daemon did), so an id is remembered for at least `window` and at most twice that, and memory is
// about 2 × (events per window) × 16 bytes with the table's overhead, instead of growing with the
// whole history. That time moves at most a day per event, so one event stamped far in the future
// cannot flush the window. Upstream redeliveries come within minutes or hours; one that
// comes after the window (365 days by default, `ingest.dedup_window_days`) is taken as new.
// Keys are two SipHash-2-4 outputs of the id (128 bits): a collision between distinct ids is out
// of reach in practice. Deterministic in the events' order, so a journal replay decides the same.
//
// Not thread-safe: owned by the pipeline's thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "base/state_archive.h"
#include "base/time.h"

namespace casewatch {

class EventIdWindow {
 public:
  explicit EventIdWindow(TimeMs window) : window_(window) {}

  // True the first time `event_id` is seen within the window (remembered from now on); false
  // for a duplicate. `ts` is the event's time.
  bool firstTime(std::string_view event_id, TimeMs ts);
  // Remembers an event already accepted (the journal's, at recovery): never refused, whatever the
  // window was when it was accepted, so that a recovery drops nothing the live daemon took.
  void remember(std::string_view event_id, TimeMs ts);

  size_t size() const { return current_.size() + previous_.size(); }
  // Heap bytes held (both generations' tables), for the bytes-per-case breakdown.
  size_t approximateBytes() const {
    return (current_.capacity() + previous_.capacity()) * (sizeof(Key) + 1);
  }
  TimeMs window() const { return window_; }
  void setWindow(TimeMs window) { window_ = window; }

  // Snapshot (base/state_archive.h): both generations and the window's clock; the window's
  // length stays as constructed (configuration).
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Key {
    uint64_t a, b;
    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.a, k.b);
    }
  };
  static Key keyOf(std::string_view id);
  void insert(const Key& k, TimeMs ts);

  TimeMs window_;
  bool started_ = false;
  TimeMs newest_ = 0;            // the window's clock: the latest accepted ts (moved ≤ a day)
  TimeMs generation_start_ = 0;  // that clock's time when `current_` began
  absl::flat_hash_set<Key> current_;
  absl::flat_hash_set<Key> previous_;
};

}  // namespace casewatch
