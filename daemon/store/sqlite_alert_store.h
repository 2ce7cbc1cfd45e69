// The SQLite alert store (<data_dir>/casewatch.db), the default engine of the alert store
// (alert_store.h says what it holds and the contract every engine keeps).
//
// Threads: the write queue and the store thread are queued_alert_store.h's. Reads run
// synchronously on a separate read-only connection (WAL lets them proceed during writes),
// serialised by a mutex.
//
// Errors: a full disk (SQLITE_FULL, ENOSPC, EDQUOT) is the outage this engine waits out; a lock
// held too long by another process fails the batch (retried, then dropped).
// Batches are committed with synchronous=NORMAL (durable at the next checkpoint; a power loss can
// lose the last commits but never corrupts the file); one holding an operator's action with
// synchronous=FULL (the WAL is synced before its callback runs with OK).
//
// Files: sqlite_alert_store.cc (open, close), alert_store_schema.cc (tables and migrations),
// sqlite_alert_store_writer.cc (the transactions), sqlite_alert_store_queries.cc (the reads),
// sqlite_connection.cc (a connection and its statements).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "daemon/store/queued_alert_store.h"

namespace spdlog {
class logger;
}
struct sqlite3_stmt;

namespace casewatch {

struct SqliteConnection;

struct SqliteAlertStoreOptions {
  // Oldest dead letters beyond this many are deleted, so a feed of garbage cannot fill the disk.
  // 0 = keep all.
  size_t max_dead_letters = 100000;
  // How long a statement waits for a lock another connection holds (store.busy_timeout_ms).
  int busy_timeout_ms = 5000;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
};

class SqliteAlertStore final : public QueuedAlertStore {
 public:
  // Creates the directory and database if needed, turns on WAL, applies pending migrations, and
  // starts the store thread. FailedPrecondition for a database from a newer schema.
  static absl::StatusOr<std::unique_ptr<SqliteAlertStore>> open(
      const std::string& data_dir, SqliteAlertStoreOptions options = {});
  ~SqliteAlertStore() override;  // close()s
  SqliteAlertStore(const SqliteAlertStore&) = delete;
  SqliteAlertStore& operator=(const SqliteAlertStore&) = delete;

  void close() override;

  using AlertStore::loadAlerts;
  absl::StatusOr<std::vector<DeadLetter>> listDeadLetters(size_t limit) override;
  absl::StatusOr<std::vector<AlertRecord>> loadAlerts(const AlertFilter& filter) override;
  absl::Status forEachActiveAlertJson(absl::FunctionRef<void(std::string_view)> each) override;
  absl::StatusOr<std::vector<AlertRecord>> alertHistory(const std::string& alert_id) override;
  absl::StatusOr<std::optional<std::string>> getSnapshot(const std::string& name) override;
  absl::StatusOr<std::vector<TrainingRow>> loadTrainingRows(const std::string& model,
                                                            size_t limit) override;
  absl::StatusOr<std::vector<ModelFitRow>> listModelFits(const std::string& model, size_t limit,
                                                         bool accepted_only = false) override;

  std::string location() const override { return db_path_; }
  std::string dbPath() const { return db_path_; }

 private:
  SqliteAlertStore(std::string db_path, SqliteAlertStoreOptions options);
  absl::Status init(uint64_t& dead_letters_stored);
  absl::Status prepareWrites();  // sqlite_alert_store_writer.cc
  absl::Status prepareReads();   // sqlite_alert_store_queries.cc
  // The rows of a statement selecting the alerts table's columns (read_mu_ held).
  absl::StatusOr<std::vector<AlertRecord>> alertRows(sqlite3_stmt* s);
  absl::Status applyBatch(std::vector<Op>& ops, uint64_t& dead_letter_delta) override;
  // Fills superseded_ for `ops` (sqlite_alert_store_writer.cc).
  void markSuperseded(const std::vector<Op>& ops);
  // synchronous=FULL for a batch holding an operator's action, NORMAL otherwise.
  absl::Status setSynchronous(bool full);
  absl::Status apply(DeadLettersOp& op, uint64_t& added) override;
  absl::Status apply(AlertsOp& op) override;
  absl::Status apply(SnapshotOp& op) override;
  absl::Status apply(TrainingRowsOp& op) override;
  absl::Status apply(ModelFitOp& op) override;
  absl::Status apply(PurgeOp& op, uint64_t& dead_letters_deleted) override;

  const std::string db_path_;
  const SqliteAlertStoreOptions options_;
  std::unique_ptr<SqliteConnection> writer_db_;  // store thread only (after open)
  std::unique_ptr<SqliteConnection> reader_db_;  // under read_mu_
  std::mutex read_mu_;
  bool synchronous_full_ = false;  // store thread only
  // The changes of the batch being written whose alert changes again later in the same batch:
  // their history rows are written, their `alerts` row is not (the last change's is the one the
  // transaction leaves). Store thread only; set by applyBatch().
  absl::flat_hash_set<const AlertRecord*> superseded_;
};

using SqliteAlertStorePtr = std::unique_ptr<SqliteAlertStore>;

}  // namespace casewatch
