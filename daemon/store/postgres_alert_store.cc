#include "daemon/store/postgres_alert_store.h"

#include <spdlog/spdlog.h>

#include <bit>

#include "daemon/store/postgres_alert_store_schema.h"
#include "daemon/store/postgres_connection.h"
#include "daemon/store/store_time.h"

namespace casewatch {

PostgresAlertStore::PostgresAlertStore(PostgresAlertStoreOptions options)
    : QueuedAlertStore(options.max_dead_letters, options.logger),
      options_(std::move(options)),
      location_("postgresql: " + options_.conninfo) {}

PostgresAlertStore::~PostgresAlertStore() {
  close();
}

absl::StatusOr<std::unique_ptr<PostgresAlertStore>> PostgresAlertStore::open(
    PostgresAlertStoreOptions options) {
  std::unique_ptr<PostgresAlertStore> store(new PostgresAlertStore(std::move(options)));
  uint64_t dead_letters = 0;
  if (absl::Status s = store->init(dead_letters); !s.ok()) return s;
  store->startWriter(dead_letters);
  return store;
}

absl::Status PostgresAlertStore::init(uint64_t& dead_letters_stored) {
  writer_db_ = std::make_unique<PostgresConnection>(options_.conninfo, options_.password);
  if (auto s = writer_db_->ensure(); !s.ok()) return s;
  if (auto s = migratePostgresAlertStore(*writer_db_, location_, *log_); !s.ok()) return s;
  auto count =
      writer_db_->query("SELECT count(*) FROM dead_letters", PgParams(), "count dead letters");
  if (!count.ok()) return count.status();
  dead_letters_stored = static_cast<uint64_t>(count->integer(0, 0));
  reader_db_ = std::make_unique<PostgresConnection>(options_.conninfo, options_.password);
  return reader_db_->ensure();
}

void PostgresAlertStore::close() {
  if (!stopWriter()) return;
  {
    std::lock_guard rl(read_mu_);
    reader_db_.reset();
  }
  writer_db_.reset();
  markClosed();
}

absl::Status PostgresAlertStore::applyBatch(std::vector<Op>& ops, uint64_t& dead_letter_delta) {
  PostgresConnection& w = *writer_db_;
  if (auto s = w.ensure(); !s.ok()) return s;
  if (auto s = w.exec("BEGIN", "begin"); !s.ok()) return s;
  // An operator's action waits for this commit before its answer: its batch waits for the WAL
  // flush; the bulk of model-driven changes does not (durable a moment later).
  absl::Status status = w.exec(holdsOperatorAction(ops) ? "SET LOCAL synchronous_commit TO on"
                                                        : "SET LOCAL synchronous_commit TO off",
                               "set synchronous_commit");
  uint64_t added = 0;
  uint64_t purged = 0;  // dead letters deleted by a retention purge
  if (status.ok()) status = applyEach(ops, added, purged);
  uint64_t trimmed = 0;
  if (status.ok() && added > 0 && max_dead_letters_ > 0 &&
      deadLetterCount() + added - purged > max_dead_letters_) {
    // Ids only grow but may have gaps (a rolled-back insert uses one up): keep the newest rows.
    auto r = w.query(
        "DELETE FROM dead_letters WHERE id <= (SELECT id FROM dead_letters ORDER BY id DESC "
        "OFFSET $1 LIMIT 1)",
        PgParams().integer(static_cast<int64_t>(max_dead_letters_)), "trim dead letters");
    if (r.ok()) trimmed = r->affected();
    status = r.status();
  }
  if (status.ok()) status = w.exec("COMMIT", "commit");
  if (!status.ok()) {
    (void)w.exec("ROLLBACK", "rollback");
    return status;
  }
  if (trimmed > 0) stats_.dead_letters_trimmed.fetch_add(trimmed, std::memory_order_relaxed);
  dead_letter_delta = added - trimmed - purged;
  return absl::OkStatus();
}

absl::Status PostgresAlertStore::apply(DeadLettersOp& op, uint64_t& added) {
  for (const DeadLetter& d : op.letters) {
    const std::string at = formatStoreTime(d.received_at);
    auto r = writer_db_->query(
        "INSERT INTO dead_letters(received_at, feed, reason, detail, raw_size, raw) "
        "VALUES($1, $2, $3, $4, $5, $6)",
        PgParams()
            .text(at)
            .text(d.feed)
            .text(d.reason)
            .text(d.detail)
            .integer(static_cast<int64_t>(d.raw_size))
            .bytes(d.raw),
        "insert dead letter");
    if (!r.ok()) return r.status();
    ++added;
  }
  return absl::OkStatus();
}

absl::Status PostgresAlertStore::apply(AlertsOp& op) {
  for (const AlertRecord& a : op.changes) {
    // History first: a change the other replica of an HA pair has already recorded (same alert,
    // seq and action) adds no row, and leaves the alert's row to the newer changes it may have
    // recorded since.
    const std::string at = formatStoreTime(a.at);
    auto r = writer_db_->query(
        "INSERT INTO alert_history(alert_id, at, actor, action, status, tier, note, json, seq) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (alert_id, seq, action) DO "
        "NOTHING",
        PgParams()
            .text(a.alert_id)
            .text(at)
            .text(a.actor)
            .text(a.action)
            .text(a.status)
            .text(a.tier)
            .text(a.note)
            .text(historyJson(a))
            .optionalInteger(static_cast<int64_t>(a.seq)),
        "insert alert history");
    if (!r.ok()) return r.status();
    if (r->affected() == 0) continue;
    r = writer_db_->query(
        "INSERT INTO alerts(alert_id, model, status, tier, subject_kind, subject_id, region, "
        "agency, starts_at, updated_at, json) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11) ON CONFLICT(alert_id) DO UPDATE SET model = excluded.model, status = "
        "excluded.status, tier = excluded.tier, subject_kind = excluded.subject_kind, "
        "subject_id = excluded.subject_id, region = excluded.region, agency = excluded.agency, "
        "starts_at = excluded.starts_at, updated_at = excluded.updated_at, json = excluded.json",
        PgParams()
            .text(a.alert_id)
            .text(a.model)
            .text(a.status)
            .text(a.tier)
            .text(a.subject_kind)
            .text(a.subject_id)
            .text(a.region)
            .text(a.agency)
            .text(a.starts_at)
            .text(a.updated_at)
            .text(a.json),
        "upsert alert");
    if (!r.ok()) return r.status();
  }
  if (!op.shared_action.empty()) {
    // NOTIFY is delivered at the commit, with the row: the other replica's listener re-reads
    // workflow_actions after the id it saw last (daemon/ha/shared_action_listener.h).
    auto r = writer_db_->query(
        "WITH added AS (INSERT INTO workflow_actions(action) VALUES($1) RETURNING id) SELECT "
        "pg_notify('casewatch_workflow', id::text) FROM added",
        PgParams().text(op.shared_action), "share the action");
    if (!r.ok()) return r.status();
  }
  if (op.snapshot) return apply(*op.snapshot);
  return absl::OkStatus();
}

absl::Status PostgresAlertStore::apply(SnapshotOp& op) {
  const std::string at = formatStoreTime(op.at);
  return writer_db_
      ->query(
          "INSERT INTO snapshots(name, taken_at, data) VALUES($1, $2, $3) ON CONFLICT(name) DO "
          "UPDATE SET taken_at = excluded.taken_at, data = excluded.data",
          PgParams().text(op.name).text(at).bytes(op.data), "put snapshot")
      .status();
}

absl::Status PostgresAlertStore::apply(TrainingRowsOp& op) {
  std::string blob;
  for (const TrainingRow& r : op.rows) {
    static_assert(std::endian::native == std::endian::little, "features are stored little-endian");
    blob.assign(reinterpret_cast<const char*>(r.features.data()),
                r.features.size() * sizeof(double));
    auto res = writer_db_->query(
        "INSERT INTO training_rows(model, row_id, case_id, registered_at, at, label, features) "
        "VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(model, row_id) DO UPDATE SET "
        "case_id = excluded.case_id, registered_at = excluded.registered_at, at = excluded.at, "
        "label = excluded.label, features = excluded.features",
        PgParams()
            .text(r.model)
            .text(r.row_id)
            .text(r.case_id)
            .integer(r.registered_at)
            .integer(r.at)
            .integer(r.label)
            .bytes(blob),
        "upsert training row");
    if (!res.ok()) return res.status();
  }
  return absl::OkStatus();
}

absl::Status PostgresAlertStore::apply(ModelFitOp& op) {
  const ModelFitRow& f = op.fit;
  const std::string at = formatStoreTime(f.at);
  return writer_db_
      ->query(
          "INSERT INTO model_fits(model, at, rows, auc, calibration_error, accepted, reason, json) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
          PgParams()
              .text(f.model)
              .text(at)
              .integer(f.rows)
              .number(f.auc)
              .number(f.calibration_error)
              .boolean(f.accepted)
              .text(f.reason)
              .text(f.json),
          "insert model fit")
      .status();
}

absl::Status PostgresAlertStore::apply(PurgeOp& op, uint64_t& dead_letters_deleted) {
  PostgresConnection& w = *writer_db_;
  const StorePurge& p = op.what;
  for (const std::string& id : p.case_ids) {
    auto r = w.query("DELETE FROM training_rows WHERE case_id = $1", PgParams().text(id),
                     "retention purge");
    if (!r.ok()) return r.status();
    op.counts.training_rows += r->affected();
  }
  if (p.resolved_before > 0) {
    // An alert's last change is its latest history row (text that sorts as the time), one probe
    // of alert_history_alert (alert_id, id) per resolved alert (as the SQLite store).
    const std::string before = formatStoreTime(p.resolved_before);
    auto r = w.query(
        "WITH gone AS (SELECT a.alert_id FROM alerts a WHERE a.status = 'resolved' AND "
        "coalesce((SELECT h.at FROM alert_history h WHERE h.alert_id = a.alert_id ORDER BY h.id "
        "DESC LIMIT 1), '') < $1), history AS (DELETE FROM alert_history WHERE alert_id IN (SELECT "
        "alert_id FROM "
        "gone) RETURNING 1), current AS (DELETE FROM alerts WHERE alert_id IN (SELECT alert_id "
        "FROM gone) RETURNING 1) SELECT (SELECT count(*) FROM current), (SELECT count(*) FROM "
        "history)",
        PgParams().text(before), "retention purge");
    if (!r.ok()) return r.status();
    op.counts.alerts += static_cast<uint64_t>(r->integer(0, 0));
    op.counts.alert_history += static_cast<uint64_t>(r->integer(0, 1));
  }
  if (p.dead_letters_before > 0) {
    const std::string before = formatStoreTime(p.dead_letters_before);
    auto r = w.query(
        "DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters WHERE "
        "received_at < $1)",
        PgParams().text(before), "retention purge");
    if (!r.ok()) return r.status();
    op.counts.dead_letters += r->affected();
  }
  dead_letters_deleted += op.counts.dead_letters;
  return absl::OkStatus();
}

}  // namespace casewatch
