// The write side of the alert store: writes are queued from any thread and applied by the store's
// own thread, everything queued in one transaction, retried a few times before it is given up on.
#include "daemon/store/sqlite_alert_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "daemon/store/sqlite_connection.h"

namespace casewatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kCommitAttempts = 3;
// How long a flush() (a stop) waits for a full disk to take the writes kept for it.
constexpr auto kFlushGrace = std::chrono::seconds(5);

// RFC 3339 in UTC with milliseconds, e.g. 2026-03-04T01:15:00.250Z (sorts as text).
std::string formatTimeMs(TimeMs t) {
  std::string s = formatRfc3339(t, 0);  // ends in 'Z'
  const int64_t ms = ((t % 1000) + 1000) % 1000;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  s.insert(s.size() - 1, frac);
  return s;
}

}  // namespace

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

void SqliteAlertStore::enqueue(Op op) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      ++enqueued_;
      stats_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
      work_cv_.notify_one();
      return;
    }
  }
  // After close(): nothing will write it.
  stats_.writes_dropped.fetch_add(1, std::memory_order_relaxed);
  log_->warn("store: a write after close was dropped");
  if (auto* a = std::get_if<AlertsOp>(&op); a && a->on_committed) {
    a->on_committed(absl::FailedPreconditionError("store: closed"));
  }
}

void SqliteAlertStore::addDeadLetters(std::vector<DeadLetter> letters) {
  if (letters.empty()) return;
  enqueue(DeadLettersOp{std::move(letters)});
}

void SqliteAlertStore::recordAlertChanges(std::vector<AlertRecord> changes,
                                          CommitCallback on_committed) {
  enqueue(AlertsOp{std::move(changes), std::move(on_committed), /*durable=*/false, std::nullopt});
}

void SqliteAlertStore::recordOperatorAction(std::vector<AlertRecord> changes,
                                            std::optional<NamedSnapshot> state,
                                            CommitCallback on_committed) {
  AlertsOp op{std::move(changes), std::move(on_committed), /*durable=*/true, std::nullopt};
  if (state) op.snapshot = SnapshotOp{std::move(state->name), state->at, std::move(state->data)};
  enqueue(std::move(op));
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

void SqliteAlertStore::putSnapshot(std::string name, TimeMs at, std::string data) {
  enqueue(SnapshotOp{std::move(name), at, std::move(data)});
}

void SqliteAlertStore::addTrainingRows(std::vector<TrainingRow> rows) {
  if (rows.empty()) return;
  enqueue(TrainingRowsOp{std::move(rows)});
}

void SqliteAlertStore::recordModelFit(ModelFitRow fit) {
  enqueue(ModelFitOp{std::move(fit)});
}

void SqliteAlertStore::purge(StorePurge what, PurgeCallback done) {
  enqueue(PurgeOp{std::move(what), std::move(done), {}});
}

void SqliteAlertStore::flush() {
  std::unique_lock lk(mu_);
  const uint64_t target = enqueued_;
  ++flushers_;
  done_cv_.wait(lk, [&] { return done_ >= target || closed_; });
  --flushers_;
}

void SqliteAlertStore::writerLoop() {
  std::vector<Op> ops;
  for (;;) {
    uint64_t through = 0;
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and everything queued is done
      while (!queue_.empty()) {
        ops.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      through = enqueued_;
      stats_.queue_depth.store(0, std::memory_order_relaxed);
    }

    absl::Status status;
    for (int attempt = 1; attempt <= kCommitAttempts; ++attempt) {
      const auto t0 = SteadyClock::now();
      uint64_t dead_letter_delta = 0;
      status = applyAll(ops, dead_letter_delta);
      if (status.ok()) {
        stats_.commits.fetch_add(1, std::memory_order_relaxed);
        stats_.last_commit_seconds.store(
            std::chrono::duration<double>(SteadyClock::now() - t0).count(),
            std::memory_order_relaxed);
        dead_letter_count_.fetch_add(dead_letter_delta, std::memory_order_relaxed);
        break;
      }
      stats_.commit_errors.fetch_add(1, std::memory_order_relaxed);
      log_->error("store: commit failed (attempt {} of {}): {}", attempt, kCommitAttempts,
                  std::string(status.message()));
      if (attempt < kCommitAttempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100) * attempt);
      }
    }
    if (status.code() == absl::StatusCode::kResourceExhausted &&
        waitOutFullDisk(ops, status, through)) {
      status = absl::OkStatus();
    }
    if (!status.ok()) {
      stats_.writes_dropped.fetch_add(ops.size(), std::memory_order_relaxed);
      log_->error("store: dropped {} queued writes", ops.size());
    }
    // Callbacks only after COMMIT (or the final failure), and before flush() returns.
    for (Op& op : ops) {
      if (auto* a = std::get_if<AlertsOp>(&op); a && a->on_committed) a->on_committed(status);
      if (auto* p = std::get_if<PurgeOp>(&op); p && p->done) {
        p->done(status, status.ok() ? p->counts : StorePurgeCounts{});
      }
    }
    ops.clear();
    bool health_changed = false;
    {
      std::lock_guard lk(mu_);
      done_ = through;
      health_changed = last_failure_.ok() != status.ok();
      last_failure_ = status;
    }
    done_cv_.notify_all();
    if (health_changed && on_health_change_) on_health_change_();
  }
}

