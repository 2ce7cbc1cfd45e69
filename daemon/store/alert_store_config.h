// store.kind and store.postgresql: which engine holds the alert store (alert_store.h) and how to
// reach PostgreSQL. The rest of the `store` section (group commit, the SQLite busy timeout, journal
// segments) is daemon/journal/journal_config.h's, which reads these keys through this file.
// Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

enum class StoreKind {
  kSqlite,      // <data_dir>/casewatch.db: one daemon, no server (the default)
  kPostgresql,  // a PostgreSQL database several daemons can share
};

struct PostgresStoreConfig {
  // A libpq connection string (key=value or postgresql:// URI) without a password, e.g.
  // "host=db1 port=5432 dbname=casewatch user=casewatch sslmode=verify-full".
  std::string conninfo;
  // The password, read at start-up from this file (owner-only permissions); empty: none (e.g. peer
  // or certificate authentication).
  std::string password_file;
  friend bool operator==(const PostgresStoreConfig&, const PostgresStoreConfig&) = default;
};

struct AlertStoreConfig {
  StoreKind kind = StoreKind::kSqlite;
  PostgresStoreConfig postgresql;
  friend bool operator==(const AlertStoreConfig&, const AlertStoreConfig&) = default;
};

// Reads `kind` and `postgresql` of the store section `r` has open; checks them under `path`;
// writes them into the map the writer has open.
void decodeConfig(MapReader& r, AlertStoreConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const AlertStoreConfig& c);
void writeConfig(ConfigWriter& w, const AlertStoreConfig& c);

}  // namespace casewatch
