// The SQLite alert store (<data_dir>/casewatch.db): dead letters, the current state and full
// history of every alert, named state snapshots, and metadata. The event journal (event_journal.h)
// holds the events themselves; this holds what operators query and what is not rebuilt from events.
//
// Threads: every write goes through a queue to the store's own thread, which applies everything
// queued in one transaction (so the io_context never waits for SQLite). The write methods may be
// called from any thread and never block on I/O; the queue is unbounded (its depth is in stats()).
// Reads run synchronously on a separate read-only connection (WAL lets them proceed during
// writes), serialised by a mutex; they may be called from any thread but do block, so keep them off
// the io_context (HTTP handlers, start-up).
// Callbacks run on the store thread: they must not call flush() or close() (that would wait for
// the thread running them).
//
// Errors: a failed transaction is rolled back and retried a few times with backoff; if it still
// fails, its writes are dropped, counted, and logged, and alert-change callbacks get the error.
// A full disk (SQLITE_FULL, ENOSPC, EDQUOT) drops nothing: the writes are kept and retried until
// the disk has room, health() being ResourceExhausted meanwhile; only a duty officer's action is
// answered with the error at once (waitOutFullDisk).
//
// Files: sqlite_alert_store.cc (open, close), alert_store_schema.cc (tables and migrations),
// sqlite_alert_store_writer.cc (the write queue and the store thread),
// sqlite_alert_store_queries.cc (the reads), sqlite_connection.cc (a connection and its
// statements).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/time.h"
#include "daemon/store/alert_record.h"
#include "daemon/store/dead_letter.h"
#include "daemon/store/model_learning_records.h"

namespace spdlog {
class logger;
}

namespace casewatch {

struct SqliteConnection;

// A named state snapshot (the `snapshots` table), e.g. the workflow's silences.
struct NamedSnapshot {
  std::string name;
  TimeMs at = 0;
  std::string data;
};

struct SqliteAlertStoreOptions {
  // Oldest dead letters beyond this many are deleted, so a feed of garbage cannot fill the disk.
  // 0 = keep all.
  size_t max_dead_letters = 100000;
  // How long a statement waits for a lock another connection holds (store.busy_timeout_ms).
  int busy_timeout_ms = 5000;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
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
struct SqliteAlertStoreStats {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> commit_errors{0};   // failed attempts (each retried)
  std::atomic<uint64_t> writes_dropped{0};  // queued writes given up on after the retries
  std::atomic<uint64_t> dead_letters_trimmed{0};
  std::atomic<uint64_t> queue_depth{0};  // writes queued, not yet taken by the store thread
  std::atomic<double> last_commit_seconds{0};
};

class SqliteAlertStore {
 public:
  using CommitCallback = std::function<void(const absl::Status&)>;

  // Creates the directory and database if needed, turns on WAL, applies pending migrations, and
  // starts the store thread. FailedPrecondition for a database from a newer schema.
  static absl::StatusOr<std::unique_ptr<SqliteAlertStore>> open(
      const std::string& data_dir, SqliteAlertStoreOptions options = {});
  ~SqliteAlertStore();  // close()s
  SqliteAlertStore(const SqliteAlertStore&) = delete;
  SqliteAlertStore& operator=(const SqliteAlertStore&) = delete;

  // Asynchronous writes (any thread).
  void addDeadLetters(std::vector<DeadLetter> letters);
  // `on_committed` runs on the store thread once the changes are committed (OK) or given up on.
  void recordAlertChanges(std::vector<AlertRecord> changes, CommitCallback on_committed);
  // A duty officer's action: its alert changes and, when it has one, the workflow state it leaves
  // (`state`, a named snapshot), in the same transaction, committed with synchronous=FULL (the WAL
  // is synced before `on_committed` runs with OK, so the action survives a power loss too).
  // `on_committed` runs on the store thread; with an error nothing of the action was written.
  void recordOperatorAction(std::vector<AlertRecord> changes, std::optional<NamedSnapshot> state,
                            CommitCallback on_committed);
  void putSnapshot(std::string name, TimeMs at, std::string data);
  // A model's labelled training rows (a row with the same model and row_id is replaced).
  void addTrainingRows(std::vector<TrainingRow> rows);
  // A refit and its outcome.
  void recordModelFit(ModelFitRow fit);
  // Deletes what retention says has expired, in one transaction; `done` runs on the store thread
  // after the commit (or the failure) with what was deleted.
  using PurgeCallback = std::function<void(const absl::Status&, const StorePurgeCounts&)>;
  void purge(StorePurge what, PurgeCallback done);
  // Blocks until everything queued before the call has been committed (or given up on).
  void flush();
  // Commits everything queued, stops the thread and closes the database. Idempotent. Writes after
  // close() are dropped (alert callbacks get FailedPrecondition).
  void close();

