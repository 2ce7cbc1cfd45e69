#include "daemon/store/open_alert_store.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/str_cat.h"
#include "daemon/store/postgres_alert_store.h"
#include "daemon/store/sqlite_alert_store.h"

namespace casewatch {

absl::StatusOr<std::string> readPasswordFile(const std::string& path) {
  constexpr std::string_view kKey = "store.postgresql.password_file: ";
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(strCat(kKey, "cannot read ", path));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(strCat(
        kKey, path, " is open to group or others (mode ", fmt::format("{:04o}", st.st_mode & 07777),
        "); a password file must be readable by its owner only: run `chmod 600 ", path, "`"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string password = ss.str();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return password;
}

absl::StatusOr<AlertStorePtr> openAlertStore(const StoreConfig& config,
                                             const std::string& data_dir) {
  switch (config.alert_store.kind) {
    case StoreKind::kSqlite: {
      SqliteAlertStoreOptions options;
      options.busy_timeout_ms = config.busy_timeout_ms;
      auto store = SqliteAlertStore::open(data_dir, options);
      if (!store.ok()) {
        return absl::Status(store.status().code(),
                            strCat("data_dir: store: ", store.status().message()));
      }
      return AlertStorePtr(std::move(*store));
    }
    case StoreKind::kPostgresql: {
      const PostgresStoreConfig& pg = config.alert_store.postgresql;
      PostgresAlertStoreOptions options;
      options.conninfo = pg.conninfo;
      if (!pg.password_file.empty()) {
        auto password = readPasswordFile(pg.password_file);
        if (!password.ok()) return password.status();
        options.password = std::move(*password);
      }
      auto store = PostgresAlertStore::open(std::move(options));
      if (!store.ok()) {
        return absl::Status(store.status().code(),
                            strCat("store.postgresql: ", store.status().message()));
      }
      return AlertStorePtr(std::move(*store));
    }
  }
  return absl::InvalidArgumentError("store.kind: unknown");
}

}  // namespace casewatch
