// The follower's listener of shared actions on a real PostgreSQL (tests/fakes/postgres_cluster.h;
// "Postgres" in the suite name runs it in ctest store.postgresql): an action the store commits is
// handed over (woken by its NOTIFY), one committed before the listener started is not, and after
// its session is cut the listener comes back and reads what was committed meanwhile.
#include "daemon/ha/shared_action_listener.h"

#include <gtest/gtest.h>

#include <mutex>

#include "tests/fakes/alert_store_engines.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/stored_records.h"

namespace casewatch {
namespace {

using testing::PostgresStorePlace;

class Heard {
 public:
  void add(std::vector<std::string> actions) {
    std::lock_guard lock(mu_);
    for (auto& a : actions) actions_.push_back(std::move(a));
  }
  std::vector<std::string> all() const {
    std::lock_guard lock(mu_);
    return actions_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> actions_;
};

void share(AlertStore& store, const std::string& action) {
  absl::Status result = absl::UnknownError("not answered");
  store.recordSharedOperatorAction(
      {testing::storedAlertChange("al-1", "acknowledged", "duty:li", "", 1000)}, std::nullopt,
      action, [&](const absl::Status& s) { result = s; });
  store.flush();
  ASSERT_TRUE(result.ok()) << result;
}

TEST(SharedActionListenerPostgresTest, HandsOverWhatIsCommittedAfterItStartsAndAfterACut) {
  PostgresStorePlace place;
  ASSERT_TRUE(place.cluster());
  auto store = place.open();
  ASSERT_TRUE(store.ok()) << store.status();
  share(**store, "before");

  Heard heard;
  SharedActionListener listener(
      SharedActionListenerOptions{place.cluster()->conninfo(place.database()),
                                  place.cluster()->password(), "b"},
      [&](std::vector<std::string> a) { heard.add(std::move(a)); });
  ASSERT_TRUE(listener.start().ok());
  share(**store, "first");
  share(**store, "second");
  ASSERT_TRUE(testing::eventually([&] { return heard.all().size() >= 2; }));
  EXPECT_EQ(heard.all(), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(place.queryText("SELECT count(*) FROM workflow_actions"), "3");

  // Every session of the database cut (the store's too; it reconnects for its next write).
  ASSERT_EQ(place.queryText("SELECT count(pg_terminate_backend(pid)) > 0 FROM pg_stat_activity "
                            "WHERE datname = '" +
                            place.database() + "' AND pid <> pg_backend_pid()"),
            "t");
  share(**store, "after the cut");
  ASSERT_TRUE(testing::eventually([&] { return heard.all().size() >= 3; }));
  EXPECT_EQ(heard.all(), (std::vector<std::string>{"first", "second", "after the cut"}));
  listener.stop();
  (*store)->close();
}

}  // namespace
}  // namespace casewatch
