#include "daemon/store/sqlite_alert_store.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "daemon/store/alert_store_schema.h"
#include "daemon/store/sqlite_connection.h"

namespace casewatch {

SqliteAlertStore::SqliteAlertStore(std::string db_path, SqliteAlertStoreOptions options)
    : QueuedAlertStore(options.max_dead_letters, options.logger),
      db_path_(std::move(db_path)),
      options_(std::move(options)) {}

SqliteAlertStore::~SqliteAlertStore() {
  close();
}

absl::StatusOr<std::unique_ptr<SqliteAlertStore>> SqliteAlertStore::open(
    const std::string& data_dir, SqliteAlertStoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return absl::InternalError("store: cannot create " + data_dir + ": " + ec.message());
  std::unique_ptr<SqliteAlertStore> store(
      new SqliteAlertStore(data_dir + "/casewatch.db", std::move(options)));
  uint64_t dead_letters = 0;
  if (absl::Status s = store->init(dead_letters); !s.ok()) return s;
  store->startWriter(dead_letters);
  return store;
}

absl::Status SqliteAlertStore::init(uint64_t& dead_letters_stored) {
  writer_db_ = std::make_unique<SqliteConnection>();
  SqliteConnection& w = *writer_db_;
  if (auto s = w.open(db_path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      options_.busy_timeout_ms);
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
  // The writer's page cache, 64 MiB (SQLite's default is 2 MiB), and a checkpoint every 64 MiB of
  // WAL (default 4 MiB). With the defaults, a full-speed ingest's alert changes kept evicting and
  // re-reading the history's index pages (pread and cache spills: 40% of the store thread, perf)
  // and checkpointed the same hot pages over and over (25%). Memory: up to 64 MiB, as used.
  if (auto s = w.exec("PRAGMA cache_size=-65536"); !s.ok()) return s;
  if (auto s = w.exec("PRAGMA wal_autocheckpoint=16384"); !s.ok()) return s;
  // secure_delete: a deleted or overwritten row's bytes are zeroed, not left in free pages (dead
  // letters trimmed, and those rewritten by migration 2, must not linger in the file).
  if (auto s = w.exec("PRAGMA secure_delete=ON"); !s.ok()) return s;

  if (auto s = migrateAlertStore(w, db_path_, *log_); !s.ok()) return s;
  if (auto s = prepareWrites(); !s.ok()) return s;

  reader_db_ = std::make_unique<SqliteConnection>();
  if (auto s = reader_db_->open(db_path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                options_.busy_timeout_ms);
      !s.ok()) {
    return s;
  }
  if (auto s = prepareReads(); !s.ok()) return s;

  {
    sqlite3_stmt* s = nullptr;
    if (auto st = w.prepare(s, "SELECT count(*) FROM dead_letters"); !st.ok()) return st;
    if (sqlite3_step(s) == SQLITE_ROW) {
      dead_letters_stored = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
    }
    sqlite3_finalize(s);
  }
  return absl::OkStatus();
}

void SqliteAlertStore::close() {
  if (!stopWriter()) return;
  {
    std::lock_guard rl(read_mu_);
    reader_db_.reset();
  }
  writer_db_.reset();  // the last connection to close checkpoints the WAL
  markClosed();
}

}  // namespace casewatch
