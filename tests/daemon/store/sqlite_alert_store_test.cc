#include "daemon/store/sqlite_alert_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "tests/fakes/sqlite_write_lock.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::TempDir;

SqliteAlertStorePtr openOk(const std::string& dir, SqliteAlertStoreOptions options = {}) {
  auto s = SqliteAlertStore::open(dir, std::move(options));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

DeadLetter letter(int i, std::string raw) {
  DeadLetter d;
  d.received_at = 1772586900000 + i * 1001;  // includes milliseconds
  d.feed = "zmq-main";
  d.reason = "invalid_json";
  d.detail = "invalid_json: at byte " + std::to_string(i);
  d.raw_size = raw.size() + 100;  // as if truncated
  d.raw = std::move(raw);
  return d;
}

AlertRecord change(const std::string& id, const std::string& status, const std::string& actor,
                   const std::string& note, TimeMs at) {
  AlertRecord a;
  a.alert_id = id;
  a.model = "overdue";
  a.status = status;
  a.tier = status == "firing" ? "orange" : "red";
  a.subject_kind = "case";
  a.subject_id = "C-" + id;
  a.region = "330102";
  a.agency = "bureau-1";
  a.starts_at = "2026-03-04T01:00:00Z";
  a.updated_at = formatRfc3339(at);
  a.json = R"({"v":1,"alert_id":")" + id + R"(","status":")" + status + "\"}";
  a.actor = actor;
  a.action = status == "firing" ? "fire" : status;
  a.note = note;
  a.at = at;
  return a;
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
    store->addDeadLetters({letter(1, R"({"persons":["id:RAW-PERSON-4711"]})")});
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

TEST(SqliteAlertStoreTest, DeadLettersRoundTripRawBytesNewestFirst) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  const std::string nasty("{\"a\":\0\xff\xfe\xc3(", 11);  // NUL and invalid UTF-8
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 5; ++i) letters.push_back(letter(i, nasty + std::to_string(i)));
  store->addDeadLetters(letters);
  store->addDeadLetters({letter(5, "")});
  store->flush();
  EXPECT_EQ(store->deadLetterCount(), 6u);

  auto all = store->listDeadLetters(100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].raw, "");
  for (int i = 0; i < 5; ++i) {
    const DeadLetter& got = (*all)[5 - i];
    const DeadLetter want = letter(i, nasty + std::to_string(i));
    EXPECT_EQ(got.raw, want.raw);
    EXPECT_EQ(got.raw.size(), 12u);
    EXPECT_EQ(got.received_at, want.received_at);
    EXPECT_EQ(got.feed, want.feed);
    EXPECT_EQ(got.reason, want.reason);
    EXPECT_EQ(got.detail, want.detail);
    EXPECT_EQ(got.raw_size, want.raw_size);
    EXPECT_GT((*all)[4 - i].id, got.id);  // newest first
  }

  auto two = store->listDeadLetters(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].id, (*all)[0].id);
  EXPECT_EQ((*two)[1].id, (*all)[1].id);
  // Stored as a BLOB, not text.
  EXPECT_EQ(queryText(store->dbPath(), "SELECT typeof(raw) FROM dead_letters LIMIT 1"), "blob");
  EXPECT_EQ(queryText(store->dbPath(), "SELECT received_at FROM dead_letters WHERE id = 1"),
            "2026-03-04T01:15:00.000Z");
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

TEST(SqliteAlertStoreTest, OldestDeadLettersBeyondTheCapAreTrimmed) {
  TempDir tmp;
  SqliteAlertStoreOptions o;
  o.max_dead_letters = 10;
  auto store = openOk(tmp.path(), o);
  ASSERT_TRUE(store);
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<DeadLetter> letters;
    for (int i = 0; i < 7; ++i) letters.push_back(letter(batch * 7 + i, "x"));
    store->addDeadLetters(std::move(letters));
    store->flush();
  }
  EXPECT_EQ(store->deadLetterCount(), 10u);
  EXPECT_EQ(store->stats().dead_letters_trimmed.load(), 11u);
  auto all = store->listDeadLetters(100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  EXPECT_EQ(all->front().detail, letter(20, "").detail);  // the newest kept
  EXPECT_EQ(all->back().detail, letter(11, "").detail);   // the oldest kept
}

