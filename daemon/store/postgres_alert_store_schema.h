// The PostgreSQL alert store's schema: the same tables as the SQLite one (alert_store_schema.h),
// versioned the same way (meta.schema_version, the same version numbers for the same content), as
// an ordered list of migrations and applying the ones a database has not had yet.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "daemon/store/postgres_connection.h"

namespace spdlog {
class logger;
}

namespace casewatch {

// Brings the database on `db` (connected) to the latest schema version, one transaction a
// migration, each under an advisory lock so that daemons starting together on one database
// migrate it once. FailedPrecondition for a database from a newer schema.
absl::Status migratePostgresAlertStore(PostgresConnection& db, const std::string& where,
                                       spdlog::logger& log);

}  // namespace casewatch
