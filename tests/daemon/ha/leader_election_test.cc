// Leader election on a real PostgreSQL (tests/fakes/postgres_cluster.h; "Postgres" in the suite
// name runs them in ctest store.postgresql, on its one cluster): one leader of two, the
// other takes over when the leader stops, and a leader whose session is cut steps down at once.
#include "daemon/ha/leader_election.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "tests/fakes/eventually.h"
#include "tests/fakes/postgres_cluster.h"

namespace casewatch {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

LeaderElectionOptions optionsFor(testing::PostgresCluster& pg, const std::string& db,
                                 const std::string& replica) {
  LeaderElectionOptions o;
  o.conninfo = pg.conninfo(db);
  o.password = pg.password();
  o.takeover_seconds = 3;
  o.replica = replica;
  return o;
}

TEST(LeaderElectionPostgresTest, OneOfTwoLeadsAndTheOtherTakesOverWhenItStops) {
  std::string error;
  testing::PostgresCluster* pg = testing::sharedPostgresCluster(&error);
  ASSERT_NE(pg, nullptr) << error;
  auto db = pg->createDatabase();
  ASSERT_TRUE(db.ok()) << db.status();
  std::atomic<int> changes_a = 0;
  auto a = std::make_unique<LeaderElection>(optionsFor(*pg, *db, "a"), [&](bool) { ++changes_a; });
  LeaderElection b(optionsFor(*pg, *db, "b"), nullptr);
  a->start();
  ASSERT_TRUE(testing::eventually([&] { return a->leader(); }));
  b.start();
  // b has tried (and failed) by the time it has connected and asked once: a second and more.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(b.leader());
  EXPECT_TRUE(a->leader());

  a.reset();                       // a clean stop ends the session: the lock is free at once
  EXPECT_EQ(changes_a.load(), 2);  // leader, then follower on stopping
  ASSERT_TRUE(testing::eventually([&] { return b.leader(); }));
}

TEST(LeaderElectionPostgresTest, ALeaderWhoseSessionIsCutStepsDownAndWinsTheLockAgain) {
  std::string error;
  testing::PostgresCluster* pg = testing::sharedPostgresCluster(&error);
  ASSERT_NE(pg, nullptr) << error;
  auto db = pg->createDatabase();
  ASSERT_TRUE(db.ok()) << db.status();
  std::atomic<int> followed = 0;
  LeaderElection a(optionsFor(*pg, *db, "a"), [&](bool leader) {
    if (!leader) ++followed;
  });
  a.start();
  ASSERT_TRUE(testing::eventually([&] { return a.leader(); }));
  auto cut =
      pg->adminQuery(*db,
                     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = 'casewatchd ha' AND datname = current_database()");
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(*cut, "1");
  ASSERT_TRUE(testing::eventually([&] { return followed.load() == 1; }));
  ASSERT_TRUE(testing::eventually([&] { return a.leader(); }));  // alone: it wins again
}

TEST(LeaderElectionPostgresTest, AUriConninfoTakesTheLeaseToo) {
  std::string error;
  testing::PostgresCluster* pg = testing::sharedPostgresCluster(&error);
  ASSERT_NE(pg, nullptr) << error;
  auto db = pg->createDatabase();
  ASSERT_TRUE(db.ok()) << db.status();
  LeaderElectionOptions o = optionsFor(*pg, *db, "uri");
  o.conninfo = "postgresql://casewatch_store@127.0.0.1:" + std::to_string(pg->port()) + "/" + *db;
  LeaderElection a(o, nullptr);
  a.start();
  ASSERT_TRUE(testing::eventually([&] { return a.leader(); }));
  auto idle = pg->adminQuery(*db,
                             "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                             "'casewatchd ha' AND datname = current_database()");
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(*idle, "1");
}

TEST(LeaderElectionTest, TheLeaseFitsTheTakeoverBound) {
  using KV = std::pair<std::string, std::string>;
  EXPECT_THAT(LeaderElection::clientKeepalives(10), Contains(KV("keepalives_idle", "3")));
  EXPECT_THAT(LeaderElection::clientKeepalives(10), Contains(KV("tcp_user_timeout", "6666")));
  EXPECT_THAT(LeaderElection::serverKeepalives(10), HasSubstr("SET tcp_keepalives_idle = 3"));
  // The shortest bound still has probes of at least a second.
  EXPECT_THAT(LeaderElection::clientKeepalives(1), Contains(KV("keepalives_interval", "1")));
  EXPECT_THAT(LeaderElection::serverKeepalives(1), HasSubstr("tcp_user_timeout = 1000"));
}

}  // namespace
}  // namespace casewatch
