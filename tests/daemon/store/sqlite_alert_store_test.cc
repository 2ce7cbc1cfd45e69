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
  EXPECT_EQ(queryText(store->dbPath(), "SELECT value FROM meta WHERE key='schema_version'"), "5");
  store->close();
  // Reopening an up-to-date database applies nothing and keeps the version.
  store = openOk(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(queryText(store->dbPath(), "SELECT value FROM meta WHERE key='schema_version'"), "5");
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

// Migration 5 rebuilds training_rows keyed by (model, at, row_id) in one WITHOUT ROWID b-tree: the
// rows of a version 4 store come through it, read back in time order, bit for bit; the old indexes
// are gone; a row written again replaces itself; retention's delete by case id still finds them.
TEST(SqliteAlertStoreTest, Migration5KeysTheTrainingRowsByTime) {
  TempDir tmp;
  openOk(tmp.path())->close();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() + "/casewatch.db").c_str(), &db), SQLITE_OK);
  const char* v4 = R"sql(
DROP TABLE training_rows;
CREATE TABLE training_rows (
  model TEXT NOT NULL, row_id TEXT NOT NULL, case_id TEXT NOT NULL, registered_at INTEGER NOT NULL,
  at INTEGER NOT NULL, label INTEGER NOT NULL, features BLOB NOT NULL, PRIMARY KEY (model, row_id));
CREATE INDEX training_rows_at ON training_rows (model, at);
CREATE INDEX training_rows_case ON training_rows (case_id);
INSERT INTO training_rows VALUES ('escalation_risk', 'C-2+0d', 'C-2', 2000, 2000, 1, x'000000000000F03F');
INSERT INTO training_rows VALUES ('escalation_risk', 'C-1+10d', 'C-1', 1000, 1001000, 0, x'0000000000000040');
INSERT INTO training_rows VALUES ('escalation_risk', 'C-1+0d', 'C-1', 1000, 1000, 0, x'0000000000000840');
UPDATE meta SET value='4' WHERE key='schema_version';
)sql";
  ASSERT_EQ(sqlite3_exec(db, v4, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(queryText(store->dbPath(), "SELECT value FROM meta WHERE key='schema_version'"), "5");
  EXPECT_NE(queryText(store->dbPath(), "SELECT sql FROM sqlite_master WHERE name='training_rows'")
                .find("WITHOUT ROWID"),
            std::string::npos);
  EXPECT_EQ(queryText(store->dbPath(),
                      "SELECT count(*) FROM sqlite_master WHERE name LIKE 'training_rows_%'"),
            "0");
  auto rows = store->loadTrainingRows("escalation_risk", 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].row_id, "C-1+0d");
  EXPECT_EQ((*rows)[1].row_id, "C-2+0d");
  EXPECT_EQ((*rows)[2].row_id, "C-1+10d");
  EXPECT_EQ((*rows)[1].features, std::vector<double>{1.0});
  EXPECT_EQ((*rows)[1].label, 1);
  EXPECT_EQ((*rows)[2].features, std::vector<double>{2.0});

  // The same row again (the journal's replay after a restart) replaces itself.
  TrainingRow again{"escalation_risk", "C-1+10d", "C-1", 1000, 1001000, 1, {2.0}};
  store->addTrainingRows({again});
  store->flush();
  rows = store->loadTrainingRows("escalation_risk", 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].label, 1);

  StorePurge purge;
  purge.case_ids = {"C-1", "C-9"};
  std::atomic<bool> called = false;
  StorePurgeCounts got;
  store->purge(purge, [&](const absl::Status& s, const StorePurgeCounts& n) {
    EXPECT_TRUE(s.ok()) << s;
    got = n;
    called = true;
  });
  store->flush();
  ASSERT_TRUE(called.load());
  EXPECT_EQ(got.training_rows, 2u);
  rows = store->loadTrainingRows("escalation_risk", 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].case_id, "C-2");
  store->close();
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