TEST(SqliteAlertStoreTest, AlertChangesUpsertCurrentStateAndAppendHistory) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  store->recordAlertChanges({change("a1", "firing", "system", "", 1000)}, nullptr);
  store->recordAlertChanges({change("a1", "acknowledged", "duty:li", "on it", 2500)}, nullptr);
  store->flush();

  auto alerts = store->loadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 1u);
  const AlertRecord& a = (*alerts)[0];
  const AlertRecord want = change("a1", "acknowledged", "duty:li", "on it", 2500);
  EXPECT_EQ(a.alert_id, "a1");
  EXPECT_EQ(a.status, "acknowledged");
  EXPECT_EQ(a.tier, "red");
  EXPECT_EQ(a.model, want.model);
  EXPECT_EQ(a.subject_kind, want.subject_kind);
  EXPECT_EQ(a.subject_id, want.subject_id);
  EXPECT_EQ(a.region, want.region);
  EXPECT_EQ(a.agency, want.agency);
  EXPECT_EQ(a.starts_at, want.starts_at);
  EXPECT_EQ(a.updated_at, want.updated_at);
  EXPECT_EQ(a.json, want.json);

  auto history = store->alertHistory("a1");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].status, "firing");
  EXPECT_EQ((*history)[0].actor, "system");
  EXPECT_EQ((*history)[0].action, "fire");
  EXPECT_EQ((*history)[0].at, 1000);
  EXPECT_EQ((*history)[1].status, "acknowledged");
  EXPECT_EQ((*history)[1].actor, "duty:li");
  EXPECT_EQ((*history)[1].note, "on it");
  EXPECT_EQ((*history)[1].at, 2500);
  EXPECT_EQ((*history)[1].json, want.json);
  EXPECT_TRUE(store->alertHistory("nope")->empty());
}

TEST(SqliteAlertStoreTest, ActiveAlertsLeaveOutResolvedOnesAndFiltersApply) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  AlertRecord other = change("a3", "firing", "system", "", 3000);
  other.model = "repeat_visit";
  other.region = "330200";
  store->recordAlertChanges({change("a1", "firing", "system", "", 1000),
                             change("a2", "firing", "system", "", 2000), other},
                            nullptr);
  store->recordAlertChanges({change("a2", "resolved", "duty:wang", "replied", 4000)}, nullptr);
  store->flush();

  auto active = store->loadActiveAlerts();
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].alert_id, "a3");  // newest first
  EXPECT_EQ((*active)[1].alert_id, "a1");

  AlertFilter resolved;
  resolved.status = "resolved";
  auto r = store->loadAlerts(resolved);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].alert_id, "a2");

  AlertFilter by_model;
  by_model.model = "repeat_visit";
  EXPECT_EQ(store->loadAlerts(by_model)->size(), 1u);
  AlertFilter by_region;
  by_region.region = "330102";
  by_region.active_only = true;
  auto reg = store->loadAlerts(by_region);
  ASSERT_EQ(reg->size(), 1u);
  EXPECT_EQ((*reg)[0].alert_id, "a1");
  AlertFilter limited;
  limited.limit = 2;
  EXPECT_EQ(store->loadAlerts(limited)->size(), 2u);
  EXPECT_EQ(store->loadAlerts()->size(), 3u);
}

TEST(SqliteAlertStoreTest, CallbacksFireAfterCommitOnTheStoreThread) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  std::mutex mu;
  std::vector<int> order;
  std::vector<size_t> visible;  // history rows a fresh connection sees when the callback runs
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> on_caller_thread{false};
  for (int i = 0; i < 3; ++i) {
    store->recordAlertChanges(
        {change("a" + std::to_string(i), "firing", "system", "", 1000 + i)},
        [&, i](const absl::Status& s) {
          EXPECT_TRUE(s.ok()) << s;
          if (std::this_thread::get_id() == caller) on_caller_thread = true;
          const std::string rows =
              queryText(store->dbPath(), "SELECT count(*) FROM alert_history WHERE alert_id='a" +
                                             std::to_string(i) + "'");
          std::lock_guard lk(mu);
          order.push_back(i);
          visible.push_back(std::stoul(rows));
        });
  }
  store->flush();  // callbacks have run once flush() returns
  EXPECT_FALSE(on_caller_thread.load());
  std::lock_guard lk(mu);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(visible, (std::vector<size_t>{1, 1, 1}));
}

