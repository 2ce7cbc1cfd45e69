// The event ids seen lately, so that a redelivered event (a feed retrying, a replayed file) is
// acknowledged and ignored instead of applied twice.
//
// Bounded by event time: ids are kept in time buckets of a quarter of `window` each, timed by the
// latest `ts` of the events accepted (not the wall clock: a journal replay must decide exactly as
// the live daemon did). A bucket is dropped whole, with no per-id work, once the newest id it took
// is more than `window` old, so an id is remembered for at least `window` and at most a quarter
// more, and memory is about 1¼ × (events per window) × 9 bytes with the tables' slack, instead of
// growing with the whole history. The window's clock moves at most a day per event, so one event
// stamped far in the future cannot flush the window. Upstream redeliveries come within minutes or
// hours; one that comes after the window (365 days by default, `ingest.dedup_window_days`) is taken
// as new.
//
// Keys are a 64-bit SipHash-2-4 of the id: a collision between two distinct ids both in the window
// (which would drop the second as a duplicate) has a chance of about n² / 2⁶⁵ for n ids in it —
// 4 × 10⁻⁴ over a year of a national system's 120 million events. A lookup probes the (at most
// five) live buckets, newest first. Deterministic in the events' order, so a journal replay decides
// the same.
//
// Not thread-safe: owned by the pipeline's thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/state_archive.h"
#include "base/time.h"

namespace casewatch {

class EventIdWindow {
 public:
  // Buckets per window: more buckets forget sooner after the window (less memory), at the cost of
  // one more table probed per lookup.
  static constexpr int kBucketsPerWindow = 4;

  // `window` 0: ids are never forgotten.
  explicit EventIdWindow(TimeMs window) : window_(window) {}

  // True the first time `event_id` is seen within the window (remembered from now on); false
  // for a duplicate. `ts` is the event's time.
  bool firstTime(std::string_view event_id, TimeMs ts);
  // Remembers an event already accepted (the journal's, at recovery): never refused, whatever the
  // window was when it was accepted, so that a recovery drops nothing the live daemon took.
  void remember(std::string_view event_id, TimeMs ts);

  // Ids held (an id remembered again in a later bucket counts once per bucket).
  size_t size() const;
  // Heap bytes held (every bucket's table, control bytes included), for the bytes-per-case
  // breakdown.
  size_t approximateBytes() const;
  size_t buckets() const { return buckets_.size(); }
  TimeMs window() const { return window_; }
  // Takes effect from the next event: buckets already held keep their span.
  void setWindow(TimeMs window) { window_ = window; }

  // Snapshot (base/state_archive.h): the window's clock and every bucket; the window's length
  // stays as constructed (configuration).
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Bucket {
    TimeMs start = 0;  // the window's clock when the bucket began
    TimeMs last = 0;   // ... when it took its latest id
    absl::flat_hash_set<uint64_t> ids;
  };
  static uint64_t keyOf(std::string_view id);
  bool contains(uint64_t key) const;
  void insert(uint64_t key, TimeMs ts);
  // Moves the window's clock for an event at `ts`, starts a new bucket when the current one has
  // spanned its quarter window, and drops the buckets gone out of the window.
  void moveClock(TimeMs ts);

  TimeMs window_;
  TimeMs newest_ = 0;  // the window's clock: the latest accepted ts (moved ≤ a day per event)
  // Oldest first; the last one takes new ids. Empty only before the first id.
  std::vector<Bucket> buckets_;
};

}  // namespace casewatch
