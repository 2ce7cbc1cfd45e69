// The read side of the alert store: synchronous queries on the read-only connection, one at a time
// (read_mu_), safe to call from any thread while the store thread writes (WAL).
#include "daemon/store/sqlite_alert_store.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "daemon/store/sqlite_connection.h"

namespace casewatch {

absl::Status SqliteAlertStore::prepareReads() {
  SqliteConnection& r = *reader_db_;
  for (auto [stmt, sql] : std::initializer_list<std::pair<sqlite3_stmt**, std::string_view>>{
           {&r.list_dead_letters,
            "SELECT id, received_at, feed, reason, detail, raw_size, raw FROM dead_letters "
            "ORDER BY id DESC LIMIT ?"},
           {&r.load_alerts,
            "SELECT alert_id, model, status, tier, subject_kind, subject_id, region, agency, "
            "starts_at, updated_at, json FROM alerts WHERE (?1 IS NULL OR status = ?1) AND "
            "(?2 IS NULL OR tier = ?2) AND (?3 IS NULL OR model = ?3) AND "
            "(?4 IS NULL OR region = ?4) AND (?5 IS NULL OR agency = ?5) AND "
            "(?6 = 0 OR status != 'resolved') ORDER BY updated_at DESC, alert_id LIMIT ?7"},
           // In the table's order: load_alerts' sort over every active alert took 2 of its 3 s
           // at a million cases (200k active alerts, 365 MB of JSON; bench/run --only restart).
           {&r.load_active_alert_json, "SELECT json FROM alerts WHERE status != 'resolved'"},
           {&r.alert_history,
            "SELECT alert_id, at, actor, action, status, tier, note, json FROM alert_history "
            "WHERE alert_id = ? ORDER BY id"},
           {&r.get_snapshot, "SELECT data FROM snapshots WHERE name = ?"},
           {&r.load_training_rows,
            // Newest first, in the key's order read backwards: no sort. loadTrainingRows puts
            // them oldest first (an outer ORDER BY sorted 400,000 rows in a temporary b-tree:
            // 0.54 s against 0.12 s in the sqlite3 shell, a bench/run end to end's store).
            "SELECT row_id, case_id, registered_at, at, label, features FROM training_rows "
            "WHERE model = ?1 ORDER BY at DESC, row_id DESC LIMIT ?2"},
           {&r.list_model_fits,
            "SELECT id, model, at, rows, auc, calibration_error, accepted, reason, json FROM "
            "model_fits WHERE model = ?1 AND (?2 = 0 OR accepted = 1) ORDER BY id DESC LIMIT ?3"},
       }) {
    if (auto s = r.prepare(*stmt, sql); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DeadLetter>> SqliteAlertStore::listDeadLetters(size_t limit) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->list_dead_letters;
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, static_cast<int64_t>(limit));
  std::vector<DeadLetter> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    DeadLetter d;
    d.id = sqlite3_column_int64(s, 0);
    d.received_at = parseRfc3339(columnText(s, 1)).value_or(0);
    d.feed = columnText(s, 2);
    d.reason = columnText(s, 3);
    d.detail = columnText(s, 4);
    d.raw_size = static_cast<size_t>(sqlite3_column_int64(s, 5));
    d.raw = columnBlob(s, 6);
    out.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) return reader_db_->error("list dead letters");
  return out;
}

absl::StatusOr<std::vector<AlertRecord>> SqliteAlertStore::loadAlerts(const AlertFilter& filter) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->load_alerts;
  ResetOnExit reset(s);
  bindOptionalText(s, 1, filter.status);
  bindOptionalText(s, 2, filter.tier);
  bindOptionalText(s, 3, filter.model);
  bindOptionalText(s, 4, filter.region);
  bindOptionalText(s, 5, filter.agency);
  sqlite3_bind_int(s, 6, filter.active_only ? 1 : 0);
  sqlite3_bind_int64(s, 7, filter.limit == 0 ? -1 : static_cast<int64_t>(filter.limit));
  return alertRows(s);
}

