// The PostgreSQL alert store (store.kind: postgresql): the same tables and contract as the SQLite
// one (alert_store.h), in a database several daemons can share, so that acks, silences, owners,
// escalation progress, alert history and dead letters outlive the host a daemon runs on.
//
// Threads: the write queue and the store thread are queued_alert_store.h's; the store thread owns
// the write connection. Reads run synchronously on a second connection, serialised by a mutex.
//
// Durability: a batch holding a duty officer's action is committed with synchronous_commit on (the
// WAL is flushed on the server before the callback runs with OK); other batches with it off (a
// server crash can lose the last ones, never corrupt the database), as the SQLite store's NORMAL.
// Errors: a lost connection, a server that is shutting down, refusing connections or read-only,
// and a full disk are outages: writes are kept and retried (reconnecting) until the database
// takes them, health() saying why meanwhile. Reads reconnect on their own.
//
// Files: postgres_alert_store.cc (open, close, the transactions), postgres_alert_store_queries.cc
// (the reads), postgres_alert_store_schema.cc (tables and migrations), postgres_connection.cc (a
// connection, its results and parameters).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/store/queued_alert_store.h"

namespace casewatch {

class PgParams;
class PgResult;
class PostgresConnection;

struct PostgresAlertStoreOptions {
  std::string conninfo;  // a libpq connection string without a password
  std::string password;  // read from store.postgresql.password_file; empty: none
  // Oldest dead letters beyond this many are deleted. 0 = keep all.
  size_t max_dead_letters = 100000;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
};

class PostgresAlertStore final : public QueuedAlertStore {
 public:
  // Connects, applies pending migrations, and starts the store thread. Unavailable when the
  // database cannot be reached; FailedPrecondition for a database from a newer schema.
  static absl::StatusOr<std::unique_ptr<PostgresAlertStore>> open(
      PostgresAlertStoreOptions options);
  ~PostgresAlertStore() override;  // close()s
  PostgresAlertStore(const PostgresAlertStore&) = delete;
  PostgresAlertStore& operator=(const PostgresAlertStore&) = delete;

  void close() override;

  using AlertStore::loadAlerts;
  absl::StatusOr<std::vector<DeadLetter>> listDeadLetters(size_t limit) override;
  absl::StatusOr<std::vector<AlertRecord>> loadAlerts(const AlertFilter& filter) override;
  absl::StatusOr<std::vector<AlertRecord>> alertHistory(const std::string& alert_id) override;
  absl::StatusOr<std::optional<std::string>> getSnapshot(const std::string& name) override;
  absl::StatusOr<std::vector<TrainingRow>> loadTrainingRows(const std::string& model,
                                                            size_t limit) override;
  absl::StatusOr<std::vector<ModelFitRow>> listModelFits(const std::string& model, size_t limit,
                                                         bool accepted_only = false) override;

  std::string location() const override { return location_; }

 private:
  explicit PostgresAlertStore(PostgresAlertStoreOptions options);
  absl::Status init(uint64_t& dead_letters_stored);
  absl::Status applyBatch(std::vector<Op>& ops, uint64_t& dead_letter_delta) override;
  absl::Status apply(DeadLettersOp& op, uint64_t& added) override;
  absl::Status apply(AlertsOp& op) override;
  absl::Status apply(SnapshotOp& op) override;
  absl::Status apply(TrainingRowsOp& op) override;
  absl::Status apply(ModelFitOp& op) override;
  absl::Status apply(PurgeOp& op, uint64_t& dead_letters_deleted) override;
  // One read statement on the read connection (under read_mu_), connecting as needed.
  absl::StatusOr<PgResult> read(const char* sql, const PgParams& params, std::string_view what);

  const PostgresAlertStoreOptions options_;
  const std::string location_;                     // "postgresql: <conninfo>"
  std::unique_ptr<PostgresConnection> writer_db_;  // store thread only (after open)
  std::unique_ptr<PostgresConnection> reader_db_;  // under read_mu_
  std::mutex read_mu_;
};

}  // namespace casewatch
