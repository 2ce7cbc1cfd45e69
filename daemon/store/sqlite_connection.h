// One SQLite connection of the alert store with its prepared statements, and the small helpers
// that bind parameters and read columns. Private to daemon/store/: the writer thread owns one
// connection, the reads another (sqlite_alert_store.h says who may use which, and when).
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace casewatch {

// A connection with its prepared statements, prepared once and reused (reset after each use).
struct SqliteConnection {
  sqlite3* db = nullptr;
  // Writes (sqlite_alert_store_writer.cc).
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;
  sqlite3_stmt* insert_dead_letter = nullptr;
  sqlite3_stmt* trim_dead_letters = nullptr;
  sqlite3_stmt* upsert_alert = nullptr;
  sqlite3_stmt* insert_history = nullptr;
  sqlite3_stmt* upsert_snapshot = nullptr;
  sqlite3_stmt* upsert_training_row = nullptr;
  sqlite3_stmt* insert_model_fit = nullptr;
  // Reads (sqlite_alert_store_queries.cc).
  sqlite3_stmt* list_dead_letters = nullptr;
  sqlite3_stmt* load_alerts = nullptr;
  sqlite3_stmt* load_active_alert_json = nullptr;
  sqlite3_stmt* alert_history = nullptr;
  sqlite3_stmt* get_snapshot = nullptr;
  sqlite3_stmt* load_training_rows = nullptr;
  sqlite3_stmt* list_model_fits = nullptr;

  SqliteConnection() = default;
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // The last error as a status: ResourceExhausted when the disk (or quota) is full, else Internal.
  absl::Status error(std::string_view what) const;
  bool diskFull() const;     // the last error was SQLITE_FULL, ENOSPC or EDQUOT
  bool unavailable() const;  // the last error passes by itself: SQLITE_IOERR/EIO, BUSY, LOCKED
  absl::Status open(const std::string& path, int flags, int busy_timeout_ms = 5000);
  absl::Status exec(const std::string& sql);
  absl::Status prepare(sqlite3_stmt*& out, std::string_view sql);
  // Runs a statement to completion (bindings already set) and resets it.
  absl::Status run(sqlite3_stmt* s, std::string_view what);
};

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

std::string columnText(sqlite3_stmt* s, int col);
std::string columnBlob(sqlite3_stmt* s, int col);
// Text parameters are bound without copying: each op outlives the statement's step and reset.
void bindText(sqlite3_stmt* s, int i, const std::string& v);
void bindBlob(sqlite3_stmt* s, int i, const std::string& v);
// An empty filter field binds NULL, which the query reads as "any".
void bindOptionalText(sqlite3_stmt* s, int i, const std::string& v);

}  // namespace casewatch
