// The alert store's contract (daemon/store/alert_store.h), run against both engines: SQLite in a
// temp dir and PostgreSQL on the test binary's cluster (tests/fakes/alert_store_engines.h). What
// only one engine has (WAL, file migrations; lost connections) is in sqlite_alert_store_test.cc and
// postgres_alert_store_test.cc.
#include "daemon/store/alert_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "tests/fakes/alert_store_engines.h"
#include "tests/fakes/stored_records.h"

namespace casewatch {
namespace {

using testing::storedAlertChange;
using testing::storedDeadLetter;

TrainingRow trainingRow(const std::string& row_id, const std::string& case_id) {
  TrainingRow r;
  r.model = "escalation_risk";
  r.row_id = row_id;
  r.case_id = case_id;
  r.at = 1000;
  r.features = {1.0, 2.0};
  return r;
}

template <typename Engine>
class AlertStoreTest : public ::testing::Test {
 protected:
  AlertStorePtr openOk(size_t max_dead_letters = 100000) {
    auto s = place_.open(max_dead_letters);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }
  int64_t countRows(const std::string& table) {
    return std::stoll(place_.queryText("SELECT count(*) FROM " + table));
  }
  Engine place_;
};
TYPED_TEST_SUITE(AlertStoreTest, testing::AlertStoreEngines, testing::AlertStoreEngineNames);

TYPED_TEST(AlertStoreTest, DeadLettersRoundTripRawBytesNewestFirst) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  const std::string nasty("{\"a\":\0\xff\xfe\xc3(", 11);  // NUL and invalid UTF-8
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 5; ++i) letters.push_back(storedDeadLetter(i, nasty + std::to_string(i)));
  store->addDeadLetters(letters);
  store->addDeadLetters({storedDeadLetter(5, "")});
  store->flush();
  EXPECT_EQ(store->deadLetterCount(), 6u);

  auto all = store->listDeadLetters(100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].raw, "");
  for (int i = 0; i < 5; ++i) {
    const DeadLetter& got = (*all)[5 - i];
    const DeadLetter want = storedDeadLetter(i, nasty + std::to_string(i));
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
  EXPECT_EQ(this->place_.queryText("SELECT received_at FROM dead_letters WHERE id = 1"),
            "2026-03-04T01:15:00.000Z");
}

TYPED_TEST(AlertStoreTest, OldestDeadLettersBeyondTheCapAreTrimmed) {
  auto store = this->openOk(10);
  ASSERT_TRUE(store);
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<DeadLetter> letters;
    for (int i = 0; i < 7; ++i) letters.push_back(storedDeadLetter(batch * 7 + i, "x"));
    store->addDeadLetters(std::move(letters));
    store->flush();
  }
  EXPECT_EQ(store->deadLetterCount(), 10u);
  EXPECT_EQ(store->stats().dead_letters_trimmed.load(), 11u);
  auto all = store->listDeadLetters(100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  EXPECT_EQ(all->front().detail, storedDeadLetter(20, "").detail);  // the newest kept
  EXPECT_EQ(all->back().detail, storedDeadLetter(11, "").detail);   // the oldest kept
}

TYPED_TEST(AlertStoreTest, AlertChangesUpsertCurrentStateAndAppendHistory) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  store->recordAlertChanges({storedAlertChange("a1", "firing", "system", "", 1000)}, nullptr);
  store->recordAlertChanges({storedAlertChange("a1", "acknowledged", "duty:li", "on it", 2500)},
                            nullptr);
  store->flush();

  auto alerts = store->loadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 1u);
  const AlertRecord& a = (*alerts)[0];
  const AlertRecord want = storedAlertChange("a1", "acknowledged", "duty:li", "on it", 2500);
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

// One transaction with several changes of the same alerts, interleaved (the SQLite engine writes
// an alert's row once per transaction, for its last change): each alert's row is its last change,
// and every change is in its history, in order.
TYPED_TEST(AlertStoreTest, ChangesOfOneAlertInOneBatchLeaveTheLastAsItsRowAndAllInHistory) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  std::vector<AlertRecord> batch = {
      storedAlertChange("a1", "firing", "casewatch", "", 1000),
      storedAlertChange("a2", "firing", "casewatch", "", 1100),
      storedAlertChange("a1", "acknowledged", "duty:li", "on it", 1200),
      storedAlertChange("a2", "resolved", "casewatch", "", 1300),
      storedAlertChange("a1", "escalated", "casewatch", "level 1", 1400),
      storedAlertChange("a3", "firing", "casewatch", "", 1500),
  };
  store->recordAlertChanges(batch, nullptr);
  store->flush();

  auto alerts = store->loadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 3u);
  std::map<std::string, AlertRecord> by_id;
  for (const AlertRecord& a : *alerts) by_id[a.alert_id] = a;
  for (const auto& [id, status, at] :
       {std::tuple{"a1", "escalated", 1400}, std::tuple{"a2", "resolved", 1300},
        std::tuple{"a3", "firing", 1500}}) {
    ASSERT_TRUE(by_id.count(id)) << id;
    const AlertRecord& got = by_id[id];
    EXPECT_EQ(got.status, status) << id;
    EXPECT_EQ(got.updated_at, formatRfc3339(at)) << id;
    EXPECT_EQ(got.json, storedAlertChange(id, status, "", "", at).json) << id;
  }
  auto h1 = store->alertHistory("a1");
  ASSERT_TRUE(h1.ok()) << h1.status();
  ASSERT_EQ(h1->size(), 3u);
  EXPECT_EQ((*h1)[0].status, "firing");
  EXPECT_EQ((*h1)[1].status, "acknowledged");
  EXPECT_EQ((*h1)[1].note, "on it");
  EXPECT_EQ((*h1)[2].status, "escalated");
  EXPECT_EQ((*h1)[2].at, 1400);
  auto h2 = store->alertHistory("a2");
  ASSERT_TRUE(h2.ok()) << h2.status();
  ASSERT_EQ(h2->size(), 2u);
  EXPECT_EQ((*h2)[1].status, "resolved");
}

