#include "daemon/telemetry/snapshot_metrics.h"

#include <string>

namespace casewatch {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

SnapshotMetrics::SnapshotMetrics(prometheus::Registry& r) {
  // The age is the time since this timestamp (Prometheus convention: expose the time, let the
  // query subtract: time() - casewatch_snapshot_last_success_timestamp_seconds).
  last_time_ = &BuildGauge()
                    .Name("casewatch_snapshot_last_success_timestamp_seconds")
                    .Help(
                        "Unix time of the last snapshot made durable (its age is time() minus "
                        "this); 0 before the first.")
                    .Register(r)
                    .Add({});
  // The age too, for rules that cannot subtract (and so that a daemon that has never managed a
  // snapshot ages from its start instead of reading 0).
  age_ = &BuildGauge()
              .Name("casewatch_snapshot_age_seconds")
              .Help(
                  "Seconds (wall clock) since the last snapshot made durable, or loaded at "
                  "start-up (its file's time); before any, since the daemon started.")
              .Register(r)
              .Add({});
  last_bytes_ = &BuildGauge()
                     .Name("casewatch_snapshot_last_size_bytes")
                     .Help("Size of the last snapshot written, header included.")
                     .Register(r)
                     .Add({});
  last_seconds_ = &BuildGauge()
                       .Name("casewatch_snapshot_last_duration_seconds")
                       .Help(
                           "Time the last snapshot took: serialising on the event loop plus "
                           "writing and fsyncing on the snapshot thread.")
                       .Register(r)
                       .Add({});
  last_pause_ = &BuildGauge()
                     .Name("casewatch_snapshot_last_pause_seconds")
                     .Help(
                         "Time intake stood still for the last snapshot: serialising the state on "
                         "the event loop (its writing is on the snapshot thread).")
                     .Register(r)
                     .Add({});
  failed_ = &BuildCounter()
                 .Name("casewatch_snapshots_failed_total")
                 .Help(
                     "Snapshots that failed, by stage: save (a model cannot be saved), write "
                     "(I/O), load (a snapshot skipped at start-up as unreadable).")
                 .Register(r);
  for (const char* stage : {"save", "write", "load"}) failed_->Add({{"stage", stage}});
  compacted_ = &BuildCounter()
                    .Name("casewatch_journal_segments_compacted_total")
                    .Help("Journal segments deleted because a kept snapshot covers them.")
                    .Register(r)
                    .Add({});
  startup_replayed_ = &BuildGauge()
                           .Name("casewatch_startup_journal_records_replayed")
                           .Help(
                               "Journal records the last start-up replayed (after the snapshot "
                               "it loaded, or all of them).")
                           .Register(r)
                           .Add({});
  startup_from_snapshot_ = &BuildGauge()
                                .Name("casewatch_startup_from_snapshot")
                                .Help("1 when the last start-up loaded a snapshot, else 0.")
                                .Register(r)
                                .Add({});
}

void SnapshotMetrics::written(uint64_t bytes, double seconds, double paused_seconds,
                              double unix_seconds) {
  last_bytes_->Set(static_cast<double>(bytes));
  last_seconds_->Set(seconds);
  last_pause_->Set(paused_seconds);
  last_time_->Set(unix_seconds);
}

void SnapshotMetrics::age(double seconds) {
  age_->Set(seconds < 0 ? 0 : seconds);
}

void SnapshotMetrics::failed(std::string_view stage) {
  failed_->Add({{"stage", std::string(stage)}}).Increment();
}

void SnapshotMetrics::compacted(uint64_t segments) {
  compacted_->Increment(static_cast<double>(segments));
}

void SnapshotMetrics::startedFrom(bool snapshot, uint64_t replayed) {
  startup_from_snapshot_->Set(snapshot ? 1 : 0);
  startup_replayed_->Set(static_cast<double>(replayed));
}

}  // namespace casewatch
