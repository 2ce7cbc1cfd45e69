#include "daemon/store/alert_store_schema.h"

#include <spdlog/spdlog.h>

#include <iterator>
#include <string_view>

namespace casewatch {
namespace {

// Schema migrations, in order: migration i takes the database from version i to i + 1. Never edit
// one that has shipped; append a new one instead.
constexpr std::string_view kMigrations[] = {
    // Version 1: the initial schema.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT
);
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,   -- RFC 3339, UTC, milliseconds
  feed        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL,
  raw_size    INTEGER NOT NULL,
  raw         BLOB NOT NULL    -- the raw message, truncated; any bytes
);
CREATE TABLE alerts (
  alert_id     TEXT PRIMARY KEY,
  model        TEXT NOT NULL,
  status       TEXT NOT NULL,
  tier         TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  agency       TEXT NOT NULL,
  starts_at    TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  json         TEXT NOT NULL
);
CREATE INDEX alerts_status_updated ON alerts (status, updated_at);
CREATE INDEX alerts_updated ON alerts (updated_at);
CREATE TABLE alert_history (
  id       INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL,
  at       TEXT NOT NULL,
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
  taken_at TEXT NOT NULL,
  data     BLOB NOT NULL
);
)sql",
    // Version 2: dead letters are sanitised before they are stored (connectors/
    // dead_letter_sanitiser.h); those stored earlier held raw bytes (raw person ids among them), so
    // their bodies are dropped, keeping the size. The store runs with secure_delete, so the old
    // bytes are zeroed, not left in free pages.
    R"sql(
UPDATE dead_letters
   SET raw = CAST('{"dropped":"stored_before_sanitising","bytes":' || raw_size || '}' AS BLOB);
)sql",
    // Version 3: what the models learn from (daemon/store/model_learning_records.h): training
    // rows as they are labelled, and every refit with its outcome.
    R"sql(
CREATE TABLE IF NOT EXISTS training_rows (
  model         TEXT NOT NULL,
  row_id        TEXT NOT NULL,
  case_id       TEXT NOT NULL,
  registered_at INTEGER NOT NULL,  -- ms since the epoch
  at            INTEGER NOT NULL,  -- ms since the epoch
  label         INTEGER NOT NULL,
  features      BLOB NOT NULL,     -- IEEE doubles, little-endian
  PRIMARY KEY (model, row_id)
);
CREATE INDEX IF NOT EXISTS training_rows_at ON training_rows (model, at);
CREATE TABLE IF NOT EXISTS model_fits (
  id                INTEGER PRIMARY KEY,
  model             TEXT NOT NULL,
  at                TEXT NOT NULL,  -- RFC 3339, event time of the refit
  rows              INTEGER NOT NULL,
  auc               REAL,
  calibration_error REAL,
  accepted          INTEGER NOT NULL,
  reason            TEXT NOT NULL,
  json              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS model_fits_model ON model_fits (model, id);
)sql",
    // Version 4: retention deletes the training rows of purged cases by case id.
    R"sql(
CREATE INDEX IF NOT EXISTS training_rows_case ON training_rows (case_id);
)sql",
    // Version 5: training rows keyed and stored in time order, (model, at, row_id), in one b-tree
    // (WITHOUT ROWID), instead of a rowid table with three indexes on (model, row_id), (model, at)
    // and (case_id). A row's time follows from its id (the same row taken again after a restart has
    // the same time), so the key still de-duplicates; rows arrive about in time order (most are
    // labelled when their horizon passes), so an insert appends instead of dirtying a random page
    // of each index in every commit's WAL. 633,000 rows in commits of 1,000: 23.4 s and 204 MiB
    // before, 2.3 s and 111 MiB after (the same script over Python's sqlite3, both layouts). The
    // fit reads the newest rows in key order; retention's delete by case id scans the table once a
    // day.
    R"sql(
CREATE TABLE training_rows_by_time (
  model         TEXT NOT NULL,
  row_id        TEXT NOT NULL,
  case_id       TEXT NOT NULL,
  registered_at INTEGER NOT NULL,  -- ms since the epoch
  at            INTEGER NOT NULL,  -- ms since the epoch
  label         INTEGER NOT NULL,
  features      BLOB NOT NULL,     -- IEEE doubles, little-endian
  PRIMARY KEY (model, at, row_id)
) WITHOUT ROWID;
INSERT OR REPLACE INTO training_rows_by_time(model, row_id, case_id, registered_at, at, label,
                                             features)
  SELECT model, row_id, case_id, registered_at, at, label, features FROM training_rows
  ORDER BY model, at, row_id;
DROP TABLE training_rows;
ALTER TABLE training_rows_by_time RENAME TO training_rows;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

absl::Status migrateAlertStore(SqliteConnection& db, const std::string& db_path,
                               spdlog::logger& log) {
  // A missing meta table means a new database (version 0).
  int version = 0;
  {
    sqlite3_stmt* s = nullptr;
    if (auto st = db.prepare(s,
                             "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                             "name='meta'");
        !st.ok()) {
      return st;
    }
    const bool has_meta = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
    sqlite3_finalize(s);
    if (has_meta) {
      if (auto st = db.prepare(s, "SELECT value FROM meta WHERE key='schema_version'"); !st.ok()) {
        return st;
      }
      if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
      sqlite3_finalize(s);
    }
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError("store: " + db_path + " has schema version " +
                                         std::to_string(version) + ", newer than this casewatch (" +
                                         std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    absl::Status s = db.exec("BEGIN IMMEDIATE");
    if (s.ok()) s = db.exec(std::string(kMigrations[v]));
    if (s.ok()) {
      s = db.exec("INSERT INTO meta(key, value) VALUES('schema_version', '" +
                  std::to_string(v + 1) + "') ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    }
    if (s.ok()) s = db.exec("COMMIT");
    if (!s.ok()) {
      (void)db.exec("ROLLBACK");
      return absl::InternalError("store: migration to schema version " + std::to_string(v + 1) +
                                 " failed: " + std::string(s.message()));
    }
    log.info("store: {} migrated to schema version {}", db_path, v + 1);
  }
  return absl::OkStatus();
}

}  // namespace casewatch
