// What only the SQLite engine of the alert store has: the file in WAL mode, its migrations, another
// process holding its lock. The contract both engines keep is tested in alert_store_test.cc.
#include "daemon/store/sqlite_alert_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "tests/fakes/sqlite_write_lock.h"
#include "tests/fakes/stored_records.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::storedAlertChange;
using testing::storedDeadLetter;

using testing::TempDir;

SqliteAlertStorePtr openOk(const std::string& dir, SqliteAlertStoreOptions options = {}) {
  auto s = SqliteAlertStore::open(dir, std::move(options));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

// Reads one value through a separate connection, as an operator's sqlite3 shell would.
std::string queryText(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(s, 0);
    out = p ? reinterpret_cast<const char*>(p) : "";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

TEST(SqliteAlertStoreTest, CreatesTheDatabaseInWalModeWithSchemaVersion) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/nested/data";
  auto store = openOk(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->dbPath(), dir + "/casewatch.db");
  EXPECT_TRUE(std::filesystem::exists(dir + "/casewatch.db"));
  EXPECT_EQ(queryText(store->dbPath(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryText(store->dbPath(), "SELECT value FROM meta WHERE key='schema_version'"), "4");
  store->close();
  // Reopening an up-to-date database applies nothing and keeps the version.
  store = openOk(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(queryText(store->dbPath(), "SELECT value FROM meta WHERE key='schema_version'"), "4");
}

// Dead letters stored before they were sanitised held raw bytes: migration 2 drops their bodies,
// and secure_delete leaves none of the old bytes in the file.
TEST(SqliteAlertStoreTest, Migration2DropsTheRawBytesOfOldDeadLetters) {
  TempDir tmp;
  {
    auto store = openOk(tmp.path());
    ASSERT_TRUE(store);
    store->addDeadLetters({storedDeadLetter(1, R"({"persons":["id:RAW-PERSON-4711"]})")});
    store->flush();
    store->close();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() + "/casewatch.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value='1' WHERE key='schema_version'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  auto all = store->listDeadLetters(10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].raw, R"({"dropped":"stored_before_sanitising","bytes":134})");
  EXPECT_EQ((*all)[0].reason, "invalid_json");
  store->close();
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("RAW-PERSON-4711"), std::string::npos) << entry.path();
  }
}

TEST(SqliteAlertStoreTest, RefusesADatabaseFromANewerSchema) {
  TempDir tmp;
  openOk(tmp.path())->close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() + "/casewatch.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = SqliteAlertStore::open(tmp.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
}

// Dead letters are BLOBs here: any bytes, read back as they were.
TEST(SqliteAlertStoreTest, DeadLettersAreStoredAsBlobs) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  store->addDeadLetters({storedDeadLetter(1, std::string("\0\xff", 2))});
  store->flush();
  EXPECT_EQ(queryText(store->dbPath(), "SELECT typeof(raw) FROM dead_letters LIMIT 1"), "blob");
}

TEST(SqliteAlertStoreTest, DeadLettersConvertFromRejections) {
  Rejection r;
  r.reason = RejectReason::kBadTimestamp;
  r.detail = "bad_timestamp: ts";
  r.raw = "{\"ts\":1}";
  r.raw_size = 4000;
  r.received_at = 42;
  const DeadLetter d = deadLetterFromRejection("feed-b", r);
  EXPECT_EQ(d.feed, "feed-b");
  EXPECT_EQ(d.reason, "bad_timestamp");
  EXPECT_EQ(d.detail, r.detail);
  EXPECT_EQ(d.raw, r.raw);
  EXPECT_EQ(d.raw_size, 4000u);
  EXPECT_EQ(d.received_at, 42);
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

using testing::SqliteWriteLock;

TEST(SqliteAlertStoreTest, AnOperatorActionOnALockedStoreFailsAndWritesNothing) {
  TempDir tmp;
  SqliteAlertStoreOptions options;
  options.busy_timeout_ms = 0;  // fail at once instead of waiting for the lock
  auto store = openOk(tmp.path(), options);
  ASSERT_TRUE(store);
  SqliteWriteLock lock(store->dbPath());
  ASSERT_TRUE(lock.locked());
  absl::Status result;
  store->recordOperatorAction({storedAlertChange("a1", "acknowledged", "duty:li", "on it", 2000)},
                              NamedSnapshot{"alerts.workflow", 2000, "{}"},
                              [&](const absl::Status& s) { result = s; });
  store->flush();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(std::string(result.message()).find("locked"), std::string::npos) << result;
  EXPECT_EQ(store->health().code(), absl::StatusCode::kUnavailable);
  lock.release();
  EXPECT_EQ(queryText(store->dbPath(), "SELECT count(*) FROM alert_history"), "0");
  EXPECT_EQ(queryText(store->dbPath(), "SELECT count(*) FROM alerts"), "0");
  auto snap = store->getSnapshot("alerts.workflow");
  ASSERT_TRUE(snap.ok());
  EXPECT_FALSE(*snap);
  // Once the lock is gone the same action commits, and the store is healthy again.
  store->recordOperatorAction({storedAlertChange("a1", "acknowledged", "duty:li", "on it", 2000)},
                              std::nullopt, [&](const absl::Status& s) { result = s; });
  store->flush();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_TRUE(store->health().ok());
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {}  // namespace
}  // namespace casewatch
