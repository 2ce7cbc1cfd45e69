// The daemon's health figures for Prometheus: whether it is ready (casewatch_ready), whether each
// feed is connected (casewatch_feed_connected), and the error and drop counters that the journal,
// the store and the connectors keep as atomics of their own (exported as counters that grow by
// what their source's running total grew since the last sync), plus what the journal's recovery
// dropped at start-up.
//
// Threads: every call on the io_context thread (the App's tick and readiness updates). The
// exposer reads the registry on its own threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace casewatch {

class HealthMetrics {
 public:
  explicit HealthMetrics(prometheus::Registry& registry);

  void setReady(bool ready) { ready_->Set(ready ? 1 : 0); }
  // Intake paused because the journal or store cannot write; whether the disk is full (journal,
  // store or the last snapshot); the feed batches held while paused.
  void setIntake(bool paused, bool disk_full, size_t held_batches) {
    intake_paused_->Set(paused ? 1 : 0);
    disk_full_->Set(disk_full ? 1 : 0);
    held_batches_->Set(static_cast<double>(held_batches));
  }
  // The alert changes handed to the store and not yet committed; the feed batches deferred (for a
  // duty officer's action, or for the store to catch up); how many times intake waited for the
  // store, a running total.
  void setStoreBacklog(size_t unrecorded_changes, size_t deferred_batches, uint64_t store_waits) {
    unrecorded_changes_->Set(static_cast<double>(unrecorded_changes));
    deferred_batches_->Set(static_cast<double>(deferred_batches));
    store_waits_.sync(store_waits);
  }
  // Each configured feed's connection, as (name, connected); series of feeds no longer configured
  // are removed.
  void setFeedsConnected(const std::vector<std::pair<std::string, bool>>& feeds);

  // Running totals from their sources; each counter grows by the difference.
  void syncJournal(uint64_t write_errors, uint64_t records_dropped);
  void syncStore(uint64_t commit_errors, uint64_t writes_dropped);
  void syncFeed(const std::string& feed, uint64_t transport_errors, uint64_t peer_disconnects);
  // The process's resident memory, read from /proc/self/statm (left as it was if unreadable).
  void syncProcess();
  // ZeroMQ clients refused by CURVE/ZAP on `socket` (`feed/<name>`, `publish`), a running total.
  void syncAuthRefusals(const std::string& socket, uint64_t refusals);
  // A feed's connector was rebuilt (a reload): its totals start again from zero.
  void feedRestarted(const std::string& feed);

  // What opening the journal dropped: a torn tail, or a cut at a corrupt record.
  void journalRecovered(uint64_t torn_tail_bytes, uint64_t corrupt_truncations,
                        uint64_t corrupt_bytes);

 private:
  // A counter that follows a source's running total.
  struct Mirror {
    prometheus::Counter* counter = nullptr;
    uint64_t seen = 0;
    void sync(uint64_t total);
  };

  prometheus::Gauge* ready_;
  prometheus::Gauge *intake_paused_, *disk_full_, *held_batches_;
  prometheus::Gauge *unrecorded_changes_, *deferred_batches_;
  prometheus::Gauge* resident_bytes_;
  prometheus::Family<prometheus::Gauge>* feed_connected_family_;
  std::map<std::string, prometheus::Gauge*> feed_connected_;
  Mirror journal_write_errors_, journal_records_dropped_;
  Mirror store_commit_errors_, store_writes_dropped_;
  Mirror store_waits_;
  prometheus::Family<prometheus::Counter>* feed_errors_family_;
  prometheus::Family<prometheus::Counter>* feed_disconnects_family_;
  struct FeedMirrors {
    Mirror errors, disconnects;
  };
  std::map<std::string, FeedMirrors> feed_errors_;
  prometheus::Family<prometheus::Counter>* auth_refusals_family_;
  std::map<std::string, Mirror> auth_refusals_;  // by socket
  prometheus::Counter *torn_tail_truncations_, *corrupt_truncations_;
  prometheus::Counter *torn_tail_bytes_, *corrupt_bytes_;
};

}  // namespace casewatch
