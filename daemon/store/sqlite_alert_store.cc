#include "daemon/journal/store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace casewatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

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
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

constexpr int kCommitAttempts = 3;

// RFC 3339 in UTC with milliseconds, e.g. 2026-03-04T01:15:00.250Z (sorts as text).
std::string formatTimeMs(TimeMs t) {
  std::string s = formatRfc3339(t, 0);  // ends in 'Z'
  const int64_t ms = ((t % 1000) + 1000) % 1000;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  s.insert(s.size() - 1, frac);
  return s;
}

std::string columnText(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, col))) : std::string();
}
std::string columnBlob(sqlite3_stmt* s, int col) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, col))) : std::string();
}

}  // namespace

// A connection with its prepared statements, prepared once and reused (reset after each use).
struct Store::Connection {
  sqlite3* db = nullptr;
  // Writes.
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;
  sqlite3_stmt* insert_dead_letter = nullptr;
  sqlite3_stmt* trim_dead_letters = nullptr;
  sqlite3_stmt* upsert_alert = nullptr;
  sqlite3_stmt* insert_history = nullptr;
  sqlite3_stmt* upsert_snapshot = nullptr;
  // Reads.
  sqlite3_stmt* list_dead_letters = nullptr;
  sqlite3_stmt* load_alerts = nullptr;
  sqlite3_stmt* alert_history = nullptr;
  sqlite3_stmt* get_snapshot = nullptr;

  ~Connection() {
    for (sqlite3_stmt* s : {begin, commit, rollback, insert_dead_letter, trim_dead_letters,
                            upsert_alert, insert_history, upsert_snapshot, list_dead_letters,
                            load_alerts, alert_history, get_snapshot}) {
      sqlite3_finalize(s);
    }
    sqlite3_close_v2(db);
  }

  absl::Status error(std::string_view what) const {
    return absl::InternalError("store: " + std::string(what) + ": " + sqlite3_errmsg(db));
  }
  absl::Status open(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      return absl::InternalError("store: cannot open " + path + ": " +
                                 (db ? sqlite3_errmsg(db) : "out of memory"));
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    return absl::OkStatus();
  }
  absl::Status exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      absl::Status s = absl::InternalError("store: " + std::string(msg ? msg : "error") +
                                           " in: " + sql.substr(0, 80));
      sqlite3_free(msg);
      return s;
    }
    return absl::OkStatus();
  }
  absl::Status prepare(sqlite3_stmt*& out, std::string_view sql) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &out, nullptr) != SQLITE_OK) {
      return error("prepare " + std::string(sql.substr(0, 60)));
    }
    return absl::OkStatus();
  }
  // Runs a statement to completion (bindings already set) and resets it.
  absl::Status run(sqlite3_stmt* s, std::string_view what) {
    const int rc = sqlite3_step(s);
    absl::Status status = rc == SQLITE_DONE ? absl::OkStatus() : error(what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return status;
  }
};

namespace {

// Resets a statement when a read leaves scope, whatever the path out.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* s) : s_(s) {}
  ~ResetOnExit() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* s_;
};

// Text parameters are bound without copying: each op outlives the statement's step and reset.
void bindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void bindBlob(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
// An empty filter field binds NULL, which the query reads as "any".
void bindOptionalText(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty()) {
    sqlite3_bind_null(s, i);
  } else {
    bindText(s, i, v);
  }
}

}  // namespace

DeadLetter deadLetterFromRejection(const std::string& feed, Rejection rejection) {
  DeadLetter d;
  d.received_at = rejection.received_at;
  d.feed = feed;
  d.reason = std::string(rejectReasonName(rejection.reason));
  d.detail = std::move(rejection.detail);
  d.raw_size = rejection.raw_size;
  d.raw = std::move(rejection.raw);
  return d;
}

Store::Store(std::string db_path, StoreOptions options)
    : db_path_(std::move(db_path)),
      options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()) {}

Store::~Store() {
  close();
}

absl::StatusOr<std::unique_ptr<Store>> Store::open(const std::string& data_dir,
                                                   StoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return absl::InternalError("store: cannot create " + data_dir + ": " + ec.message());
  std::unique_ptr<Store> store(new Store(data_dir + "/casewatch.db", std::move(options)));
  if (absl::Status s = store->init(); !s.ok()) return s;
  store->thread_ = std::thread([p = store.get()] { p->writerLoop(); });
  return store;
}

