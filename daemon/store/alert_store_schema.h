// The SQLite alert store's schema (PostgreSQL's counterpart: postgres_alert_store_schema.h): the
// tables (dead letters, alerts and their history, snapshots, meta)
// as an ordered list of migrations, and applying the ones a database has not had yet.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "daemon/store/sqlite_connection.h"

namespace spdlog {
class logger;
}

namespace casewatch {

// Brings the database on `db` (opened read-write) to the latest schema version, one transaction a
// migration. FailedPrecondition for a database from a newer schema.
absl::Status migrateAlertStore(SqliteConnection& db, const std::string& db_path,
                               spdlog::logger& log);

}  // namespace casewatch
