// The one place that picks the alert store's engine from store.kind: the SQLite file in the data
// dir, or a PostgreSQL database (its password read here, at start-up, from its file).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/journal/journal_config.h"
#include "daemon/store/alert_store.h"

namespace casewatch {

// Errors name the key to fix (store.postgresql.password_file: ...) or the database.
absl::StatusOr<AlertStorePtr> openAlertStore(const StoreConfig& config,
                                             const std::string& data_dir);

// The password in `path`, without a trailing newline. Refused when the file is open to group or
// others (a secret others on the machine can read is no secret).
absl::StatusOr<std::string> readPasswordFile(const std::string& path);

}  // namespace casewatch