absl::Status Store::init() {
  writer_db_ = std::make_unique<Connection>();
  Connection& w = *writer_db_;
  if (auto s = w.open(db_path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
      !s.ok()) {
    return s;
  }
  // WAL: readers never block the writer and the reverse. synchronous=NORMAL: a commit is durable
  // at the next checkpoint; a power loss can lose the last commits but never corrupts the file.
  {
    sqlite3_stmt* s = nullptr;
    if (auto st = w.prepare(s, "PRAGMA journal_mode=WAL"); !st.ok()) return st;
    std::string mode;
    if (sqlite3_step(s) == SQLITE_ROW) mode = columnText(s, 0);
    sqlite3_finalize(s);
    if (mode != "wal") return absl::InternalError("store: cannot turn on WAL (got " + mode + ")");
  }
  if (auto s = w.exec("PRAGMA synchronous=NORMAL"); !s.ok()) return s;

  // Migrations. A missing meta table means a new database (version 0).
  int version = 0;
  {
    sqlite3_stmt* s = nullptr;
    if (auto st = w.prepare(s,
                            "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                            "name='meta'");
        !st.ok()) {
      return st;
    }
    const bool has_meta = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
    sqlite3_finalize(s);
    if (has_meta) {
      if (auto st = w.prepare(s, "SELECT value FROM meta WHERE key='schema_version'"); !st.ok()) {
        return st;
      }
      if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
      sqlite3_finalize(s);
    }
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError("store: " + db_path_ + " has schema version " +
                                         std::to_string(version) + ", newer than this casewatch (" +
                                         std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    absl::Status s = w.exec("BEGIN IMMEDIATE");
    if (s.ok()) s = w.exec(std::string(kMigrations[v]));
    if (s.ok()) {
      s = w.exec("INSERT INTO meta(key, value) VALUES('schema_version', '" + std::to_string(v + 1) +
                 "') ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    }
    if (s.ok()) s = w.exec("COMMIT");
    if (!s.ok()) {
      (void)w.exec("ROLLBACK");
      return absl::InternalError("store: migration to schema version " + std::to_string(v + 1) +
                                 " failed: " + std::string(s.message()));
    }
    log_->info("store: {} migrated to schema version {}", db_path_, v + 1);
  }

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
       }) {
    if (auto s = w.prepare(*stmt, sql); !s.ok()) return s;
  }

  reader_db_ = std::make_unique<Connection>();
  Connection& r = *reader_db_;
  if (auto s = r.open(db_path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX); !s.ok()) return s;
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
           {&r.alert_history,
            "SELECT alert_id, at, actor, action, status, tier, note, json FROM alert_history "
            "WHERE alert_id = ? ORDER BY id"},
           {&r.get_snapshot, "SELECT data FROM snapshots WHERE name = ?"},
       }) {
    if (auto s = r.prepare(*stmt, sql); !s.ok()) return s;
  }

  {
    sqlite3_stmt* s = nullptr;
    if (auto st = w.prepare(s, "SELECT count(*) FROM dead_letters"); !st.ok()) return st;
    if (sqlite3_step(s) == SQLITE_ROW) {
      dead_letter_count_.store(static_cast<uint64_t>(sqlite3_column_int64(s, 0)));
    }
    sqlite3_finalize(s);
  }
  return absl::OkStatus();
}

void Store::enqueue(Op op) {
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

void Store::addDeadLetters(std::vector<DeadLetter> letters) {
  if (letters.empty()) return;
  enqueue(DeadLettersOp{std::move(letters)});
}

void Store::recordAlertChanges(std::vector<AlertRecord> changes, CommitCallback on_committed) {
  enqueue(AlertsOp{std::move(changes), std::move(on_committed)});
}

void Store::putSnapshot(std::string name, TimeMs at, std::string data) {
  enqueue(SnapshotOp{std::move(name), at, std::move(data)});
}

void Store::flush() {
  std::unique_lock lk(mu_);
  const uint64_t target = enqueued_;
  done_cv_.wait(lk, [&] { return done_ >= target || closed_; });
}

void Store::close() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard rl(read_mu_);
    reader_db_.reset();
  }
  writer_db_.reset();  // the last connection to close checkpoints the WAL
  {
    std::lock_guard lk(mu_);
    closed_ = true;
  }
  done_cv_.notify_all();
}

void Store::writerLoop() {
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
    if (!status.ok()) {
      stats_.writes_dropped.fetch_add(ops.size(), std::memory_order_relaxed);
      log_->error("store: dropped {} queued writes", ops.size());
    }
    // Callbacks only after COMMIT (or the final failure), and before flush() returns.
    for (Op& op : ops) {
      if (auto* a = std::get_if<AlertsOp>(&op); a && a->on_committed) a->on_committed(status);
    }
    ops.clear();
    {
      std::lock_guard lk(mu_);
      done_ = through;
    }
    done_cv_.notify_all();
  }
}

absl::Status Store::applyAll(std::vector<Op>& ops, uint64_t& dead_letter_delta) {
  Connection& w = *writer_db_;
  if (auto s = w.run(w.begin, "begin"); !s.ok()) return s;
  absl::Status status;
  uint64_t added = 0;
  for (Op& op : ops) {
    status = std::visit(
        [&](auto& o) {
          if constexpr (std::is_same_v<std::decay_t<decltype(o)>, DeadLettersOp>) {
            return apply(o, added);
          } else {
            return apply(o);
          }
        },
        op);
    if (!status.ok()) break;
  }
  int64_t trimmed = 0;
  if (status.ok() && added > 0 && options_.max_dead_letters > 0 &&
      dead_letter_count_.load(std::memory_order_relaxed) + added > options_.max_dead_letters) {
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
  dead_letter_delta = added - static_cast<uint64_t>(trimmed);
  return absl::OkStatus();
}

absl::Status Store::apply(DeadLettersOp& op, uint64_t& added) {
  Connection& w = *writer_db_;
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

absl::Status Store::apply(AlertsOp& op) {
  Connection& w = *writer_db_;
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
  return absl::OkStatus();
}

absl::Status Store::apply(SnapshotOp& op) {
  Connection& w = *writer_db_;
  const std::string at = formatTimeMs(op.at);
  bindText(w.upsert_snapshot, 1, op.name);
  bindText(w.upsert_snapshot, 2, at);
  bindBlob(w.upsert_snapshot, 3, op.data);
  return w.run(w.upsert_snapshot, "put snapshot");
}

absl::StatusOr<std::vector<DeadLetter>> Store::listDeadLetters(size_t limit) {
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

absl::StatusOr<std::vector<AlertRecord>> Store::loadActiveAlerts() {
  AlertFilter f;
  f.active_only = true;
  return loadAlerts(f);
}

absl::StatusOr<std::vector<AlertRecord>> Store::loadAlerts(const AlertFilter& filter) {
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

absl::StatusOr<std::vector<AlertRecord>> Store::alertHistory(const std::string& alert_id) {
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

absl::StatusOr<std::optional<std::string>> Store::getSnapshot(const std::string& name) {
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

}  // namespace casewatch
