#include "daemon/store/postgres_connection.h"

#include <simdjson.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace casewatch {
namespace {

// Type OIDs (pg_type.h is a server header).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Each valid UTF-8 sequence kept, every other byte (and NUL) replaced by U+FFFD.
std::string validUtf8(std::string_view v) {
  std::string out;
  out.reserve(v.size() + 8);
  size_t i = 0;
  while (i < v.size()) {
    const auto lead = static_cast<unsigned char>(v[i]);
    const size_t n = lead < 0x80       ? 1
                     : lead >> 5 == 6  ? 2
                     : lead >> 4 == 14 ? 3
                     : lead >> 3 == 30 ? 4
                                       : 0;
    if (n > 0 && lead != 0 && i + n <= v.size() && simdjson::validate_utf8(v.data() + i, n)) {
      out.append(v.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

absl::Status notConnected(std::string_view what) {
  return absl::UnavailableError(fmt::format("postgresql: {}: the connection was lost", what));
}

}  // namespace

std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}

std::string PgResult::bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

int64_t PgResult::integer(int row, int col) const {
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

double PgResult::number(int row, int col) const {
  return std::strtod(PQgetvalue(r_.get(), row, col), nullptr);
}

bool PgResult::boolean(int row, int col) const {
  return PQgetvalue(r_.get(), row, col)[0] == 't';
}

uint64_t PgResult::affected() const {
  return std::strtoull(PQcmdTuples(r_.get()), nullptr, 10);
}

PgParams& PgParams::add(Oid type, const char* data, int length, int format) {
  types_.push_back(type);
  values_.push_back(data);
  lengths_.push_back(length);
  formats_.push_back(format);
  return *this;
}

PgParams& PgParams::owned(Oid type, std::string v, int format) {
  owned_.push_back(std::move(v));
  const std::string& s = owned_.back();
  return add(type, s.c_str(), static_cast<int>(s.size()), format);
}

PgParams& PgParams::text(std::string_view v) {
  const bool clean =
      std::memchr(v.data(), 0, v.size()) == nullptr && simdjson::validate_utf8(v.data(), v.size());
  if (!clean) return owned(kTextOid, validUtf8(v), 1);
  return add(kTextOid, v.data(), static_cast<int>(v.size()), 1);
}

PgParams& PgParams::optionalText(std::string_view v) {
  if (v.empty()) return add(kTextOid, nullptr, 0, 1);
  return text(v);
}

PgParams& PgParams::bytes(std::string_view v) {
  // A non-null pointer even for no bytes: a null one would bind NULL.
  return add(kByteaOid, v.empty() ? "" : v.data(), static_cast<int>(v.size()), 1);
}

PgParams& PgParams::integer(int64_t v) {
  return owned(kInt8Oid, std::to_string(v), 0);
}

PgParams& PgParams::optionalInteger(int64_t v) {
  if (v == 0) return add(kInt8Oid, nullptr, 0, 0);
  return integer(v);
}

PgParams& PgParams::number(double v) {
  if (v != v) return add(kFloat8Oid, nullptr, 0, 0);
  return owned(kFloat8Oid, fmt::format("{}", v), 0);  // the shortest text that reads back exactly
}

PgParams& PgParams::boolean(bool v) {
  return add(kBoolOid, v ? "t" : "f", 1, 0);
}

PostgresConnection::PostgresConnection(std::string conninfo, std::string password)
    : conninfo_(std::move(conninfo)), password_(std::move(password)) {}

absl::Status PostgresConnection::ensure() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return absl::OkStatus();
  // Defaults first: the connection string overrides them (expand_dbname); the password and the
  // client encoding come last, so that they always apply.
  std::vector<const char*> keys = {"application_name", "connect_timeout", "keepalives_idle",
                                   "dbname"};
  std::vector<const char*> values = {"casewatchd", "10", "30", conninfo_.c_str()};
  if (!password_.empty()) {
    keys.push_back("password");
    values.push_back(password_.c_str());
  }
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = conn_ ? trimmed(PQerrorMessage(conn_.get())) : "out of memory";
    conn_.reset();
    return absl::UnavailableError("postgresql: cannot connect: " + why);
  }
  return absl::OkStatus();
}

absl::Status PostgresConnection::failure(PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string why = fmt::format("postgresql: {}: {}", what,
                                trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get())));
  if (r) PQclear(r);
  const std::string_view s = state ? state : "";
  const bool lost = PQstatus(conn_.get()) != CONNECTION_OK;
  if (lost) conn_.reset();  // ensure() connects afresh
  if (s.starts_with("53")) return absl::ResourceExhaustedError(std::move(why));
  if (lost || s.empty() || s.starts_with("08") || s.starts_with("57P") || s.starts_with("40") ||
      s == "25006") {
    return absl::UnavailableError(std::move(why));
  }
  return absl::InternalError(std::move(why));
}

absl::Status PostgresConnection::exec(const std::string& sql, std::string_view what) {
  if (!conn_) return notConnected(what);
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return failure(r, what);
  PQclear(r);
  return absl::OkStatus();
}

absl::StatusOr<PgResult> PostgresConnection::query(const char* sql, const PgParams& params,
                                                   std::string_view what) {
  if (!conn_) return notConnected(what);
  PGresult* r = PQexecParams(conn_.get(), sql, params.size(), params.types(), params.values(),
                             params.lengths(), params.formats(), /*resultFormat=*/0);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return failure(r, what);
  return PgResult(r);
}

}  // namespace casewatch
