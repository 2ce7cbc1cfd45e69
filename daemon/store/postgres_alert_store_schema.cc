#include "daemon/store/postgres_alert_store_schema.h"

#include <spdlog/spdlog.h>

#include <iterator>
#include <string_view>

namespace casewatch {
namespace {

// Schema migrations, in order: migration i takes the database from version i to i + 1, with the
// SQLite store's migration i + 1 (alert_store_schema.cc) as its counterpart. Never edit one that
// has shipped; append a new one instead. Times are text as the SQLite store writes them (RFC 3339,
// UTC, milliseconds: daemon/store/store_time.h) in the "C" collation, so that they sort and
// compare as the time, and the alerts list orders ids the same way on both engines.
constexpr std::string_view kMigrations[] = {
    // Version 1: the initial schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT
);
CREATE TABLE dead_letters (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at TEXT COLLATE "C" NOT NULL,
  feed        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL,
  raw_size    BIGINT NOT NULL,
  raw         BYTEA NOT NULL    -- the raw message, sanitised and truncated; any bytes
);
CREATE TABLE alerts (
  alert_id     TEXT COLLATE "C" PRIMARY KEY,
  model        TEXT NOT NULL,
  status       TEXT NOT NULL,
  tier         TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  agency       TEXT NOT NULL,
  starts_at    TEXT COLLATE "C" NOT NULL,
  updated_at   TEXT COLLATE "C" NOT NULL,
  json         TEXT NOT NULL
);
CREATE INDEX alerts_status_updated ON alerts (status, updated_at);
CREATE INDEX alerts_updated ON alerts (updated_at);
CREATE TABLE alert_history (
  id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id TEXT COLLATE "C" NOT NULL,
  at       TEXT COLLATE "C" NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  status   TEXT NOT NULL,
  tier     TEXT NOT NULL,
  note     TEXT NOT NULL,
  json     TEXT NOT NULL
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);
CREATE TABLE snapshots (
  name     TEXT PRIMARY KEY,
  taken_at TEXT COLLATE "C" NOT NULL,
  data     BYTEA NOT NULL
);
)sql",
    // Version 2: the SQLite store dropped the bodies of dead letters stored before they were
    // sanitised; this store has only ever held sanitised ones, so nothing changes here.
    R"sql(
SELECT 1;
)sql",
    // Version 3: what the models learn from: training rows as they are labelled, and every refit
    // with its outcome.
    R"sql(
CREATE TABLE training_rows (
  model         TEXT NOT NULL,
  row_id        TEXT COLLATE "C" NOT NULL,
  case_id       TEXT NOT NULL,
  registered_at BIGINT NOT NULL,  -- ms since the epoch
  at            BIGINT NOT NULL,  -- ms since the epoch
  label         INTEGER NOT NULL,
  features      BYTEA NOT NULL,   -- IEEE doubles, little-endian
  PRIMARY KEY (model, row_id)
);
CREATE INDEX training_rows_at ON training_rows (model, at);
CREATE TABLE model_fits (
  id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model             TEXT NOT NULL,
  at                TEXT COLLATE "C" NOT NULL,  -- RFC 3339, event time of the refit
  rows              BIGINT NOT NULL,
  auc               DOUBLE PRECISION,
  calibration_error DOUBLE PRECISION,
  accepted          BOOLEAN NOT NULL,
  reason            TEXT NOT NULL,
  json              TEXT NOT NULL
);
CREATE INDEX model_fits_model ON model_fits (model, id);
)sql",
    // Version 4: retention deletes the training rows of purged cases by case id.
    R"sql(
CREATE INDEX training_rows_case ON training_rows (case_id);
)sql",
    // Version 5: what the two replicas of an HA pair share beyond the alerts (docs/deployment.md
    // "HA pair"); PostgreSQL only: the SQLite store serves one daemon and stays at version 4.
    // - alert_history.seq: both replicas record the same automatic change (same alert, same seq):
    //   the unique key keeps one row (NULLs, the rows from before and the changes without a seq,
    //   never collide).
    // - workflow_actions: each duty officer's action made through either replica, as the text the
    //   other re-reads and makes on its own workflow (daemon/ha/shared_action.h), announced with
    //   NOTIFY casewatch_workflow in the same transaction.
    // - escalations_sent: the escalation notices of the bus, by alert, topic and the change's time
    //   (ms): 'sending' is written before the leader publishes one, 'sent' once it is on the wire
    //   (daemon/ha/escalation_send_log.h); a new leader sends what is missing or still 'sending'.
    R"sql(
ALTER TABLE alert_history ADD COLUMN seq BIGINT;
CREATE UNIQUE INDEX alert_history_change ON alert_history (alert_id, seq, action);
CREATE TABLE workflow_actions (
  id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  action TEXT NOT NULL
);
CREATE TABLE escalations_sent (
  alert_id  TEXT COLLATE "C" NOT NULL,
  topic     TEXT COLLATE "C" NOT NULL,
  change_at BIGINT NOT NULL,  -- the change's updated_at, ms since the epoch
  seq       BIGINT NOT NULL,  -- as the replica that marked it numbered the change
  replica   TEXT NOT NULL,
  state     TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
  at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_id, topic, change_at)
);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));
// pg_advisory_xact_lock key of the migrations: any constant no other casewatch lock uses.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7303453729180001)";

}  // namespace

absl::Status migratePostgresAlertStore(PostgresConnection& db, const std::string& where,
                                       spdlog::logger& log) {
  for (;;) {
    absl::Status s = db.exec("BEGIN", "begin migration");
    if (s.ok()) s = db.exec(kMigrationLock, "lock for migration");
    // A missing meta table means a new database (version 0). Read under the lock: another daemon
    // may have migrated meanwhile.
    int version = 0;
    bool has_meta = false;
    if (s.ok()) {
      auto r = db.query("SELECT to_regclass('meta') IS NOT NULL", PgParams(), "look for meta");
      if (r.ok()) has_meta = r->boolean(0, 0);
      s = r.status();
    }
    if (s.ok() && has_meta) {
      auto r = db.query("SELECT value FROM meta WHERE key = 'schema_version'", PgParams(),
                        "read schema version");
      if (r.ok() && r->rows() > 0) version = static_cast<int>(r->integer(0, 0));
      s = r.status();
    }
    if (s.ok() && version > kSchemaVersion) {
      (void)db.exec("ROLLBACK", "rollback");
      return absl::FailedPreconditionError(
          "store: " + where + " has schema version " + std::to_string(version) +
          ", newer than this casewatch (" + std::to_string(kSchemaVersion) + ")");
    }
    if (s.ok() && version == kSchemaVersion) return db.exec("COMMIT", "commit");
    if (s.ok()) s = db.exec(std::string(kMigrations[version]), "migrate");
    if (s.ok()) {
      s = db.exec("INSERT INTO meta(key, value) VALUES('schema_version', '" +
                      std::to_string(version + 1) +
                      "') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  "record schema version");
    }
    if (s.ok()) s = db.exec("COMMIT", "commit migration");
    if (!s.ok()) {
      (void)db.exec("ROLLBACK", "rollback");
      return absl::Status(s.code(), "store: migration to schema version " +
                                        std::to_string(version + 1) +
                                        " failed: " + std::string(s.message()));
    }
    log.info("store: {} migrated to schema version {}", where, version + 1);
  }
}

}  // namespace casewatch
