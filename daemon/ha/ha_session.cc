#include "daemon/ha/ha_session.h"

#include <algorithm>

#include "base/str_cat.h"

namespace casewatch {

std::string pgOneLine(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

absl::Status HaSession::ensure() {
  if (conn_) return absl::OkStatus();
  // The conninfo is expanded in place of "dbname"; the password is passed beside it.
  std::vector<const char*> keys = {"dbname"};
  std::vector<const char*> values = {conninfo_.c_str()};
  if (!password_.empty()) {
    keys.push_back("password");
    values.push_back(password_.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    const std::string why = conn_ ? pgOneLine(PQerrorMessage(conn_.get())) : "out of memory";
    conn_.reset();
    return absl::UnavailableError(strCat("postgresql: ", why));
  }
  return absl::OkStatus();
}

absl::StatusOr<HaSession::Rows> HaSession::query(const std::string& sql,
                                                 const std::vector<std::string>& params) {
  if (auto s = ensure(); !s.ok()) return s;
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> r(
      PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                   values.data(), nullptr, nullptr, 0),
      &PQclear);
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const std::string why = pgOneLine(PQerrorMessage(conn_.get()));
    conn_.reset();
    return absl::UnavailableError(strCat("postgresql: ", why));
  }
  Rows rows(static_cast<size_t>(PQntuples(r.get())));
  const int cols = PQnfields(r.get());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (int c = 0; c < cols; ++c) {
      rows[i].emplace_back(PQgetvalue(r.get(), static_cast<int>(i), c));
    }
  }
  return rows;
}

}  // namespace casewatch