TYPED_TEST(AlertStoreTest, TheDaemonsOwnEvidenceUpdatesKeepWhoAndWhenButNotTheAlertInHistory) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  AlertRecord fired = storedAlertChange("a1", "firing", "casewatch", "", 1000);
  AlertRecord daily = storedAlertChange("a1", "firing", "casewatch", "", 2000);
  daily.action = "updated";
  daily.json = R"({"v":1,"alert_id":"a1","days_overdue":2})";
  AlertRecord noted = daily;  // an update a person made keeps the alert
  noted.actor = "duty:li";
  noted.note = "owner: county office";
  noted.at = 3000;
  store->recordAlertChanges({fired, daily, noted}, nullptr);
  store->flush();

  auto history = store->alertHistory("a1");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].json, fired.json);
  EXPECT_EQ((*history)[1].action, "updated");
  EXPECT_EQ((*history)[1].actor, "casewatch");
  EXPECT_EQ((*history)[1].at, 2000);
  EXPECT_EQ((*history)[1].json, "");
  EXPECT_EQ((*history)[2].json, noted.json);
  // The alert's own row has the update's numbers.
  auto alerts = store->loadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].json, noted.json);
}

TYPED_TEST(AlertStoreTest, ActiveAlertsLeaveOutResolvedOnesAndFiltersApply) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  AlertRecord other = storedAlertChange("a3", "firing", "system", "", 3000);
  other.model = "repeat_visit";
  other.region = "330200";
  store->recordAlertChanges({storedAlertChange("a1", "firing", "system", "", 1000),
                             storedAlertChange("a2", "firing", "system", "", 2000), other},
                            nullptr);
  store->recordAlertChanges({storedAlertChange("a2", "resolved", "duty:wang", "replied", 4000)},
                            nullptr);
  store->flush();

  auto active = store->loadActiveAlerts();  // in no particular order
  ASSERT_TRUE(active.ok());
  std::vector<std::string> ids;
  for (const AlertRecord& a : *active) ids.push_back(a.alert_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a3"}));
  // Start-up's streaming read hands over the same records' JSON.
  std::vector<std::string> jsons;
  for (const AlertRecord& a : *active) jsons.push_back(a.json);
  std::vector<std::string> streamed;
  ASSERT_TRUE(
      store->forEachActiveAlertJson([&](std::string_view j) { streamed.emplace_back(j); }).ok());
  std::sort(jsons.begin(), jsons.end());
  std::sort(streamed.begin(), streamed.end());
  EXPECT_EQ(streamed, jsons);
  EXPECT_FALSE(streamed.front().empty());
  AlertFilter active_only;
  active_only.active_only = true;
  auto newest_first = store->loadAlerts(active_only);
  ASSERT_TRUE(newest_first.ok());
  ASSERT_EQ(newest_first->size(), 2u);
  EXPECT_EQ((*newest_first)[0].alert_id, "a3");
  EXPECT_EQ((*newest_first)[1].alert_id, "a1");

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

TYPED_TEST(AlertStoreTest, CallbacksFireAfterCommitOnTheStoreThread) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  std::mutex mu;
  std::vector<int> order;
  std::vector<size_t> visible;  // history rows a fresh connection sees when the callback runs
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> on_caller_thread{false};
  for (int i = 0; i < 3; ++i) {
    store->recordAlertChanges(
        {storedAlertChange("a" + std::to_string(i), "firing", "system", "", 1000 + i)},
        [&, i](const absl::Status& s) {
          EXPECT_TRUE(s.ok()) << s;
          if (std::this_thread::get_id() == caller) on_caller_thread = true;
          const std::string rows = this->place_.queryText(
              "SELECT count(*) FROM alert_history WHERE alert_id='a" + std::to_string(i) + "'");
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

TYPED_TEST(AlertStoreTest, EverythingPersistsAcrossCloseAndReopen) {
  {
    auto store = this->openOk();
    ASSERT_TRUE(store);
    store->addDeadLetters({storedDeadLetter(1, "raw")});
    store->recordAlertChanges({storedAlertChange("a1", "firing", "system", "", 1000)}, nullptr);
    store->putSnapshot("cases", 5000, "state-v1");
    store->close();  // commits what is queued, no flush() needed
    store->close();  // idempotent
    bool called = false;
    absl::Status late;
    store->recordAlertChanges({storedAlertChange("a9", "firing", "system", "", 1)},
                              [&](const absl::Status& s) {
                                called = true;
                                late = s;
                              });
    EXPECT_TRUE(called);
    EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(store->listDeadLetters(1).status().code(), absl::StatusCode::kFailedPrecondition);
  }
  auto store = this->openOk();
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

TYPED_TEST(AlertStoreTest, SnapshotsRoundTripAndReplace) {
  auto store = this->openOk();
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
  EXPECT_EQ(this->place_.queryText("SELECT taken_at FROM snapshots WHERE name='cases'"),
            "1970-01-01T00:00:02.000Z");
}

TYPED_TEST(AlertStoreTest, StatsCountCommits) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  store->addDeadLetters({storedDeadLetter(1, "a")});
  store->flush();
  store->addDeadLetters({storedDeadLetter(2, "b")});
  store->flush();
  EXPECT_GE(store->stats().commits.load(), 2u);
  EXPECT_EQ(store->stats().commit_errors.load(), 0u);
  EXPECT_EQ(store->stats().writes_dropped.load(), 0u);
  EXPECT_EQ(store->stats().queue_depth.load(), 0u);
  EXPECT_GE(store->stats().last_commit_seconds.load(), 0.0);
}

// casewatch_store_commit_seconds: each committed transaction is observed once, on the store
// thread, with its duration; a failed one is not.
TYPED_TEST(AlertStoreTest, EachCommittedTransactionIsObservedWithItsDuration) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  std::mutex mu;
  std::vector<double> observed;
  store->setCommitObserver([&](double seconds) {
    std::lock_guard lk(mu);
    observed.push_back(seconds);
  });
  store->addDeadLetters({storedDeadLetter(1, "a")});
  store->flush();
  store->recordAlertChanges({storedAlertChange("a1", "firing", "casewatch", "", 1000)},
                            [](const absl::Status&) {});
  store->flush();
  std::lock_guard lk(mu);
  ASSERT_EQ(observed.size(), store->stats().commits.load());
  EXPECT_EQ(observed.size(), 2u);
  for (double s : observed) EXPECT_GE(s, 0.0);
  EXPECT_EQ(observed.back(), store->stats().last_commit_seconds.load());
}

TYPED_TEST(AlertStoreTest, AnOperatorActionCommitsItsChangesAndItsStateTogether) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  absl::Status result = absl::UnknownError("not called");
  std::string rows_seen;
  store->recordOperatorAction(
      {storedAlertChange("a1", "acknowledged", "duty:li", "on it", 2000)},
      NamedSnapshot{"alerts.workflow", 2000, R"({"silences":[]})"}, [&](const absl::Status& s) {
        result = s;
        rows_seen = this->place_.queryText("SELECT count(*) FROM alert_history");
      });
  store->flush();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(rows_seen, "1");  // committed before the callback runs
  EXPECT_EQ(this->place_.queryText("SELECT actor || ' ' || note FROM alert_history"),
            "duty:li on it");
  auto snap = store->getSnapshot("alerts.workflow");
  ASSERT_TRUE(snap.ok() && *snap);
  EXPECT_EQ(**snap, R"({"silences":[]})");
  EXPECT_TRUE(store->health().ok());
}

TYPED_TEST(AlertStoreTest, RetentionPurgeDeletesExpiredRowsOnlyAndCountsThem) {
  auto store = this->openOk();
  ASSERT_TRUE(store);
  const TimeMs day = kMsPerDay;
  const TimeMs t0 = 1772586900000;
  // old-resolved: fired and resolved long ago (2 history rows) -> goes.
  store->recordAlertChanges({storedAlertChange("old", "firing", "system", "", t0),
                             storedAlertChange("old", "resolved", "system", "", t0 + day)},
                            nullptr);
  // old-firing: fired long ago, still active -> stays.
  store->recordAlertChanges({storedAlertChange("active", "firing", "system", "", t0)}, nullptr);
  // recent: fired long ago, resolved after the cutoff -> stays.
  store->recordAlertChanges({storedAlertChange("recent", "firing", "system", "", t0),
                             storedAlertChange("recent", "resolved", "system", "", t0 + 50 * day)},
                            nullptr);
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 6; ++i) {
    DeadLetter d = storedDeadLetter(i, "x");
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

  auto alerts = store->loadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  std::vector<std::string> ids;
  for (const AlertRecord& a : *alerts) ids.push_back(a.alert_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"active", "recent"}));
  EXPECT_EQ(this->countRows("alert_history WHERE alert_id = 'old'"), 0);
  EXPECT_EQ(this->countRows("alert_history"), 3);
  EXPECT_EQ(this->countRows("dead_letters"), 3);
  EXPECT_EQ(this->countRows("dead_letters WHERE received_at < '2026-03-29'"), 0);
  EXPECT_EQ(store->deadLetterCount(), 3u);
  auto rows = store->loadTrainingRows("escalation_risk", 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].case_id, "C-kept");

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
