// What only the PostgreSQL engine of the alert store has: its schema in a shared database (made
// once when daemons start together, refused when newer), a lost connection waited out keeping the
// writes, and text PostgreSQL would refuse. The contract both engines keep is tested in
// alert_store_test.cc. The server is the test binary's cluster (tests/fakes/postgres_cluster.h).
#include "daemon/store/postgres_alert_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/fakes/alert_store_engines.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/stored_records.h"

namespace casewatch {
namespace {

using testing::storedAlertChange;

using testing::eventually;
using testing::PostgresStorePlace;

AlertStorePtr openOk(PostgresStorePlace& place) {
  auto s = place.open();
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(PostgresAlertStoreTest, DaemonsStartingTogetherMigrateTheDatabaseOnce) {
  PostgresStorePlace place;
  AlertStorePtr a, b;
  std::thread other([&] { a = openOk(place); });
  b = openOk(place);
  other.join();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(place.queryText("SELECT value FROM meta WHERE key = 'schema_version'"), "5");
  EXPECT_EQ(place.queryText("SELECT count(*) FROM meta"), "1");
  // One writes, the other reads it: one store shared.
  a->recordAlertChanges({storedAlertChange("a1", "firing", "system", "", 1000)}, nullptr);
  a->flush();
  auto seen = b->loadActiveAlerts();
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].alert_id, "a1");
  EXPECT_EQ(a->location().rfind("postgresql: host=127.0.0.1 ", 0), 0u) << a->location();
}

TEST(PostgresAlertStoreTest, RefusesADatabaseFromANewerSchema) {
  PostgresStorePlace place;
  openOk(place)->close();
  place.queryText("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  auto s = place.open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("schema version 99"), std::string::npos) << s.status();
}

// The database out of reach (connections refused, the store's sessions ended): nothing queued is
// dropped, health() says why, holdingWrites() asks the daemon to stop taking events, and a duty
// officer's action is answered with the error at once. Back in reach, the kept writes commit.
TEST(PostgresAlertStoreTest, KeepsWritesThroughALostConnectionAndAnswersAnOperatorActionAtOnce) {
  PostgresStorePlace place;
  ASSERT_TRUE(place.cluster());
  auto store = openOk(place);
  ASSERT_TRUE(store);
  std::atomic<int> health_changes{0};
  store->setOnHealthChange([&] { ++health_changes; });
  store->recordAlertChanges({storedAlertChange("a1", "firing", "system", "", 1000)}, nullptr);
  store->flush();
  testing::PostgresCluster& pg = *place.cluster();
  const std::string db = place.database();
  ASSERT_TRUE(pg.adminQuery("postgres", "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false").ok());
  ASSERT_TRUE(pg.adminQuery("postgres",
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = '" +
                                db + "'")
                  .ok());

  std::atomic<bool> kept_answered{false};
  absl::Status kept = absl::UnknownError("not answered");
  store->recordAlertChanges({storedAlertChange("a2", "firing", "system", "", 2000)},
                            [&](const absl::Status& s) {
                              kept = s;
                              kept_answered = true;
                            });
  std::atomic<bool> action_answered{false};
  absl::Status action = absl::UnknownError("not answered");
  store->recordOperatorAction({storedAlertChange("a1", "acknowledged", "duty:li", "on it", 3000)},
                              NamedSnapshot{"alerts.workflow", 3000, "{}"},
                              [&](const absl::Status& s) {
                                action = s;
                                action_answered = true;
                              });
  ASSERT_TRUE(eventually([&] { return action_answered.load(); }));
  EXPECT_EQ(action.code(), absl::StatusCode::kUnavailable) << action;
  ASSERT_TRUE(eventually([&] { return store->holdingWrites(); }));
  const absl::Status health = store->health();
  EXPECT_EQ(health.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(health.message().find("not currently accepting connections"), std::string::npos)
      << health;
  EXPECT_GT(health_changes.load(), 0);
  EXPECT_FALSE(kept_answered.load());

  ASSERT_TRUE(pg.adminQuery("postgres", "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true").ok());
  ASSERT_TRUE(eventually([&] { return kept_answered.load(); }));
  EXPECT_TRUE(kept.ok()) << kept;
  EXPECT_TRUE(store->health().ok()) << store->health();
  EXPECT_FALSE(store->holdingWrites());
  auto alerts = store->loadAlerts();  // the read connection comes back by itself
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ((*alerts)[0].alert_id, "a2");
  EXPECT_EQ((*alerts)[1].status, "firing");  // the refused ack wrote nothing
  EXPECT_EQ(store->alertHistory("a1")->size(), 1u);
  EXPECT_FALSE(*store->getSnapshot("alerts.workflow"));
  EXPECT_EQ(store->stats().writes_dropped.load(), 1u);  // the action, answered
}

// The two replicas of an HA pair record the same automatic change (same alert, seq and action):
// the history keeps one row, and a replica recording late does not take the alert's row back to
// an older change. Rows without a seq (a duty officer's action, recorded before it gets one) and
// rows of another action at the same seq are all kept.
TEST(PostgresAlertStoreTest, TheSameChangeRecordedByBothReplicasOfAnHaPairIsKeptOnce) {
  PostgresStorePlace place;
  AlertStorePtr a = openOk(place);
  AlertStorePtr b = openOk(place);
  ASSERT_TRUE(a && b);
  AlertRecord fired = storedAlertChange("al-1", "firing", "casewatch", "", 1000);
  fired.seq = uint64_t{5} << 20;
  AlertRecord escalated = storedAlertChange("al-1", "escalated", "casewatch", "", 2000);
  escalated.seq = (uint64_t{6} << 20) + 1;
  a->recordAlertChanges({fired, escalated}, nullptr);
  a->flush();
  b->recordAlertChanges({fired}, nullptr);  // b is behind: a has recorded both already
  b->flush();
  auto history = a->alertHistory("al-1");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].action, "fire");
  EXPECT_EQ((*history)[1].action, "escalated");
  auto now = b->loadAlerts();
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_EQ(now->size(), 1u);
  EXPECT_EQ((*now)[0].status, "escalated");  // not taken back to firing by b's late record
  b->recordAlertChanges({escalated}, nullptr);
  b->flush();
  EXPECT_EQ(a->alertHistory("al-1")->size(), 2u);
  EXPECT_EQ(place.queryText("SELECT count(*) FROM alert_history WHERE seq IS NOT NULL"), "2");

  AlertRecord ack = storedAlertChange("al-1", "acknowledged", "duty:li", "on it", 3000);
  a->recordOperatorAction({ack}, std::nullopt, nullptr);
  b->recordOperatorAction({ack}, std::nullopt, nullptr);
  a->flush();
  b->flush();
  AlertRecord other = storedAlertChange("al-1", "silenced", "casewatch", "", 4000);
  other.seq = escalated.seq;  // the same seq, another change: kept
  a->recordAlertChanges({other}, nullptr);
  a->flush();
  EXPECT_EQ(a->alertHistory("al-1")->size(), 5u);
  EXPECT_EQ((*a->loadAlerts())[0].status, "silenced");
}

// PostgreSQL's text refuses NUL bytes and invalid UTF-8, and with them the whole transaction: such
// bytes (say, in a duty officer's note) go in as U+FFFD so that the batch around them commits.
TEST(PostgresAlertStoreTest, TextPostgresqlWouldRefuseIsStoredWithReplacementCharacters) {
  PostgresStorePlace place;
  auto store = openOk(place);
  ASSERT_TRUE(store);
  absl::Status result = absl::UnknownError("not answered");
  store->recordOperatorAction(
      {storedAlertChange("a1", "acknowledged", "duty:li", std::string("on\0it\xff", 6), 1000)},
      std::nullopt, [&](const absl::Status& s) { result = s; });
  store->flush();
  EXPECT_TRUE(result.ok()) << result;
  auto history = store->alertHistory("a1");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].note, "on\xEF\xBF\xBDit\xEF\xBF\xBD");
}

}  // namespace
}  // namespace casewatch
