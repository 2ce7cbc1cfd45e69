// The alert store's engines as the store tests see them, for suites typed over both
// (TYPED_TEST_SUITE(..., AlertStoreEngines, AlertStoreEngineNames)): each is one place where a
// store lives (a temp dir; a database of its own on the test binary's PostgreSQL cluster,
// tests/fakes/postgres_cluster.h), opened as often as a test likes, and read behind the store's
// back the way an operator's shell would.
//
// Header-only.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "daemon/store/postgres_alert_store.h"
#include "daemon/store/sqlite_alert_store.h"
#include "tests/fakes/postgres_cluster.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch::testing {

class SqliteStorePlace {
 public:
  absl::StatusOr<AlertStorePtr> open(size_t max_dead_letters = 100000) {
    SqliteAlertStoreOptions o;
    o.max_dead_letters = max_dead_letters;
    auto s = SqliteAlertStore::open(dir_.path(), o);
    if (!s.ok()) return s.status();
    return AlertStorePtr(std::move(*s));
  }
  // The first column of the first row of `sql` on a connection of its own ("" if none).
  std::string queryText(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_.path() + "/casewatch.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      const auto* p = sqlite3_column_text(s, 0);
      out = p ? reinterpret_cast<const char*>(p) : "";
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }

 private:
  TempDir dir_;
};

class PostgresStorePlace {
 public:
  PostgresStorePlace() {
    std::string error;
    cluster_ = sharedPostgresCluster(&error);
    if (cluster_ == nullptr) {
      ADD_FAILURE() << "no PostgreSQL cluster: " << error;
      return;
    }
    auto db = cluster_->createDatabase();
    if (!db.ok()) {
      ADD_FAILURE() << db.status();
      cluster_ = nullptr;
      return;
    }
    database_ = *db;
  }
  absl::StatusOr<AlertStorePtr> open(size_t max_dead_letters = 100000) {
    if (cluster_ == nullptr) return absl::FailedPreconditionError("no PostgreSQL cluster");
    PostgresAlertStoreOptions o;
    o.conninfo = cluster_->conninfo(database_);
    o.password = cluster_->password();
    o.max_dead_letters = max_dead_letters;
    auto s = PostgresAlertStore::open(o);
    if (!s.ok()) return s.status();
    return AlertStorePtr(std::move(*s));
  }
  std::string queryText(const std::string& sql) {
    if (cluster_ == nullptr) return "";
    auto r = cluster_->adminQuery(database_, sql);
    if (!r.ok()) ADD_FAILURE() << r.status();
    return r.ok() ? *r : "";
  }
  PostgresCluster* cluster() { return cluster_; }
  const std::string& database() const { return database_; }

 private:
  PostgresCluster* cluster_ = nullptr;
  std::string database_;
};

using AlertStoreEngines = ::testing::Types<SqliteStorePlace, PostgresStorePlace>;

// Suite/Sqlite.Test and Suite/Postgresql.Test: ctest runs the PostgreSQL ones together in one
// process (tests/CMakeLists.txt), so that they share one cluster.
struct AlertStoreEngineNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteStorePlace> ? "Sqlite" : "Postgresql";
  }
};

}  // namespace casewatch::testing
