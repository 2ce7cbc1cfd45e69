// The snapshot and compaction figures (daemon/snapshot/): age, size and duration of the last
// snapshot, failures, compacted journal segments, and what the last start-up loaded and replayed.
// Updated on the io_context.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string_view>

namespace casewatch {

class SnapshotMetrics {
 public:
  explicit SnapshotMetrics(prometheus::Registry& r);

  // `paused_seconds`: the part of `seconds` intake stood still for, serialising on the event loop.
  void written(uint64_t bytes, double seconds, double paused_seconds, double unix_seconds);
  void failed(std::string_view stage);  // "save", "write", "load"
  void compacted(uint64_t segments);
  // At start-up: the journal records replayed after the snapshot loaded (or all of them).
  void startedFrom(bool snapshot, uint64_t replayed);
  // Seconds since the last successful snapshot (wall clock), set on every tick.
  void age(double seconds);

 private:
  prometheus::Gauge* last_time_;
  prometheus::Gauge* age_;
  prometheus::Gauge* last_bytes_;
  prometheus::Gauge* last_seconds_;
  prometheus::Gauge* last_pause_;
  prometheus::Family<prometheus::Counter>* failed_;
  prometheus::Counter* compacted_;
  prometheus::Gauge* startup_replayed_;
  prometheus::Gauge* startup_from_snapshot_;
};

}  // namespace casewatch