TEST(SqliteAlertStoreTest, EverythingPersistsAcrossCloseAndReopen) {
  TempDir tmp;
  {
    auto store = openOk(tmp.path());
    ASSERT_TRUE(store);
    store->addDeadLetters({letter(1, "raw")});
    store->recordAlertChanges({change("a1", "firing", "system", "", 1000)}, nullptr);
    store->putSnapshot("cases", 5000, "state-v1");
    store->close();  // commits what is queued, no flush() needed
    store->close();  // idempotent
    bool called = false;
    absl::Status late;
    store->recordAlertChanges({change("a9", "firing", "system", "", 1)},
                              [&](const absl::Status& s) {
                                called = true;
                                late = s;
                              });
    EXPECT_TRUE(called);
    EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(store->listDeadLetters(1).status().code(), absl::StatusCode::kFailedPrecondition);
  }
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->deadLetterCount(), 1u);
  auto letters = store->listDeadLetters(10);
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ((*letters)[0].raw, "raw");
  auto active = store->loadActiveAlerts();
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].alert_id, "a1");
  EXPECT_EQ(store->alertHistory("a1")->size(), 1u);
  EXPECT_TRUE(store->alertHistory("a9")->empty());
  auto snap = store->getSnapshot("cases");
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->has_value());
  EXPECT_EQ(**snap, "state-v1");
}

TEST(SqliteAlertStoreTest, SnapshotsRoundTripAndReplace) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  auto missing = store->getSnapshot("cases");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131);
  store->putSnapshot("cases", 1000, "old");
  store->putSnapshot("cases", 2000, big);
  store->putSnapshot("empty", 2000, "");
  store->flush();
  auto snap = store->getSnapshot("cases");
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(snap->has_value());
  EXPECT_EQ(**snap, big);
  auto empty = store->getSnapshot("empty");
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(empty->has_value());
  EXPECT_EQ(**empty, "");
  EXPECT_EQ(queryText(store->dbPath(), "SELECT taken_at FROM snapshots WHERE name='cases'"),
            "1970-01-01T00:00:02.000Z");
}

TEST(SqliteAlertStoreTest, StatsCountCommits) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  store->addDeadLetters({letter(1, "a")});
  store->flush();
  store->addDeadLetters({letter(2, "b")});
  store->flush();
  EXPECT_GE(store->stats().commits.load(), 2u);
  EXPECT_EQ(store->stats().commit_errors.load(), 0u);
  EXPECT_EQ(store->stats().writes_dropped.load(), 0u);
  EXPECT_EQ(store->stats().queue_depth.load(), 0u);
  EXPECT_GE(store->stats().last_commit_seconds.load(), 0.0);
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

using testing::SqliteWriteLock;

TEST(SqliteAlertStoreTest, AnOperatorActionCommitsItsChangesAndItsStateTogether) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  absl::Status result = absl::UnknownError("not called");
  std::string rows_seen;
  store->recordOperatorAction(
      {change("a1", "acknowledged", "duty:li", "on it", 2000)},
      NamedSnapshot{"alerts.workflow", 2000, R"({"silences":[]})"}, [&](const absl::Status& s) {
        result = s;
        rows_seen = queryText(store->dbPath(), "SELECT count(*) FROM alert_history");
      });
  store->flush();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(rows_seen, "1");  // committed before the callback runs
  EXPECT_EQ(queryText(store->dbPath(), "SELECT actor || ' ' || note FROM alert_history"),
            "duty:li on it");
  auto snap = store->getSnapshot("alerts.workflow");
  ASSERT_TRUE(snap.ok() && *snap);
  EXPECT_EQ(**snap, R"({"silences":[]})");
  EXPECT_TRUE(store->health().ok());
}

