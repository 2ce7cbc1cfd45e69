// The shared record of the escalation notices sent, on a real PostgreSQL ("Postgres" in the suite
// name: ctest store.postgresql): the leader marks a notice before it publishes it and marks it
// sent after; the follower publishes nothing; a follower that takes over sends what the old leader
// never marked, sends again what it marked but may not have sent, and skips what it sent, also
// when its own clock stamped that notice a few seconds apart (the wall clock).
#include "daemon/ha/escalation_send_log.h"

#include <gtest/gtest.h>

#include <mutex>

#include "base/time.h"

#include "tests/fakes/alert_store_engines.h"
#include "tests/fakes/eventually.h"

namespace casewatch {
namespace {

using testing::PostgresStorePlace;

class Bus {
 public:
  SinkOutcome publish(std::string_view topic, std::string_view body) {
    std::lock_guard lock(mu_);
    sent_.push_back(std::string(topic) + " " + std::string(body));
    return SinkOutcome::kDelivered;
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
};

constexpr const char* kAt = "2026-03-17T04:00:00.000Z";

// A change as the bus carries it: its seq, alert and time.
std::string body(int seq) {
  return "{\"seq\":" + std::to_string(seq) + ",\"v\":1,\"alert_id\":\"al-" + std::to_string(seq) +
         "\",\"updated_at\":\"" + kAt + "\"}";
}

std::unique_ptr<EscalationSendLog> logFor(PostgresStorePlace& place, const std::string& replica,
                                          Bus& bus) {
  return std::make_unique<EscalationSendLog>(
      EscalationSendLogOptions{place.cluster()->conninfo(place.database()),
                               place.cluster()->password(), replica},
      [&bus](std::string_view t, std::string_view b) { return bus.publish(t, b); },
      [](std::function<void()> fn) { fn(); });  // the test's "io_context": at once
}

TEST(EscalationSendLogPostgresTest, ANewLeaderSendsWhatTheOldOneHadNotAndNothingItHad) {
  PostgresStorePlace place;
  ASSERT_TRUE(place.cluster());
  auto store = place.open();  // the schema
  ASSERT_TRUE(store.ok()) << store.status();
  (*store)->close();

  Bus bus_a, bus_b;
  auto a = logFor(place, "a", bus_a);
  auto b = logFor(place, "b", bus_b);
  a->start();
  b->start();
  a->setLeader(true);
  // Both replicas decide notice 1; only the leader sends it, and marks it sent.
  a->offer("escalation.notice", body(1));
  b->offer("escalation.notice", body(1));
  ASSERT_TRUE(testing::eventually([&] {
    return place.queryText("SELECT state FROM escalations_sent WHERE alert_id = 'al-1'") == "sent";
  }));
  EXPECT_EQ(bus_a.sent(), (std::vector<std::string>{"escalation.notice " + body(1)}));
  EXPECT_EQ(
      place.queryText("SELECT replica || ' ' || seq || ' ' || change_at FROM escalations_sent"),
      "a 1 " + std::to_string(*parseRfc3339(kAt)));

  // a dies having marked notice 2 but before sending it, and before it got to notice 3.
  a.reset();
  place.queryText(
      "INSERT INTO escalations_sent(alert_id, topic, change_at, seq, replica, state) VALUES "
      "('al-2', 'escalation.1', " +
      std::to_string(*parseRfc3339(kAt)) + ", 2, 'a', 'sending')");
  b->offer("escalation.1", body(2));
  b->offer("escalation.notice", body(3));
  // Notice 1 as b's own wall clock stamped it, 3 s later than a did: the same notice.
  std::string late = body(1);
  late.replace(late.find("04:00:00.000"), 12, "04:00:03.000");
  b->offer("escalation.notice", late);
  EXPECT_TRUE(bus_b.sent().empty());  // a follower publishes nothing
  b->setLeader(true);
  ASSERT_TRUE(testing::eventually([&] { return bus_b.sent().size() >= 2; }));
  ASSERT_TRUE(testing::eventually([&] {
    return place.queryText("SELECT count(*) FROM escalations_sent WHERE state = 'sent'") == "3";
  }));
  EXPECT_EQ(bus_b.sent(),
            (std::vector<std::string>{"escalation.1 " + body(2), "escalation.notice " + body(3)}));
  EXPECT_EQ(
      place.queryText("SELECT string_agg(replica, ',' ORDER BY alert_id) FROM escalations_sent"),
      "a,b,b");
  // Offered again (a restart re-publishing what it decided before): already sent, skipped.
  b->offer("escalation.notice", body(3));
  b->offer("escalation.2", body(4));
  ASSERT_TRUE(testing::eventually([&] { return bus_b.sent().size() >= 3; }));
  b.reset();
  EXPECT_EQ(bus_b.sent().size(), 3u);
  EXPECT_EQ(bus_b.sent().back(), "escalation.2 " + body(4));
}

}  // namespace
}  // namespace casewatch