  // Synchronous reads (any thread).
  absl::StatusOr<std::vector<DeadLetter>> listDeadLetters(size_t limit);  // newest first
  absl::StatusOr<std::vector<AlertRecord>> loadActiveAlerts();            // status != resolved
  absl::StatusOr<std::vector<AlertRecord>> loadAlerts(const AlertFilter& filter = {});  // newest
                                                                                        // first
  absl::StatusOr<std::vector<AlertRecord>> alertHistory(const std::string& alert_id);   // oldest
                                                                                        // first
  absl::StatusOr<std::optional<std::string>> getSnapshot(const std::string& name);
  // The `limit` most recent (by `at`) training rows of `model`, oldest first.
  absl::StatusOr<std::vector<TrainingRow>> loadTrainingRows(const std::string& model, size_t limit);
  // The refits of `model`, newest first; `accepted_only` keeps the accepted ones.
  absl::StatusOr<std::vector<ModelFitRow>> listModelFits(const std::string& model, size_t limit,
                                                         bool accepted_only = false);
  // Rows in dead_letters as of the last commit (kept in memory; no query).
  uint64_t deadLetterCount() const { return dead_letter_count_.load(std::memory_order_relaxed); }

  const SqliteAlertStoreStats& stats() const { return stats_; }
  std::string dbPath() const { return db_path_; }
  // OK while the store takes writes: FailedPrecondition once closed, Unavailable (ResourceExhausted
  // for a full disk) while its last transaction was given up on (until one commits again). Any
  // thread.
  absl::Status health() const;
  // Called on the store thread whenever health() may have changed (quick: post, do not work).
  // Set before the first write.
  void setOnHealthChange(std::function<void()> cb) { on_health_change_ = std::move(cb); }

 private:
  struct DeadLettersOp {
    std::vector<DeadLetter> letters;
  };
  struct SnapshotOp {
    std::string name;
    TimeMs at = 0;
    std::string data;
  };
  struct AlertsOp {
    std::vector<AlertRecord> changes;
    CommitCallback on_committed;
    bool durable = false;                // an operator's action: synchronous=FULL
    std::optional<SnapshotOp> snapshot;  // written in the same transaction
  };
  struct TrainingRowsOp {
    std::vector<TrainingRow> rows;
  };
  struct ModelFitOp {
    ModelFitRow fit;
  };
  struct PurgeOp {
    StorePurge what;
    PurgeCallback done;
    StorePurgeCounts counts;
  };
  using Op = std::variant<DeadLettersOp, AlertsOp, SnapshotOp, TrainingRowsOp, ModelFitOp, PurgeOp>;

  SqliteAlertStore(std::string db_path, SqliteAlertStoreOptions options);
  absl::Status init();
  absl::Status prepareWrites();  // sqlite_alert_store_writer.cc
  absl::Status prepareReads();   // sqlite_alert_store_queries.cc
  void enqueue(Op op);
  void writerLoop();
  absl::Status applyAll(std::vector<Op>& ops, uint64_t& dead_letter_delta);
  // After the attempts failed for a full disk: keeps `ops` (and what is queued meanwhile, up to
  // `through`) and retries until they commit (true; `status` then OK) or the store stops.
  bool waitOutFullDisk(std::vector<Op>& ops, absl::Status& status, uint64_t& through);
  // synchronous=FULL for a batch holding an operator's action, NORMAL otherwise.
  absl::Status setSynchronous(bool full);
  absl::Status apply(DeadLettersOp& op, uint64_t& added);
  absl::Status apply(AlertsOp& op);
  absl::Status apply(SnapshotOp& op);
  absl::Status apply(TrainingRowsOp& op);
  absl::Status apply(ModelFitOp& op);
  absl::Status apply(PurgeOp& op, uint64_t& dead_letters_deleted);

  const std::string db_path_;
  const SqliteAlertStoreOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<SqliteConnection> writer_db_;  // store thread only (after open)
  std::unique_ptr<SqliteConnection> reader_db_;  // under read_mu_
  std::mutex read_mu_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Op> queue_;
  uint64_t enqueued_ = 0;  // ops ever queued
  uint64_t done_ = 0;      // ops committed or given up on
  bool stopping_ = false;
  bool closed_ = false;
  int flushers_ = 0;           // flush() calls waiting
  absl::Status last_failure_;  // the last transaction given up on; OK once one commits
  std::function<void()> on_health_change_;

  bool synchronous_full_ = false;  // store thread only
  std::atomic<uint64_t> dead_letter_count_{0};
  SqliteAlertStoreStats stats_;
  std::thread thread_;
};

using SqliteAlertStorePtr = std::unique_ptr<SqliteAlertStore>;

}  // namespace casewatch
