// The write side of the SQLite alert store: one transaction for each batch the store thread
// (queued_alert_store.cc) hands over.
#include "daemon/store/sqlite_alert_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "daemon/store/sqlite_connection.h"
#include "daemon/store/store_time.h"

namespace casewatch {

absl::Status SqliteAlertStore::prepareWrites() {
  SqliteConnection& w = *writer_db_;
  for (auto [stmt, sql] : std::initializer_list<std::pair<sqlite3_stmt**, std::string_view>>{
           {&w.begin, "BEGIN IMMEDIATE"},
           {&w.commit, "COMMIT"},
           {&w.rollback, "ROLLBACK"},
           {&w.insert_dead_letter,
            "INSERT INTO dead_letters(received_at, feed, reason, detail, raw_size, raw) "
            "VALUES(?, ?, ?, ?, ?, ?)"},
           // Ids only grow and only the oldest rows are deleted, so ids are contiguous.
           {&w.trim_dead_letters,
            "DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters) - ?"},
           {&w.upsert_alert,
            "INSERT INTO alerts(alert_id, model, status, tier, subject_kind, subject_id, region, "
            "agency, starts_at, updated_at, json) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(alert_id) DO UPDATE SET model=excluded.model, status=excluded.status, "
            "tier=excluded.tier, subject_kind=excluded.subject_kind, "
            "subject_id=excluded.subject_id, region=excluded.region, agency=excluded.agency, "
            "starts_at=excluded.starts_at, updated_at=excluded.updated_at, json=excluded.json"},
           {&w.insert_history,
            "INSERT INTO alert_history(alert_id, at, actor, action, status, tier, note, json) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?)"},
           {&w.upsert_snapshot,
            "INSERT INTO snapshots(name, taken_at, data) VALUES(?, ?, ?) ON CONFLICT(name) DO "
            "UPDATE SET taken_at=excluded.taken_at, data=excluded.data"},
           {&w.upsert_training_row,
            "INSERT OR REPLACE INTO training_rows(model, row_id, case_id, registered_at, at, "
            "label, features) VALUES(?, ?, ?, ?, ?, ?, ?)"},
           {&w.insert_model_fit,
            "INSERT INTO model_fits(model, at, rows, auc, calibration_error, accepted, reason, "
            "json) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"},
       }) {
    if (auto s = w.prepare(*stmt, sql); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::setSynchronous(bool full) {
  if (full == synchronous_full_) return absl::OkStatus();
  SqliteConnection& w = *writer_db_;
  if (auto s = w.exec(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !s.ok()) {
    return s;
  }
  synchronous_full_ = full;
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::applyBatch(std::vector<Op>& ops, uint64_t& dead_letter_delta) {
  SqliteConnection& w = *writer_db_;
  // An operator's action waits for this commit before its answer: its batch syncs the WAL at
  // COMMIT (FULL); the bulk of model-driven changes stays NORMAL (durable at the checkpoint).
  const bool full = holdsOperatorAction(ops);
  if (auto s = setSynchronous(full); !s.ok()) return s;
  if (auto s = w.run(w.begin, "begin"); !s.ok()) return s;
  absl::Status status;
  uint64_t added = 0;
  uint64_t purged = 0;  // dead letters deleted by a retention purge
  markSuperseded(ops);
  status = applyEach(ops, added, purged);
  superseded_.clear();
  int64_t trimmed = 0;
  if (status.ok() && added > 0 && max_dead_letters_ > 0 &&
      deadLetterCount() + added - purged > max_dead_letters_) {
    sqlite3_bind_int64(w.trim_dead_letters, 1, static_cast<int64_t>(max_dead_letters_));
    status = w.run(w.trim_dead_letters, "trim dead letters");
    if (status.ok()) trimmed = sqlite3_changes(w.db);
  }
  if (status.ok()) status = w.run(w.commit, "commit");
  if (!status.ok()) {
    (void)w.run(w.rollback, "rollback");
    return status;
  }
  if (trimmed > 0) {
    stats_.dead_letters_trimmed.fetch_add(static_cast<uint64_t>(trimmed),
                                          std::memory_order_relaxed);
  }
  // The count only ever moves by what committed; `added - trimmed` can be negative.
  dead_letter_delta = added - static_cast<uint64_t>(trimmed) - purged;
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::apply(DeadLettersOp& op, uint64_t& added) {
  SqliteConnection& w = *writer_db_;
  sqlite3_stmt* s = w.insert_dead_letter;
  for (const DeadLetter& d : op.letters) {
    const std::string at = formatStoreTime(d.received_at);
    bindText(s, 1, at);
    bindText(s, 2, d.feed);
    bindText(s, 3, d.reason);
    bindText(s, 4, d.detail);
    sqlite3_bind_int64(s, 5, static_cast<int64_t>(d.raw_size));
    bindBlob(s, 6, d.raw);
    if (auto st = w.run(s, "insert dead letter"); !st.ok()) return st;
    ++added;
  }
  return absl::OkStatus();
}

void SqliteAlertStore::markSuperseded(const std::vector<Op>& ops) {
  // Latest first: a change is superseded when a later one of the batch names the same alert.
  superseded_.clear();
  absl::flat_hash_set<std::string_view> later;
  for (auto op = ops.rbegin(); op != ops.rend(); ++op) {
    const auto* a = std::get_if<AlertsOp>(&*op);
    if (a == nullptr) continue;
    for (auto c = a->changes.rbegin(); c != a->changes.rend(); ++c) {
      if (!later.insert(c->alert_id).second) superseded_.insert(&*c);
    }
  }
}

absl::Status SqliteAlertStore::apply(AlertsOp& op) {
  SqliteConnection& w = *writer_db_;
  for (const AlertRecord& a : op.changes) {
    sqlite3_stmt* s = w.upsert_alert;
    if (!superseded_.contains(&a)) {
      int i = 1;
      for (const std::string* v :
           {&a.alert_id, &a.model, &a.status, &a.tier, &a.subject_kind, &a.subject_id, &a.region,
            &a.agency, &a.starts_at, &a.updated_at, &a.json}) {
        bindText(s, i++, *v);
      }
      if (auto st = w.run(s, "upsert alert"); !st.ok()) return st;
    }

    s = w.insert_history;
    const std::string at = formatStoreTime(a.at);
    int i = 1;
    for (const std::string* v :
         {&a.alert_id, &at, &a.actor, &a.action, &a.status, &a.tier, &a.note, &historyJson(a)}) {
      bindText(s, i++, *v);
    }
    if (auto st = w.run(s, "insert alert history"); !st.ok()) return st;
  }
  if (op.snapshot) return apply(*op.snapshot);
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::apply(SnapshotOp& op) {
  SqliteConnection& w = *writer_db_;
  const std::string at = formatStoreTime(op.at);
  bindText(w.upsert_snapshot, 1, op.name);
  bindText(w.upsert_snapshot, 2, at);
  bindBlob(w.upsert_snapshot, 3, op.data);
  return w.run(w.upsert_snapshot, "put snapshot");
}

absl::Status SqliteAlertStore::apply(TrainingRowsOp& op) {
  SqliteConnection& w = *writer_db_;
  sqlite3_stmt* s = w.upsert_training_row;
  std::string blob;
  for (const TrainingRow& r : op.rows) {
    static_assert(std::endian::native == std::endian::little, "features are stored little-endian");
    blob.assign(reinterpret_cast<const char*>(r.features.data()),
                r.features.size() * sizeof(double));
    bindText(s, 1, r.model);
    bindText(s, 2, r.row_id);
    bindText(s, 3, r.case_id);
    sqlite3_bind_int64(s, 4, r.registered_at);
    sqlite3_bind_int64(s, 5, r.at);
    sqlite3_bind_int(s, 6, r.label);
    bindBlob(s, 7, blob);
    if (auto st = w.run(s, "upsert training row"); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::apply(ModelFitOp& op) {
  SqliteConnection& w = *writer_db_;
  sqlite3_stmt* s = w.insert_model_fit;
  const ModelFitRow& f = op.fit;
  const std::string at = formatStoreTime(f.at);
  bindText(s, 1, f.model);
  bindText(s, 2, at);
  sqlite3_bind_int64(s, 3, f.rows);
  if (std::isnan(f.auc)) {
    sqlite3_bind_null(s, 4);
  } else {
    sqlite3_bind_double(s, 4, f.auc);
  }
  sqlite3_bind_double(s, 5, f.calibration_error);
  sqlite3_bind_int(s, 6, f.accepted ? 1 : 0);
  bindText(s, 7, f.reason);
  bindText(s, 8, f.json);
  return w.run(s, "insert model fit");
}

}  // namespace casewatch

namespace casewatch {

absl::Status SqliteAlertStore::apply(PurgeOp& op, uint64_t& dead_letters_deleted) {
  // Once a day: the statements are prepared here rather than kept.
  SqliteConnection& w = *writer_db_;
  auto run = [&](std::string_view sql, auto bind, uint64_t& count) -> absl::Status {
    sqlite3_stmt* s = nullptr;
    if (auto st = w.prepare(s, sql); !st.ok()) return st;
    bind(s);
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return w.error("retention purge");
    count += static_cast<uint64_t>(sqlite3_changes(w.db));
    return absl::OkStatus();
  };
  // An empty temporary table of one text key: the rows a purge goes through by that key.
  auto emptyKeyTable = [&](const std::string& table, const std::string& key) -> absl::Status {
    uint64_t ignored = 0;
    auto none = [](sqlite3_stmt*) {};
    auto st = run("CREATE TEMP TABLE IF NOT EXISTS " + table + "(" + key + " TEXT PRIMARY KEY)",
                  none, ignored);
    return st.ok() ? run("DELETE FROM temp." + table, none, ignored) : st;
  };
  const StorePurge& p = op.what;
  if (!p.case_ids.empty()) {
    // training_rows is keyed by time, not by case (alert_store_schema.cc, version 5): the purged
    // cases go into a temporary table and one pass over the rows deletes theirs.
    auto st = emptyKeyTable("retention_cases", "case_id");
    if (st.ok()) {
      sqlite3_stmt* insert = nullptr;
      st = w.prepare(insert, "INSERT OR IGNORE INTO temp.retention_cases(case_id) VALUES(?1)");
      for (size_t k = 0; st.ok() && k < p.case_ids.size(); ++k) {
        bindText(insert, 1, p.case_ids[k]);
        if (sqlite3_step(insert) != SQLITE_DONE) st = w.error("retention purge");
        sqlite3_reset(insert);
      }
      sqlite3_finalize(insert);
    }
    if (st.ok()) {
      st = run(
          "DELETE FROM training_rows WHERE case_id IN (SELECT case_id FROM "
          "temp.retention_cases)",
          [](sqlite3_stmt*) {}, op.counts.training_rows);
    }
    if (!st.ok()) return st;
  }
  if (p.resolved_before > 0) {
    // An alert's last change is its latest history row (written in UTC with milliseconds, so
    // that the text sorts as the time), found through alert_history_alert (alert_id, id): one
    // index probe and one row per resolved alert. max(h.at) read every history row of every
    // resolved alert, 18-20 s at a million cases (bench/run --only restart), with the store's
    // writer, and so intake, standing still meanwhile.
    const std::string before = formatStoreTime(p.resolved_before);
    uint64_t ignored = 0;
    auto st = emptyKeyTable("retention_alerts", "alert_id");
    if (st.ok()) {
      st = run(
          "INSERT INTO temp.retention_alerts SELECT a.alert_id FROM alerts a "
          "WHERE a.status = 'resolved' AND coalesce((SELECT h.at FROM alert_history h "
          "WHERE h.alert_id = a.alert_id ORDER BY h.id DESC LIMIT 1), '') < ?1",
          [&](sqlite3_stmt* s) { bindText(s, 1, before); }, ignored);
    }
    if (st.ok()) {
      st = run(
          "DELETE FROM alert_history WHERE alert_id IN (SELECT alert_id FROM "
          "temp.retention_alerts)",
          [](sqlite3_stmt*) {}, op.counts.alert_history);
    }
    if (st.ok()) {
      st = run(
          "DELETE FROM alerts WHERE alert_id IN (SELECT alert_id FROM temp.retention_alerts)",
          [](sqlite3_stmt*) {}, op.counts.alerts);
    }
    if (!st.ok()) return st;
  }
  if (p.dead_letters_before > 0) {
    // Up to the newest expired id, so that the ids left stay contiguous (trim_dead_letters).
    const std::string before = formatStoreTime(p.dead_letters_before);
    auto st = run(
        "DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters WHERE "
        "received_at < ?1)",
        [&](sqlite3_stmt* s) { bindText(s, 1, before); }, op.counts.dead_letters);
    if (!st.ok()) return st;
  }
  dead_letters_deleted += op.counts.dead_letters;
  return absl::OkStatus();
}

}  // namespace casewatch
