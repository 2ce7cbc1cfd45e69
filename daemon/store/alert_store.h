// The alert store: dead letters, the current state and full history of every alert, named state
// snapshots, the models' training rows and refits. The event journal (event_journal.h) holds the
// events themselves; this holds what operators query and what is not rebuilt from events. Two
// engines implement it: SQLite in the data dir (sqlite_alert_store.h, the default) and PostgreSQL
// (postgres_alert_store.h, a store several daemons can share); open_alert_store.h picks one from
// `store.kind`.
//
// Contract, whatever the engine:
// - Writes are asynchronous: queued from any thread, applied on the store's own thread in one
//   transaction per batch (the io_context never waits for the database). Callbacks run on that
//   thread once the batch committed or was given up on; they must not call flush() or close().
// - recordOperatorAction() is durable: its callback says OK only after a commit that survives a
//   power loss of the database host.
// - An outage the store can wait out (a full disk; for PostgreSQL also a lost connection) drops
//   nothing: writes are kept and retried, health() says why meanwhile and holdingWrites() is
//   true; only a duty officer's action is answered with the error at once. Other failures are
//   retried a few times, then that batch is dropped, counted and logged.
// - Reads are synchronous and may block: any thread, but keep them off the io_context.
// - Privacy: callers hand over pseudonymised data only; no person id is ever stored.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time.h"
#include "daemon/store/alert_record.h"
#include "daemon/store/dead_letter.h"
#include "daemon/store/model_learning_records.h"

namespace casewatch {

// A named state snapshot (the `snapshots` table), e.g. the workflow's silences.
struct NamedSnapshot {
  std::string name;
  TimeMs at = 0;
  std::string data;
};

// Retention (daemon/retention/): what a purge deletes. A cutoff of 0 deletes nothing of its kind.
struct StorePurge {
  std::vector<std::string> case_ids;  // every training row of these (purged) cases
  TimeMs resolved_before = 0;      // resolved alerts whose last change is older, with their history
  TimeMs dead_letters_before = 0;  // dead letters received before this
};
struct StorePurgeCounts {
  uint64_t alerts = 0;
  uint64_t alert_history = 0;
  uint64_t dead_letters = 0;
  uint64_t training_rows = 0;
};

// Counters for metrics; readable from any thread.
struct AlertStoreStats {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> commit_errors{0};   // failed attempts (each retried)
  std::atomic<uint64_t> writes_dropped{0};  // queued writes given up on after the retries
  std::atomic<uint64_t> dead_letters_trimmed{0};
  std::atomic<uint64_t> queue_depth{0};  // writes queued, not yet taken by the store thread
  std::atomic<double> last_commit_seconds{0};
};

class AlertStore {
 public:
  using CommitCallback = std::function<void(const absl::Status&)>;
  using PurgeCallback = std::function<void(const absl::Status&, const StorePurgeCounts&)>;

  virtual ~AlertStore() = default;

  // Asynchronous writes (any thread).
  virtual void addDeadLetters(std::vector<DeadLetter> letters) = 0;
  // `on_committed` runs on the store thread once the changes are committed (OK) or given up on.
  virtual void recordAlertChanges(std::vector<AlertRecord> changes,
                                  CommitCallback on_committed) = 0;
  // A duty officer's action: its alert changes and, when it has one, the workflow state it leaves
  // (`state`, a named snapshot), in the same transaction, committed durably before `on_committed`
  // runs with OK. With an error nothing of the action was written.
  virtual void recordOperatorAction(std::vector<AlertRecord> changes,
                                    std::optional<NamedSnapshot> state,
                                    CommitCallback on_committed) = 0;
  // An HA pair (daemon/ha/shared_action.h): recordOperatorAction() that also leaves `action` (what
  // the duty officer did, as text the other replica re-reads and makes on its own workflow) in the
  // same transaction, and wakes the other replica. The SQLite store, which no other daemon reads,
  // records the action as recordOperatorAction() does.
  virtual void recordSharedOperatorAction(std::vector<AlertRecord> changes,
                                          std::optional<NamedSnapshot> state, std::string action,
                                          CommitCallback on_committed) = 0;
  virtual void putSnapshot(std::string name, TimeMs at, std::string data) = 0;
  // A model's labelled training rows (a row with the same model and row_id is replaced).
  virtual void addTrainingRows(std::vector<TrainingRow> rows) = 0;
  // A refit and its outcome.
  virtual void recordModelFit(ModelFitRow fit) = 0;
  // Deletes what retention says has expired, in one transaction; `done` runs on the store thread
  // after the commit (or the failure) with what was deleted.
  virtual void purge(StorePurge what, PurgeCallback done) = 0;
  // Blocks until everything queued before the call has been committed (or given up on).
  virtual void flush() = 0;
  // Commits everything queued, stops the thread and closes the database. Idempotent. Writes after
  // close() are dropped (alert callbacks get FailedPrecondition).
  virtual void close() = 0;

