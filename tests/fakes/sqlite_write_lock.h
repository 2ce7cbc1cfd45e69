// Makes a real SQLite store fail its writes: a second connection to the same database file takes
// the write lock (BEGIN IMMEDIATE) and holds it until release() or destruction, as an operator's
// `sqlite3` shell left in a transaction would. The store's writes then fail with SQLITE_BUSY once
// their busy timeout (store.busy_timeout_ms) runs out. Reads still work (WAL).
//
// Header-only. Not thread-safe; use from the test thread.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace casewatch::testing {

class SqliteWriteLock {
 public:
  explicit SqliteWriteLock(const std::string& db_path) {
    if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << db_path;
      return;
    }
    locked_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    if (!locked_) ADD_FAILURE() << "cannot lock " << db_path << ": " << sqlite3_errmsg(db_);
  }
  ~SqliteWriteLock() {
    release();
    sqlite3_close_v2(db_);
  }
  SqliteWriteLock(const SqliteWriteLock&) = delete;
  SqliteWriteLock& operator=(const SqliteWriteLock&) = delete;

  bool locked() const { return locked_; }
  void release() {
    if (locked_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    locked_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool locked_ = false;
};

}  // namespace casewatch::testing
