// The feed generator: merges the Scenario's streams by time into one feed, numbers events per
// source (seq) and cases per region, renders contract JSON, and feeds the truth oracle.
//
// Memory stays proportional to the cases open at a moment (plus the truth records when asked for),
// not to the size of the feed: a case's events are created when it is registered and dropped once
// they are written, and each day's registrations are planned when that day starts.
// The merge is a calendar queue: a bucket of queue entries per local day, turned into a small heap
// when its day comes (a single heap over every open stream was the bottleneck: cache misses).
// Events are written in ts order; ties go to the stream created first. Nothing at or after the end
// of the window is written.
//
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "tools/feedgen/event_writer.h"
#include "tools/feedgen/feedgen_options.h"
#include "tools/feedgen/scenario.h"
#include "tools/feedgen/stream.h"
#include "tools/feedgen/truth.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

// One rendered event; the views stay valid until the next call to next().
struct FeedLine {
  std::string_view type;  // the contract type, also the ZeroMQ topic
  std::string_view json;  // one JSON object, no newline
  TimeMs ts = 0;
};

class FeedGenerator {
 public:
  // `options` must have passed validate(). With `with_truth`, the oracle runs alongside.
  FeedGenerator(const FeedgenOptions& options, bool with_truth);

  // The next event in time order; false when the feed is over.
  bool next(FeedLine& line);

  uint64_t eventsWritten() const { return events_; }
  uint64_t casesRegistered() const { return cases_; }
  TimeMs lastTs() const { return last_ts_; }
  TimeMs windowStart() const { return scenario_.windowStart(); }
  TimeMs windowEnd() const { return scenario_.windowEnd(); }

  // Only with `with_truth`, after next() returned false. `summary` (optional) gets the counts.
  absl::Status writeTruth(const std::string& path, TruthSummary* summary = nullptr) const;

 private:
  struct QueueEntry {
    TimeMs ts;
    uint64_t order;  // the stream's
    uint32_t slot;   // the stream's
    uint32_t index;  // the event's in the stream
  };
  void addStream(StreamPtr s);
  bool handle(const GenEvent& e, Stream& s);
  void render(const GenEvent& e, const Stream& s, const CaseInfo* kase, size_t source);

  FeedgenOptions options_;
  World world_;
  Scenario scenario_;
  EventWriter writer_;
  std::unique_ptr<Truth> truth_;

  std::vector<StreamPtr> streams_;  // by slot; null when free
  std::vector<uint32_t> free_slots_;
  std::vector<std::vector<QueueEntry>> buckets_;  // by day of the window
  std::vector<QueueEntry> today_;                 // a min-heap: the current day's entries
  int64_t today_index_ = -1;                      // the current day of the window
  std::vector<StreamPtr> pending_;                // scratch for planDay
  uint64_t next_order_ = 0;

  std::vector<uint64_t> seq_;                             // per source
  absl::flat_hash_map<uint64_t, uint64_t> case_numbers_;  // (region, year) -> last number
  std::string line_;
  uint64_t events_ = 0;
  uint64_t cases_ = 0;
  TimeMs last_ts_ = 0;
};

}  // namespace casewatch::feedgen