TEST(SqliteAlertStoreTest, AnOperatorActionOnALockedStoreFailsAndWritesNothing) {
  TempDir tmp;
  SqliteAlertStoreOptions options;
  options.busy_timeout_ms = 0;  // fail at once instead of waiting for the lock
  auto store = openOk(tmp.path(), options);
  ASSERT_TRUE(store);
  SqliteWriteLock lock(store->dbPath());
  ASSERT_TRUE(lock.locked());
  absl::Status result;
  store->recordOperatorAction({change("a1", "acknowledged", "duty:li", "on it", 2000)},
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
  store->recordOperatorAction({change("a1", "acknowledged", "duty:li", "on it", 2000)},
                              std::nullopt, [&](const absl::Status& s) { result = s; });
  store->flush();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_TRUE(store->health().ok());
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

TrainingRow trainingRow(const std::string& row_id, const std::string& case_id) {
  TrainingRow r;
  r.model = "escalation_risk";
  r.row_id = row_id;
  r.case_id = case_id;
  r.at = 1000;
  r.features = {1.0, 2.0};
  return r;
}

int64_t countRows(const std::string& db_path, const std::string& table) {
  return std::stoll(queryText(db_path, "SELECT count(*) FROM " + table));
}

// Retention: resolved alerts whose last change is past the cutoff go with their history; active
// ones and recently resolved ones stay, whatever their age; dead letters go by age, keeping ids
// contiguous for the count cap; training rows go by case. The counts say what went.
TEST(SqliteAlertStoreTest, RetentionPurgeDeletesExpiredRowsOnlyAndCountsThem) {
  TempDir tmp;
  auto store = openOk(tmp.path());
  ASSERT_TRUE(store);
  const TimeMs day = kMsPerDay;
  const TimeMs t0 = 1772586900000;
  // old-resolved: fired and resolved long ago (2 history rows) -> goes.
  store->recordAlertChanges({change("old", "firing", "system", "", t0),
                             change("old", "resolved", "system", "", t0 + day)},
                            nullptr);
  // old-firing: fired long ago, still active -> stays.
  store->recordAlertChanges({change("active", "firing", "system", "", t0)}, nullptr);
  // recent: fired long ago, resolved after the cutoff -> stays.
  store->recordAlertChanges({change("recent", "firing", "system", "", t0),
                             change("recent", "resolved", "system", "", t0 + 50 * day)},
                            nullptr);
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 6; ++i) {
    DeadLetter d = letter(i, "x");
    d.received_at = t0 + i * 10 * day;  // days 0, 10, ..., 50
    letters.push_back(d);
  }
  store->addDeadLetters(std::move(letters));
  store->addTrainingRows(
      {trainingRow("e1", "C-gone"), trainingRow("e2", "C-gone"), trainingRow("e3", "C-kept")});
  store->flush();
  ASSERT_EQ(store->deadLetterCount(), 6u);

  StorePurge what;
  what.case_ids = {"C-gone", "C-never-seen"};
  what.resolved_before = t0 + 30 * day;
  what.dead_letters_before = t0 + 25 * day;  // days 0, 10, 20 go
  std::atomic<bool> called{false};
  StorePurgeCounts got;
  absl::Status status = absl::UnknownError("not called");
  store->purge(std::move(what), [&](const absl::Status& s, const StorePurgeCounts& n) {
    status = s;
    got = n;
    called = true;
  });
  store->flush();
  ASSERT_TRUE(called.load());
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(got.alerts, 1u);
  EXPECT_EQ(got.alert_history, 2u);
  EXPECT_EQ(got.dead_letters, 3u);
  EXPECT_EQ(got.training_rows, 2u);

  const std::string db = store->dbPath();
  EXPECT_EQ(queryText(db,
                      "SELECT group_concat(alert_id, ',') FROM (SELECT alert_id FROM alerts "
                      "ORDER BY alert_id)"),
            "active,recent");
  EXPECT_EQ(countRows(db, "alert_history WHERE alert_id = 'old'"), 0);
  EXPECT_EQ(countRows(db, "alert_history"), 3);
  EXPECT_EQ(countRows(db, "dead_letters"), 3);
  EXPECT_EQ(countRows(db, "dead_letters WHERE received_at < '2026-03-29'"), 0);
  EXPECT_EQ(store->deadLetterCount(), 3u);
  EXPECT_EQ(queryText(db, "SELECT group_concat(case_id, ',') FROM training_rows"), "C-kept");

  // Nothing left to purge: a second run deletes nothing.
  StorePurge again;
  again.case_ids = {"C-gone"};
  again.resolved_before = t0 + 30 * day;
  again.dead_letters_before = t0 + 25 * day;
  store->purge(std::move(again), [&](const absl::Status& s, const StorePurgeCounts& n) {
    status = s;
    got = n;
  });
  store->flush();
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(got.alerts + got.alert_history + got.dead_letters + got.training_rows, 0u);
}

}  // namespace
}  // namespace casewatch
