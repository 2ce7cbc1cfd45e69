// The read side of the PostgreSQL alert store: synchronous queries on the read connection, one at
// a time (read_mu_), safe from any thread while the store thread writes (MVCC). A lost connection
// is re-made by the next read.
#include <cmath>
#include <cstring>

#include "daemon/store/postgres_alert_store.h"
#include "daemon/store/postgres_connection.h"

namespace casewatch {

absl::StatusOr<PgResult> PostgresAlertStore::read(const char* sql, const PgParams& params,
                                                  std::string_view what) {
  std::lock_guard lk(read_mu_);
  if (!reader_db_) return absl::FailedPreconditionError("store: closed");
  absl::StatusOr<PgResult> r = absl::UnavailableError("not run");
  // A connection found cut (the server restarted, a failover, an idle timeout) is made again
  // once: a read is a single statement, safe to repeat.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto s = reader_db_->ensure(); !s.ok()) return s;
    r = reader_db_->query(sql, params, what);
    if (r.ok() || reader_db_->connected()) break;
  }
  return r;
}

absl::StatusOr<std::vector<DeadLetter>> PostgresAlertStore::listDeadLetters(size_t limit) {
  auto r = read(
      "SELECT id, received_at, feed, reason, detail, raw_size, raw FROM dead_letters "
      "ORDER BY id DESC LIMIT $1",
      PgParams().integer(static_cast<int64_t>(limit)), "list dead letters");
  if (!r.ok()) return r.status();
  std::vector<DeadLetter> out;
  for (int i = 0; i < r->rows(); ++i) {
    DeadLetter d;
    d.id = r->integer(i, 0);
    d.received_at = parseRfc3339(r->text(i, 1)).value_or(0);
    d.feed = r->text(i, 2);
    d.reason = r->text(i, 3);
    d.detail = r->text(i, 4);
    d.raw_size = static_cast<size_t>(r->integer(i, 5));
    d.raw = r->bytes(i, 6);
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::vector<AlertRecord>> PostgresAlertStore::loadAlerts(const AlertFilter& filter) {
  auto r = read(
      "SELECT alert_id, model, status, tier, subject_kind, subject_id, region, agency, "
      "starts_at, updated_at, json FROM alerts WHERE ($1::text IS NULL OR status = $1) AND "
      "($2::text IS NULL OR tier = $2) AND ($3::text IS NULL OR model = $3) AND "
      "($4::text IS NULL OR region = $4) AND ($5::text IS NULL OR agency = $5) AND "
      "(NOT $6::boolean OR status <> 'resolved') ORDER BY updated_at DESC, alert_id LIMIT $7",
      PgParams()
          .optionalText(filter.status)
          .optionalText(filter.tier)
          .optionalText(filter.model)
          .optionalText(filter.region)
          .optionalText(filter.agency)
          .boolean(filter.active_only)
          .optionalInteger(static_cast<int64_t>(filter.limit)),
      "load alerts");
  if (!r.ok()) return r.status();
  std::vector<AlertRecord> out;
  for (int i = 0; i < r->rows(); ++i) {
    AlertRecord a;
    int c = 0;
    for (std::string* v :
         {&a.alert_id, &a.model, &a.status, &a.tier, &a.subject_kind, &a.subject_id, &a.region,
          &a.agency, &a.starts_at, &a.updated_at, &a.json}) {
      *v = r->text(i, c++);
    }
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::vector<AlertRecord>> PostgresAlertStore::alertHistory(
    const std::string& alert_id) {
  auto r = read(
      "SELECT alert_id, at, actor, action, status, tier, note, json FROM alert_history "
      "WHERE alert_id = $1 ORDER BY id",
      PgParams().text(alert_id), "alert history");
  if (!r.ok()) return r.status();
  std::vector<AlertRecord> out;
  for (int i = 0; i < r->rows(); ++i) {
    AlertRecord a;
    a.alert_id = r->text(i, 0);
    a.at = parseRfc3339(r->text(i, 1)).value_or(0);
    a.actor = r->text(i, 2);
    a.action = r->text(i, 3);
    a.status = r->text(i, 4);
    a.tier = r->text(i, 5);
    a.note = r->text(i, 6);
    a.json = r->text(i, 7);
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> PostgresAlertStore::getSnapshot(
    const std::string& name) {
  auto r =
      read("SELECT data FROM snapshots WHERE name = $1", PgParams().text(name), "get snapshot");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->bytes(0, 0));
}

absl::StatusOr<std::vector<TrainingRow>> PostgresAlertStore::loadTrainingRows(
    const std::string& model, size_t limit) {
  auto r = read(
      "SELECT row_id, case_id, registered_at, at, label, features FROM (SELECT * FROM "
      "training_rows WHERE model = $1 ORDER BY at DESC, row_id DESC LIMIT $2) AS recent "
      "ORDER BY at, row_id",
      PgParams().text(model).optionalInteger(static_cast<int64_t>(limit)), "load training rows");
  if (!r.ok()) return r.status();
  std::vector<TrainingRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    TrainingRow t;
    t.model = model;
    t.row_id = r->text(i, 0);
    t.case_id = r->text(i, 1);
    t.registered_at = r->integer(i, 2);
    t.at = r->integer(i, 3);
    t.label = static_cast<int>(r->integer(i, 4));
    const std::string blob = r->bytes(i, 5);
    t.features.resize(blob.size() / sizeof(double));
    std::memcpy(t.features.data(), blob.data(), t.features.size() * sizeof(double));
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<ModelFitRow>> PostgresAlertStore::listModelFits(const std::string& model,
                                                                           size_t limit,
                                                                           bool accepted_only) {
  auto r = read(
      "SELECT id, model, at, rows, auc, calibration_error, accepted, reason, json FROM "
      "model_fits WHERE model = $1 AND (NOT $2::boolean OR accepted) ORDER BY id DESC LIMIT $3",
      PgParams().text(model).boolean(accepted_only).optionalInteger(static_cast<int64_t>(limit)),
      "list model fits");
  if (!r.ok()) return r.status();
  std::vector<ModelFitRow> out;
  for (int i = 0; i < r->rows(); ++i) {
    ModelFitRow f;
    f.id = r->integer(i, 0);
    f.model = r->text(i, 1);
    f.at = parseRfc3339(r->text(i, 2)).value_or(0);
    f.rows = r->integer(i, 3);
    f.auc = r->null(i, 4) ? std::nan("") : r->number(i, 4);
    f.calibration_error = r->null(i, 5) ? 0 : r->number(i, 5);
    f.accepted = r->boolean(i, 6);
    f.reason = r->text(i, 7);
    f.json = r->text(i, 8);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace casewatch
