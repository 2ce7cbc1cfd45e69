#include "daemon/telemetry/health_metrics.h"

#include <unistd.h>

#include <fstream>

namespace casewatch {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

void HealthMetrics::Mirror::sync(uint64_t total) {
  // A total below what was seen means the source started again from zero.
  const uint64_t grew = total >= seen ? total - seen : total;
  if (grew > 0) counter->Increment(static_cast<double>(grew));
  seen = total;
}

HealthMetrics::HealthMetrics(prometheus::Registry& r) {
  ready_ = &BuildGauge()
                .Name("casewatch_ready")
                .Help(
                    "1 when the daemon is ready (what GET /readyz answers 200 for: journal and "
                    "store healthy, every feed bound or connected), else 0.")
                .Register(r)
                .Add({});
  intake_paused_ =
      &BuildGauge()
           .Name("casewatch_intake_paused")
           .Help(
               "1 while the daemon takes no feed input because the journal or the store cannot "
               "write (ZeroMQ pushes back on the producers); it resumes by itself. Else 0.")
           .Register(r)
           .Add({});
  disk_full_ = &BuildGauge()
                    .Name("casewatch_disk_full")
                    .Help(
                        "1 while the data dir's disk (or quota) is full: the journal or the store "
                        "is refused with ENOSPC/EDQUOT, or the last snapshot was. Else 0.")
                    .Register(r)
                    .Add({});
  held_batches_ = &BuildGauge()
                       .Name("casewatch_intake_held_batches")
                       .Help(
                           "Feed batches received and held, not yet applied, while intake is "
                           "paused (at most the feeds' in-flight bound).")
                       .Register(r)
                       .Add({});
  unrecorded_changes_ =
      &BuildGauge()
           .Name("casewatch_store_unrecorded_alert_changes")
           .Help(
               "Alert changes handed to the store and not yet committed. At 16,384 intake waits "
               "for the store (casewatch_intake_store_waits_total) until it is down to 4,096.")
           .Register(r)
           .Add({});
  deferred_batches_ = &BuildGauge()
                           .Name("casewatch_intake_deferred_batches")
                           .Help(
                               "Feed batches received and deferred, not yet applied: while a "
                               "duty officer's action is committed, or while the store catches "
                               "up (at most the feeds' in-flight bound).")
                           .Register(r)
                           .Add({});
  store_waits_.counter =
      &BuildCounter()
           .Name("casewatch_intake_store_waits_total")
           .Help(
               "Times intake stood still because the store was 16,384 alert changes behind "
               "(ZeroMQ pushes back on the producers meanwhile); a steady rise means the store "
               "cannot keep up with the alert changes.")
           .Register(r)
           .Add({});
  resident_bytes_ = &BuildGauge()
                         .Name("casewatch_process_resident_memory_bytes")
                         .Help("Resident memory of the casewatchd process (RSS), in bytes.")
                         .Register(r)
                         .Add({});
  feed_connected_family_ =
      &BuildGauge()
           .Name("casewatch_feed_connected")
           .Help(
               "1 while a feed is bound, or connected to a live peer (a connecting ZeroMQ socket, "
               "by its socket monitor and heartbeats), or its file is open; else 0. By feed.")
           .Register(r);
  journal_write_errors_.counter =
      &BuildCounter()
           .Name("casewatch_journal_write_errors_total")
           .Help(
               "Event journal writes (or segment creations) that failed, e.g. a full disk; each "
               "is retried, and events wait meanwhile.")
           .Register(r)
           .Add({});
  journal_records_dropped_.counter =
      &BuildCounter()
           .Name("casewatch_journal_records_dropped_total")
           .Help(
               "Accepted events the journal threw away after it failed for good (a failed "
               "fdatasync): they are not durable and a restart will not see them.")
           .Register(r)
           .Add({});
  store_commit_errors_.counter =
      &BuildCounter()
           .Name("casewatch_store_commit_errors_total")
           .Help("SQLite store transactions that failed; each is retried a few times.")
           .Register(r)
           .Add({});
  store_writes_dropped_.counter =
      &BuildCounter()
           .Name("casewatch_store_writes_dropped_total")
           .Help(
               "Store writes (alert records, dead letters, snapshots) given up on after the "
               "retries, or sent after the store closed.")
           .Register(r)
           .Add({});
  feed_errors_family_ = &BuildCounter()
                             .Name("casewatch_feed_transport_errors_total")
                             .Help(
                                 "Receive or read failures of a feed's transport (each retried, "
                                 "or ending a file's input), by feed.")
                             .Register(r);
  feed_disconnects_family_ =
      &BuildCounter()
           .Name("casewatch_feed_peer_disconnects_total")
           .Help(
               "ZeroMQ feed peer connections that ended after their handshake, by feed: closed "
               "by the peer, or dropped because a message was over ingest.max_message_bytes "
               "plus slack (ZMQ_MAXMSGSIZE; never buffered whole).")
           .Register(r);
  auth_refusals_family_ =
      &BuildCounter()
           .Name("casewatch_zmq_auth_refusals_total")
           .Help(
               "ZeroMQ clients refused by CURVE authentication, by socket (feed/<name>, "
               "publish). A feed counts every failed handshake (no CURVE, the wrong server key, "
               "a client key not in curve.clients_file); the bus counts the keys its ZAP handler "
               "refused. A refused client retries, so a steady rise is one client trying.")
           .Register(r);
  auto& truncations =
      BuildCounter()
          .Name("casewatch_journal_truncations_total")
          .Help(
              "Times start-up cut the event journal: cause=torn_tail (an unfinished write at a "
              "crash, dropped by itself) or cause=corruption (a corrupt record with valid ones "
              "after it, cut only with --truncate-corrupt-journal).")
          .Register(r);
  torn_tail_truncations_ = &truncations.Add({{"cause", "torn_tail"}});
  corrupt_truncations_ = &truncations.Add({{"cause", "corruption"}});
  auto& bytes = BuildCounter()
                    .Name("casewatch_journal_truncated_bytes_total")
                    .Help(
                        "Bytes those start-up cuts dropped from the event journal, by cause "
                        "(torn_tail, corruption; see casewatch_journal_truncations_total).")
                    .Register(r);
  torn_tail_bytes_ = &bytes.Add({{"cause", "torn_tail"}});
  corrupt_bytes_ = &bytes.Add({{"cause", "corruption"}});
}

void HealthMetrics::setFeedsConnected(const std::vector<std::pair<std::string, bool>>& feeds) {
  std::map<std::string, prometheus::Gauge*> kept;
  for (const auto& [name, connected] : feeds) {
    auto it = feed_connected_.find(name);
    prometheus::Gauge* g =
        it != feed_connected_.end() ? it->second : &feed_connected_family_->Add({{"feed", name}});
    if (it != feed_connected_.end()) feed_connected_.erase(it);
    g->Set(connected ? 1 : 0);
    kept.emplace(name, g);
  }
  for (auto& [name, g] : feed_connected_) feed_connected_family_->Remove(g);
  feed_connected_ = std::move(kept);
}

void HealthMetrics::syncJournal(uint64_t write_errors, uint64_t records_dropped) {
  journal_write_errors_.sync(write_errors);
  journal_records_dropped_.sync(records_dropped);
}

void HealthMetrics::syncStore(uint64_t commit_errors, uint64_t writes_dropped) {
  store_commit_errors_.sync(commit_errors);
  store_writes_dropped_.sync(writes_dropped);
}

void HealthMetrics::syncFeed(const std::string& feed, uint64_t transport_errors,
                             uint64_t peer_disconnects) {
  auto it = feed_errors_.find(feed);
  if (it == feed_errors_.end()) {
    FeedMirrors m{Mirror{&feed_errors_family_->Add({{"feed", feed}}), 0},
                  Mirror{&feed_disconnects_family_->Add({{"feed", feed}}), 0}};
    it = feed_errors_.emplace(feed, m).first;
  }
  it->second.errors.sync(transport_errors);
  it->second.disconnects.sync(peer_disconnects);
}

void HealthMetrics::syncAuthRefusals(const std::string& socket, uint64_t refusals) {
  auto it = auth_refusals_.find(socket);
  if (it == auth_refusals_.end()) {
    it =
        auth_refusals_.emplace(socket, Mirror{&auth_refusals_family_->Add({{"socket", socket}}), 0})
            .first;
  }
  it->second.sync(refusals);
}

void HealthMetrics::feedRestarted(const std::string& feed) {
  if (auto it = auth_refusals_.find("feed/" + feed); it != auth_refusals_.end()) {
    it->second.seen = 0;
  }
  if (auto it = feed_errors_.find(feed); it != feed_errors_.end()) {
    it->second.errors.seen = 0;
    it->second.disconnects.seen = 0;
  }
}

void HealthMetrics::journalRecovered(uint64_t torn_tail_bytes, uint64_t corrupt_truncations,
                                     uint64_t corrupt_bytes) {
  if (torn_tail_bytes > 0) {
    torn_tail_truncations_->Increment();
    torn_tail_bytes_->Increment(static_cast<double>(torn_tail_bytes));
  }
  if (corrupt_truncations > 0) {
    corrupt_truncations_->Increment(static_cast<double>(corrupt_truncations));
    corrupt_bytes_->Increment(static_cast<double>(corrupt_bytes));
  }
}

void HealthMetrics::syncProcess() {
  // statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return;
  static const long page = sysconf(_SC_PAGESIZE);
  resident_bytes_->Set(static_cast<double>(resident) * static_cast<double>(page));
}

}  // namespace casewatch
