// One libpq connection of the PostgreSQL alert store, with owned results and typed parameters.
// Private to daemon/store/: the store thread owns one connection, the reads another
// (postgres_alert_store.h says who may use which, and when).
//
// Errors come back as statuses the store's retry logic understands: Unavailable for what passes
// (a lost connection, a server shutting down or not accepting connections, a read-only standby,
// a deadlock or serialisation failure), ResourceExhausted for a full disk or exhausted server
// resources (SQLSTATE class 53), Internal for the rest. Each message starts "postgresql: ".
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace casewatch {

// A query's result (owned; PQclear on destruction). Text format: bytea columns come back escaped
// (bytes() unescapes them).
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const;
  std::string bytes(int row, int col) const;
  int64_t integer(int row, int col) const;
  double number(int row, int col) const;
  bool boolean(int row, int col) const;
  uint64_t affected() const;  // rows a DELETE/UPDATE/INSERT touched

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

// Parameters of one statement, $1 upwards. Text and bytes are sent in binary form (no copy, no
// escaping); numbers as text.
class PgParams {
 public:
  // Text must be UTF-8 without NUL bytes; anything else is sent with U+FFFD in place of the bad
  // bytes (PostgreSQL refuses the value, and with it the whole transaction, otherwise).
  PgParams& text(std::string_view v);
  PgParams& optionalText(std::string_view v);  // empty binds NULL ("any" in a filter)
  PgParams& bytes(std::string_view v);
  PgParams& integer(int64_t v);
  PgParams& optionalInteger(int64_t v);  // 0 binds NULL (e.g. LIMIT NULL: no limit)
  PgParams& number(double v);            // NaN binds NULL
  PgParams& boolean(bool v);

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  PgParams& add(Oid type, const char* data, int length, int format);
  PgParams& owned(Oid type, std::string v, int format);
  std::deque<std::string> owned_;  // stable addresses
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

class PostgresConnection {
 public:
  // `conninfo` is a libpq connection string; `password` is passed beside it (never put in it).
  PostgresConnection(std::string conninfo, std::string password);
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Connects, or reconnects when the connection was lost; OK when it is usable. Called before a
  // transaction or a read, never inside one: exec() and query() do not reconnect, so that a
  // transaction cut short never goes on in autocommit on a new connection.
  absl::Status ensure();
  // False once the connection was found lost (ensure() then makes a new one).
  bool connected() const { return conn_ != nullptr; }
  // Statements without parameters (several may be separated by ';').
  absl::Status exec(const std::string& sql, std::string_view what);
  // One statement with parameters; the rows (if any) come back in text form.
  absl::StatusOr<PgResult> query(const char* sql, const PgParams& params, std::string_view what);

 private:
  absl::Status failure(PGresult* r, std::string_view what);

  const std::string conninfo_;
  const std::string password_;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_{nullptr, &PQfinish};
};

}  // namespace casewatch