  // Synchronous reads (any thread; they block).
  virtual absl::StatusOr<std::vector<DeadLetter>> listDeadLetters(size_t limit) = 0;  // newest
                                                                                      // first
  // The alerts not resolved, in no particular order (an engine may skip loadAlerts'
  // newest-first sort).
  virtual absl::StatusOr<std::vector<AlertRecord>> loadActiveAlerts() {
    AlertFilter f;
    f.active_only = true;
    return loadAlerts(f);
  }
  // The same alerts' JSON, each handed to `each` as it is read (the view lasts for the call):
  // what start-up's reconcile reads. At a million cases the 200k records' eleven copied columns
  // cost more CPU than their parse, while start-up's other two threads wanted both cores.
  virtual absl::Status forEachActiveAlertJson(absl::FunctionRef<void(std::string_view)> each) {
    auto stored = loadActiveAlerts();
    if (!stored.ok()) return stored.status();
    for (const AlertRecord& r : *stored) each(r.json);
    return absl::OkStatus();
  }
  // Newest first.
  virtual absl::StatusOr<std::vector<AlertRecord>> loadAlerts(const AlertFilter& filter) = 0;
  absl::StatusOr<std::vector<AlertRecord>> loadAlerts() { return loadAlerts(AlertFilter{}); }
  // Oldest first.
  virtual absl::StatusOr<std::vector<AlertRecord>> alertHistory(const std::string& alert_id) = 0;
  virtual absl::StatusOr<std::optional<std::string>> getSnapshot(const std::string& name) = 0;
  // The `limit` (0: all) most recent (by `at`) training rows of `model`, oldest first.
  virtual absl::StatusOr<std::vector<TrainingRow>> loadTrainingRows(const std::string& model,
                                                                    size_t limit) = 0;
  // The refits of `model`, newest first; `accepted_only` keeps the accepted ones.
  virtual absl::StatusOr<std::vector<ModelFitRow>> listModelFits(const std::string& model,
                                                                 size_t limit,
                                                                 bool accepted_only = false) = 0;
  // Rows in dead_letters as of the last commit (kept in memory; no query).
  virtual uint64_t deadLetterCount() const = 0;

  virtual const AlertStoreStats& stats() const = 0;
  // Where the data is, for logs and errors: a file path, or a connection string without secrets.
  virtual std::string location() const = 0;
  // OK while the store takes writes: FailedPrecondition once closed; ResourceExhausted for a full
  // disk and Unavailable otherwise while its last transaction failed (until one commits again);
  // the message says why. Any thread.
  virtual absl::Status health() const = 0;
  // True while writes are kept for an outage the store waits out (health() says which); the daemon
  // stops taking events meanwhile, so that what waits stays small. Any thread.
  virtual bool holdingWrites() const = 0;
  // Called on the store thread whenever health() may have changed (quick: post, do not work).
  // Set before the first write.
  virtual void setOnHealthChange(std::function<void()> cb) = 0;
  // Called on the store thread after each committed transaction with how long it took (begin to
  // commit; casewatch_store_commit_seconds). Quick and thread-safe. Set before the first write.
  virtual void setCommitObserver(std::function<void(double seconds)> cb) = 0;
};

using AlertStorePtr = std::unique_ptr<AlertStore>;

}  // namespace casewatch