absl::Status SqliteAlertStore::forEachActiveAlertJson(
    absl::FunctionRef<void(std::string_view)> each) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->load_active_alert_json;
  ResetOnExit reset(s);
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    each(p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s, 0)))
           : std::string_view());
  }
  if (rc != SQLITE_DONE) return reader_db_->error("load alerts");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AlertRecord>> SqliteAlertStore::alertRows(sqlite3_stmt* s) {
  std::vector<AlertRecord> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    AlertRecord a;
    int i = 0;
    for (std::string* v :
         {&a.alert_id, &a.model, &a.status, &a.tier, &a.subject_kind, &a.subject_id, &a.region,
          &a.agency, &a.starts_at, &a.updated_at, &a.json}) {
      *v = columnText(s, i++);
    }
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return reader_db_->error("load alerts");
  return out;
}

absl::StatusOr<std::vector<AlertRecord>> SqliteAlertStore::alertHistory(
    const std::string& alert_id) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->alert_history;
  ResetOnExit reset(s);
  bindText(s, 1, alert_id);
  std::vector<AlertRecord> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    AlertRecord a;
    a.alert_id = columnText(s, 0);
    a.at = parseRfc3339(columnText(s, 1)).value_or(0);
    a.actor = columnText(s, 2);
    a.action = columnText(s, 3);
    a.status = columnText(s, 4);
    a.tier = columnText(s, 5);
    a.note = columnText(s, 6);
    a.json = columnText(s, 7);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return reader_db_->error("alert history");
  return out;
}

absl::StatusOr<std::optional<std::string>> SqliteAlertStore::getSnapshot(const std::string& name) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->get_snapshot;
  ResetOnExit reset(s);
  bindText(s, 1, name);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return std::optional<std::string>(columnBlob(s, 0));
  if (rc != SQLITE_DONE) return reader_db_->error("get snapshot");
  return std::optional<std::string>();
}

absl::StatusOr<std::vector<TrainingRow>> SqliteAlertStore::loadTrainingRows(
    const std::string& model, size_t limit) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->load_training_rows;
  ResetOnExit reset(s);
  bindText(s, 1, model);
  sqlite3_bind_int64(s, 2, limit == 0 ? -1 : static_cast<int64_t>(limit));
  std::vector<TrainingRow> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    TrainingRow t;
    t.model = model;
    t.row_id = columnText(s, 0);
    t.case_id = columnText(s, 1);
    t.registered_at = sqlite3_column_int64(s, 2);
    t.at = sqlite3_column_int64(s, 3);
    t.label = sqlite3_column_int(s, 4);
    const std::string blob = columnBlob(s, 5);
    t.features.resize(blob.size() / sizeof(double));
    std::memcpy(t.features.data(), blob.data(), t.features.size() * sizeof(double));
    out.push_back(std::move(t));
  }
  if (rc != SQLITE_DONE) return reader_db_->error("load training rows");
  std::reverse(out.begin(), out.end());  // oldest first, as the key orders them
  return out;
}

absl::StatusOr<std::vector<ModelFitRow>> SqliteAlertStore::listModelFits(const std::string& model,
                                                                         size_t limit,
                                                                         bool accepted_only) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  sqlite3_stmt* s = reader_db_->list_model_fits;
  ResetOnExit reset(s);
  bindText(s, 1, model);
  sqlite3_bind_int(s, 2, accepted_only ? 1 : 0);
  sqlite3_bind_int64(s, 3, limit == 0 ? -1 : static_cast<int64_t>(limit));
  std::vector<ModelFitRow> out;
  int rc = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ModelFitRow f;
    f.id = sqlite3_column_int64(s, 0);
    f.model = columnText(s, 1);
    f.at = parseRfc3339(columnText(s, 2)).value_or(0);
    f.rows = sqlite3_column_int64(s, 3);
    f.auc = sqlite3_column_type(s, 4) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(s, 4);
    f.calibration_error = sqlite3_column_double(s, 5);
    f.accepted = sqlite3_column_int(s, 6) != 0;
    f.reason = columnText(s, 7);
    f.json = columnText(s, 8);
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return reader_db_->error("list model fits");
  return out;
}

}  // namespace casewatch
