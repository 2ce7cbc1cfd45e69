// The one retry stage every sink goes through (STYLE.md §3): a sink reports, per change (or per
// batch), delivered, retry later or give up; the stage keeps what is undelivered in order, retries
// it with exponential backoff (capped, with a little jitter so that several nodes recovering
// together are not hit in step), and drops and counts what the sink gives up on.
//
// Optional coalescing, for sinks whose peer keeps state rather than a log (Alertmanager): while a
// change waits, a newer one with the same key replaces it in place, so a peer that is down for an
// hour gets each alert's latest state once when it comes back (nothing lost, nothing twice), and
// memory stays bounded by the number of alerts, not of changes.
//
// Time is passed in (ms, any monotonic origin), so tests need no sleeping. Not thread-safe: one
// stage is driven by one thread (the io_context for the in-process sinks, the Alertmanager sink's
// own thread for its nodes).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "alerts/sinks/sink.h"

namespace casewatch {

// A sink that can take several changes in one delivery (one HTTP request). All or nothing: the
// outcome applies to the whole batch.
class BatchSink : public Sink {
 public:
  virtual SinkOutcome deliverBatch(std::span<const AlertChange* const> changes) = 0;
  SinkOutcome deliver(const AlertChange& change) override {
    const AlertChange* one = &change;
    return deliverBatch({&one, 1});
  }
};

struct RetryPolicy {
  int64_t initial_backoff_ms = 500;
  int64_t max_backoff_ms = 30000;
  double multiplier = 2.0;
  double jitter = 0.1;  // the delay is scaled by a factor in [1 - jitter, 1 + jitter]
};

struct RetryStats {
  uint64_t delivered = 0;   // changes
  uint64_t retries = 0;     // failed attempts that will be retried
  uint64_t given_up = 0;    // changes dropped on the sink's word
  uint64_t overflowed = 0;  // changes dropped because the queue was full (oldest first)
  uint64_t coalesced = 0;   // changes replaced by a newer one with the same key while waiting
};

class RetryStage {
 public:
  using KeyFn = std::function<std::string(const AlertChange&)>;
  struct Options {
    RetryPolicy policy;
    size_t max_batch = 1;       // used when the sink is a BatchSink
    size_t max_queue = 100000;  // beyond this the oldest waiting change is dropped (counted)
    KeyFn coalesce_key;         // empty: every change is delivered
    uint64_t jitter_seed = 1;
  };

  // `sink` must outlive the stage.
  RetryStage(Sink& sink, Options options);

  void submit(const AlertChange& change);
  // Delivers what is waiting unless the sink is backing off. Returns when the stage next needs a
  // call (the end of the backoff), or nullopt when nothing waits.
  std::optional<int64_t> pump(int64_t now_ms);
  // Delivers what is waiting, ignoring the backoff; at most `attempts` failed attempts.
  void drain(int64_t now_ms, int attempts);

  size_t queued() const { return queue_.size(); }
  // Reload: hands over every waiting change, oldest first, and forgets them (a replacement sink's
  // stage takes them, so nothing waiting is lost when a sink is rebuilt).
  std::vector<AlertChange> takeWaiting();
  bool backingOff(int64_t now_ms) const { return now_ms < next_attempt_ms_; }
  int64_t currentBackoffMs() const { return backoff_ms_; }
  const RetryStats& stats() const { return stats_; }
  Sink& sink() { return sink_; }

 private:
  struct Waiting {
    AlertChange change;
    std::string key;
  };
  // One attempt at the head of the queue; returns its outcome (kDelivered when empty).
  SinkOutcome attempt(int64_t now_ms);
  int64_t nextDelay();

  Sink& sink_;
  BatchSink* batch_sink_;
  Options options_;
  std::deque<Waiting> queue_;
  absl::flat_hash_map<std::string, size_t> by_key_;  // key -> index into queue_ + popped_
  uint64_t popped_ = 0;                              // entries ever removed from the front
  int64_t next_attempt_ms_ = 0;
  int64_t backoff_ms_ = 0;
  uint64_t rng_;
  RetryStats stats_;
};

}  // namespace casewatch