bool SqliteAlertStore::waitOutFullDisk(std::vector<Op>& ops, absl::Status& status,
                                       uint64_t& through) {
  // Nothing is dropped for a full disk: the writes are kept and tried again until the disk has
  // room (health() says so meanwhile, and the App stops taking events, so that what waits stays
  // small). A duty officer's action is answered with the error at once (the API says 503) rather
  // than left waiting; writes queued meanwhile join the ones kept. Only close(), or a flush()
  // that has waited kFlushGrace (a stop), ends the wait: then they are dropped as before.
  auto backoff = std::chrono::milliseconds(200);
  std::optional<SteadyClock::time_point> flush_seen;
  for (;;) {
    const auto answer = [&](std::vector<Op>& from) {
      std::erase_if(from, [&](Op& op) {
        auto* a = std::get_if<AlertsOp>(&op);
        if (a == nullptr || !a->durable) return false;
        if (a->on_committed) a->on_committed(status);
        stats_.writes_dropped.fetch_add(1, std::memory_order_relaxed);
        return true;
      });
    };
    answer(ops);
    {
      std::lock_guard lk(mu_);
      if (stopping_) return false;
      if (flushers_ > 0 && !flush_seen) flush_seen = SteadyClock::now();
      if (flush_seen && SteadyClock::now() - *flush_seen > kFlushGrace) return false;
      const bool changed = last_failure_.ok();
      last_failure_ = status;
      if (changed && on_health_change_) on_health_change_();
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    {
      std::lock_guard lk(mu_);
      while (!queue_.empty()) {
        ops.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      through = enqueued_;
      stats_.queue_depth.store(0, std::memory_order_relaxed);
    }
    answer(ops);
    uint64_t dead_letter_delta = 0;
    status = applyAll(ops, dead_letter_delta);
    if (status.ok()) {
      stats_.commits.fetch_add(1, std::memory_order_relaxed);
      dead_letter_count_.fetch_add(dead_letter_delta, std::memory_order_relaxed);
      log_->warn("store: writes recovered; {} kept writes committed", ops.size());
      return true;
    }
    stats_.commit_errors.fetch_add(1, std::memory_order_relaxed);
    if (status.code() != absl::StatusCode::kResourceExhausted) return false;
  }
}

absl::Status SqliteAlertStore::applyAll(std::vector<Op>& ops, uint64_t& dead_letter_delta) {
  SqliteConnection& w = *writer_db_;
  // An operator's action waits for this commit before its answer: its batch syncs the WAL at
  // COMMIT (FULL); the bulk of model-driven changes stays NORMAL (durable at the checkpoint).
  const bool full = std::any_of(ops.begin(), ops.end(), [](const Op& op) {
    const auto* a = std::get_if<AlertsOp>(&op);
    return a != nullptr && a->durable;
  });
  if (auto s = setSynchronous(full); !s.ok()) return s;
  if (auto s = w.run(w.begin, "begin"); !s.ok()) return s;
  absl::Status status;
  uint64_t added = 0;
  uint64_t purged = 0;  // dead letters deleted by a retention purge
  for (Op& op : ops) {
    status = std::visit(
        [&](auto& o) {
          if constexpr (std::is_same_v<std::decay_t<decltype(o)>, DeadLettersOp>) {
            return apply(o, added);
          } else if constexpr (std::is_same_v<std::decay_t<decltype(o)>, PurgeOp>) {
            o.counts = {};  // a retried transaction counts again
            return apply(o, purged);
          } else {
            return apply(o);
          }
        },
        op);
    if (!status.ok()) break;
  }
  int64_t trimmed = 0;
  if (status.ok() && added > 0 && options_.max_dead_letters > 0 &&
      dead_letter_count_.load(std::memory_order_relaxed) + added - purged >
          options_.max_dead_letters) {
    sqlite3_bind_int64(w.trim_dead_letters, 1, static_cast<int64_t>(options_.max_dead_letters));
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
    const std::string at = formatTimeMs(d.received_at);
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

absl::Status SqliteAlertStore::apply(AlertsOp& op) {
  SqliteConnection& w = *writer_db_;
  for (const AlertRecord& a : op.changes) {
    sqlite3_stmt* s = w.upsert_alert;
    int i = 1;
    for (const std::string* v :
         {&a.alert_id, &a.model, &a.status, &a.tier, &a.subject_kind, &a.subject_id, &a.region,
          &a.agency, &a.starts_at, &a.updated_at, &a.json}) {
      bindText(s, i++, *v);
    }
    if (auto st = w.run(s, "upsert alert"); !st.ok()) return st;

    s = w.insert_history;
    const std::string at = formatTimeMs(a.at);
    i = 1;
    for (const std::string* v :
         {&a.alert_id, &at, &a.actor, &a.action, &a.status, &a.tier, &a.note, &a.json}) {
      bindText(s, i++, *v);
    }
    if (auto st = w.run(s, "insert alert history"); !st.ok()) return st;
  }
  if (op.snapshot) return apply(*op.snapshot);
  return absl::OkStatus();
}

absl::Status SqliteAlertStore::apply(SnapshotOp& op) {
  SqliteConnection& w = *writer_db_;
  const std::string at = formatTimeMs(op.at);
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
  const std::string at = formatTimeMs(f.at);
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

absl::Status SqliteAlertStore::health() const {
  std::lock_guard lk(mu_);
  if (closed_ || stopping_) return absl::FailedPreconditionError("store: closed");
  if (!last_failure_.ok()) {
    std::string why = "store: writes are failing: " + std::string(last_failure_.message());
    return last_failure_.code() == absl::StatusCode::kResourceExhausted
               ? absl::ResourceExhaustedError(std::move(why))
               : absl::UnavailableError(std::move(why));
  }
  return absl::OkStatus();
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
  const StorePurge& p = op.what;
  for (const std::string& id : p.case_ids) {
    auto st = run(
        "DELETE FROM training_rows WHERE case_id = ?1",
        [&](sqlite3_stmt* s) { bindText(s, 1, id); }, op.counts.training_rows);
    if (!st.ok()) return st;
  }
  if (p.resolved_before > 0) {
    // An alert's last change is its latest history row (written in UTC with milliseconds, so
    // that the text sorts as the time).
    const std::string before = formatTimeMs(p.resolved_before);
    uint64_t ignored = 0;
    auto st = run(
        "CREATE TEMP TABLE IF NOT EXISTS retention_alerts(alert_id TEXT PRIMARY KEY)",
        [](sqlite3_stmt*) {}, ignored);
    if (st.ok())
      st = run(
          "DELETE FROM temp.retention_alerts", [](sqlite3_stmt*) {}, ignored);
    if (st.ok()) {
      st = run(
          "INSERT INTO temp.retention_alerts SELECT a.alert_id FROM alerts a "
          "WHERE a.status = 'resolved' AND coalesce((SELECT max(h.at) FROM alert_history h "
          "WHERE h.alert_id = a.alert_id), '') < ?1",
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
    const std::string before = formatTimeMs(p.dead_letters_before);
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
