// store.kind and store.postgresql: the default, every key, and the mistakes refused at their key
// path (an unknown key, no connection string, a password in it, one libpq cannot parse).
#include "daemon/store/alert_store_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;

TEST(AlertStoreConfigTest, SqliteIsTheDefault) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.store.alert_store.kind, StoreKind::kSqlite);
  EXPECT_EQ(r.config.store.alert_store.postgresql, PostgresStoreConfig{});
}

TEST(AlertStoreConfigTest, PostgresqlKeysAreRead) {
  const ConfigResult r = loadConfig(
      "store:\n  kind: postgresql\n  postgresql:\n"
      "    conninfo: \"host=db1 dbname=casewatch user=casewatch\"\n"
      "    password_file: /etc/casewatch/db.pw\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.store.alert_store.kind, StoreKind::kPostgresql);
  EXPECT_EQ(r.config.store.alert_store.postgresql.conninfo,
            "host=db1 dbname=casewatch user=casewatch");
  EXPECT_EQ(r.config.store.alert_store.postgresql.password_file, "/etc/casewatch/db.pw");
}

TEST(AlertStoreConfigTest, MistakesAreNamedAtTheirKey) {
  EXPECT_THAT(errorAt(loadConfig("store:\n  kind: mysql\n"), "store.kind"),
              HasSubstr("expected one of sqlite, postgresql"));
  EXPECT_THAT(
      errorAt(loadConfig("store:\n  postgresql:\n    connifo: x\n"), "store.postgresql.connifo"),
      HasSubstr("unknown key"));
  EXPECT_THAT(errorAt(loadConfig("store:\n  kind: postgresql\n"), "store.postgresql.conninfo"),
              HasSubstr("must be set when store.kind is postgresql"));
  EXPECT_THAT(errorAt(loadConfig("store:\n  kind: postgresql\n  postgresql:\n"
                                 "    conninfo: \"host=db1 password=hunter2\"\n"),
                      "store.postgresql.conninfo"),
              HasSubstr("must not hold a password"));
  EXPECT_THAT(errorAt(loadConfig("store:\n  postgresql:\n    conninfo: \"host=db1 dbname\"\n"),
                      "store.postgresql.conninfo"),
              HasSubstr("not a libpq connection string"));
  EXPECT_THAT(errorAt(loadConfig("store:\n  postgresql:\n"
                                 "    conninfo: \"postgresql://u:secret@db1/casewatch\"\n"),
                      "store.postgresql.conninfo"),
              HasSubstr("must not hold a password"));
}

}  // namespace
}  // namespace casewatch
