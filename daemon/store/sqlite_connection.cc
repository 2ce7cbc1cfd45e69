#include "daemon/store/sqlite_connection.h"

#include <cerrno>

namespace casewatch {

SqliteConnection::~SqliteConnection() {
  for (sqlite3_stmt* s : {begin, commit, rollback, insert_dead_letter, trim_dead_letters,
                          upsert_alert, insert_history, upsert_snapshot, upsert_training_row,
                          insert_model_fit, list_dead_letters, load_alerts, load_active_alert_json,
                          alert_history, get_snapshot, load_training_rows, list_model_fits}) {
    sqlite3_finalize(s);
  }
  sqlite3_close_v2(db);
}

absl::Status SqliteConnection::error(std::string_view what) const {
  std::string text = "store: " + std::string(what) + ": " + sqlite3_errmsg(db);
  if (diskFull()) return absl::ResourceExhaustedError(std::move(text));
  return unavailable() ? absl::UnavailableError(std::move(text))
                       : absl::InternalError(std::move(text));
}

bool SqliteConnection::unavailable() const {
  // What passes by itself: an I/O error (a failing or detached disk), a lock another process
  // holds past the busy timeout. The store keeps the writes and tries again (an outage), where a
  // misuse or a corrupt file would fail the same way forever.
  const int code = sqlite3_errcode(db) & 0xff;
  return code == SQLITE_IOERR || code == SQLITE_BUSY || code == SQLITE_LOCKED ||
         sqlite3_system_errno(db) == EIO;
}

bool SqliteConnection::diskFull() const {
  const int err = sqlite3_system_errno(db);
  return (sqlite3_errcode(db) & 0xff) == SQLITE_FULL || err == ENOSPC || err == EDQUOT;
}

absl::Status SqliteConnection::open(const std::string& path, int flags, int busy_timeout_ms) {
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    return absl::InternalError("store: cannot open " + path + ": " +
                               (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return absl::OkStatus();
}

absl::Status SqliteConnection::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = "store: " + std::string(msg ? msg : "error") + " in: " + sql.substr(0, 80);
    absl::Status s = diskFull()      ? absl::ResourceExhaustedError(std::move(text))
                     : unavailable() ? absl::UnavailableError(std::move(text))
                                     : absl::InternalError(std::move(text));
    sqlite3_free(msg);
    return s;
  }
  return absl::OkStatus();
}

absl::Status SqliteConnection::prepare(sqlite3_stmt*& out, std::string_view sql) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &out, nullptr) != SQLITE_OK) {
    return error("prepare " + std::string(sql.substr(0, 60)));
  }
  return absl::OkStatus();
}

absl::Status SqliteConnection::run(sqlite3_stmt* s, std::string_view what) {
  const int rc = sqlite3_step(s);
  absl::Status status = rc == SQLITE_DONE ? absl::OkStatus() : error(what);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return status;
}

std::string columnText(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, col))) : std::string();
}

std::string columnBlob(sqlite3_stmt* s, int col) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, col))) : std::string();
}

void bindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bindBlob(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void bindOptionalText(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty()) {
    sqlite3_bind_null(s, i);
  } else {
    bindText(s, i, v);
  }
}

}  // namespace casewatch
