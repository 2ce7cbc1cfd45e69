// store.kind picks the engine: SQLite in the data dir by default, PostgreSQL with the password
// read from its file, which must be the owner's alone.
#include "daemon/store/open_alert_store.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/fakes/postgres_cluster.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::TempDir;

std::string writeSecret(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(OpenAlertStoreTest, SqliteInTheDataDirIsTheDefault) {
  TempDir tmp;
  auto store = openAlertStore(StoreConfig{}, tmp.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->location(), tmp.path() + "/casewatch.db");
}

TEST(OpenAlertStoreTest, APasswordFileOpenToOthersIsRefused) {
  TempDir tmp;
  const std::string path = writeSecret(tmp.path() + "/db.pw", "secret\n", 0644);
  auto password = readPasswordFile(path);
  ASSERT_FALSE(password.ok());
  EXPECT_EQ(password.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(password.status().message(),
            "store.postgresql.password_file: " + path +
                " is open to group or others (mode 0644); a password file must be readable by "
                "its owner only: run `chmod 600 " +
                path + "`");
  // Refused before any connection is tried.
  StoreConfig c;
  c.alert_store.kind = StoreKind::kPostgresql;
  c.alert_store.postgresql.conninfo = "host=127.0.0.1 port=1 dbname=none";
  c.alert_store.postgresql.password_file = path;
  auto store = openAlertStore(c, tmp.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);

  writeSecret(path, "secret\n", 0600);
  password = readPasswordFile(path);
  ASSERT_TRUE(password.ok()) << password.status();
  EXPECT_EQ(*password, "secret");  // without the newline
  EXPECT_EQ(readPasswordFile(tmp.path() + "/missing").status().code(), absl::StatusCode::kNotFound);
}

TEST(OpenAlertStoreTest, PostgresqlWithThePasswordFromItsFile) {
  std::string error;
  testing::PostgresCluster* pg = testing::sharedPostgresCluster(&error);
  ASSERT_NE(pg, nullptr) << error;
  auto db = pg->createDatabase();
  ASSERT_TRUE(db.ok()) << db.status();
  TempDir tmp;
  StoreConfig c;
  c.alert_store.kind = StoreKind::kPostgresql;
  c.alert_store.postgresql.conninfo = pg->conninfo(*db);
  c.alert_store.postgresql.password_file = pg->passwordFile();
  auto store = openAlertStore(c, tmp.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->location(), "postgresql: " + pg->conninfo(*db));
  EXPECT_TRUE((*store)->health().ok());
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/casewatch.db"));

  c.alert_store.postgresql.password_file =
      writeSecret(tmp.path() + "/wrong.pw", "not-the-password\n", 0600);
  auto refused = openAlertStore(c, tmp.path());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("store.postgresql: postgresql: cannot connect"),
            std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("password authentication failed"), std::string::npos)
      << refused.status();
}

}  // namespace
}  // namespace casewatch
