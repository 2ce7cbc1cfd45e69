#include "alerts/workflow/alert_dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Recording : public Sink {
 public:
  explicit Recording(std::string name, std::vector<std::string>* log, int fail_first = 0)
      : name_(std::move(name)), log_(log), fail_(fail_first) {}
  std::string_view name() const override { return name_; }
  SinkOutcome deliver(const AlertChange& c) override {
    if (fail_ > 0) {
      --fail_;
      return SinkOutcome::kRetryLater;
    }
    log_->push_back(name_ + ":" + c.note);
    return SinkOutcome::kDelivered;
  }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  int fail_;
};

AlertChange change(std::string note, bool notify = true, ChangeKind kind = ChangeKind::kFired) {
  AlertChange c;
  c.alert.alert_id = "a";
  c.alert.model = "overdue";
  c.alert.tier = Tier::kRed;
  c.kind = kind;
  c.note = std::move(note);
  c.notify = notify;
  return c;
}

TEST(AlertDispatcherTest, RoutesByNotifyAndSeedsStateSinks) {
  std::vector<std::string> log;
  AlertDispatcher d(RetryPolicy{}, AlertJsonOptions{});
  d.addSink(std::make_unique<Recording>("bus", &log), AlertDispatcher::Route::kEveryChange);
  d.addSink(std::make_unique<Recording>("console", &log), AlertDispatcher::Route::kNotify);
  d.addSink(std::make_unique<Recording>("am", &log), AlertDispatcher::Route::kState);
  d.deliver({change("seen"), change("muted", false)}, 0);
  EXPECT_THAT(log, ElementsAre("bus:seen", "bus:muted", "console:seen", "am:seen", "am:muted"));
  log.clear();
  Alert a;
  a.alert_id = "b";
  d.seed({a}, 0, 0);
  EXPECT_THAT(log, ElementsAre("am:active at start-up"));
}

TEST(AlertDispatcherTest, ASlowSinkRetriesWithoutHoldingUpTheOthers) {
  std::vector<std::string> log;
  AlertDispatcher d(RetryPolicy{100, 1000, 2.0, 0}, AlertJsonOptions{});
  d.addSink(std::make_unique<Recording>("slow", &log, 1), AlertDispatcher::Route::kEveryChange);
  d.addSink(std::make_unique<Recording>("fast", &log), AlertDispatcher::Route::kEveryChange);
  d.deliver({change("1"), change("2")}, 0);
  EXPECT_THAT(log, ElementsAre("fast:1", "fast:2"));
  EXPECT_EQ(d.queued(), 2u);
  EXPECT_EQ(d.pump(50), 100);
  EXPECT_EQ(d.pump(100), std::nullopt);
  EXPECT_THAT(log, ElementsAre("fast:1", "fast:2", "slow:1", "slow:2"));
}

TEST(AlertDispatcherTest, EscalationsAndNoticesGetTheirOwnTopics) {
  std::vector<std::pair<std::string, std::string>> published;
  AlertDispatcher d(RetryPolicy{}, AlertJsonOptions{});
  d.setEscalationPublisher([&](std::string_view topic, std::string_view body) {
    published.emplace_back(std::string(topic), std::string(body));
    return SinkOutcome::kDelivered;
  });
  AlertChange esc = change("up", true, ChangeKind::kEscalated);
  esc.alert.escalation = AlertEscalation{2, "leadership", 1772586900000};
  AlertChange fired = change("new red");
  fired.notice = "leadership,party_secretary";
  d.deliver({change("plain"), esc, fired}, 0);
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].first, "escalation.2");
  const auto e = nlohmann::json::parse(published[0].second);
  EXPECT_EQ(e["escalation"]["target"], "leadership");
  EXPECT_EQ(e["change"], "escalated");
  EXPECT_EQ(published[1].first, "escalation.notice");
  const auto n = nlohmann::json::parse(published[1].second);
  EXPECT_EQ(n["notice"]["targets"], nlohmann::json({"leadership", "party_secretary"}));
  EXPECT_EQ(n["alert_id"], "a");
}

TEST(AlertDispatcherTest, AFollowerPublishesNoEscalationTopicsButTheOtherSinksStillGetAll) {
  std::vector<std::string> topics;
  int failures = 1;  // the first publish fails: one escalation waits for a retry
  std::vector<std::string> log;
  AlertDispatcher d(RetryPolicy{}, AlertJsonOptions{});
  d.addSink(std::make_unique<Recording>("bus", &log), AlertDispatcher::Route::kEveryChange);
  d.setEscalationPublisher([&](std::string_view topic, std::string_view) {
    if (failures-- > 0) return SinkOutcome::kRetryLater;
    topics.emplace_back(topic);
    return SinkOutcome::kDelivered;
  });
  AlertChange esc = change("up", true, ChangeKind::kEscalated);
  esc.alert.escalation = AlertEscalation{2, "leadership", 1772586900000};
  d.deliver({esc}, 0);
  EXPECT_EQ(d.queued(), 1u);
  // Losing leadership drops what waited: the new leader publishes from its own computation.
  EXPECT_EQ(d.setPublishingEscalations(false), 1u);
  EXPECT_EQ(d.queued(), 0u);
  d.deliver({esc}, 1'000'000);
  EXPECT_TRUE(topics.empty());
  EXPECT_THAT(log, ElementsAre("bus:up", "bus:up"));
  EXPECT_EQ(d.setPublishingEscalations(true), 0u);
  d.deliver({esc}, 2'000'000);
  EXPECT_THAT(topics, ElementsAre("escalation.2"));
}

TEST(AlertDispatcherTest, AReplacedSinkTakesOverWhatWaitedForTheOldOneInOrder) {
  std::vector<std::string> log;
  AlertDispatcher d(RetryPolicy{}, AlertJsonOptions{});
  d.addSink(std::make_unique<Recording>("bus", &log), AlertDispatcher::Route::kEveryChange);
  d.addSink(std::make_unique<Recording>("am", &log, /*fail_first=*/100),
            AlertDispatcher::Route::kState);
  d.deliver({change("one"), change("two")}, 0);
  EXPECT_THAT(log, ElementsAre("bus:one", "bus:two"));
  EXPECT_EQ(d.queued(), 2u);  // waiting for the failing Alertmanager

  log.clear();
  ASSERT_TRUE(d.replaceSink("am", std::make_unique<Recording>("am", &log)));
  EXPECT_TRUE(d.hasSink("am"));
  d.pump(1'000'000);
  EXPECT_THAT(log, ElementsAre("am:one", "am:two"));
  d.deliver({change("muted", false)}, 1'000'000);  // the route stays kState: it sees every change
  EXPECT_THAT(log, ElementsAre("am:one", "am:two", "bus:muted", "am:muted"));
  EXPECT_FALSE(d.replaceSink("nobody", std::make_unique<Recording>("x", &log)));
}

TEST(AlertDispatcherTest, ARemovedSinkHearsNothingMoreAndItsBacklogIsCounted) {
  std::vector<std::string> log;
  AlertDispatcher d(RetryPolicy{}, AlertJsonOptions{});
  d.addSink(std::make_unique<Recording>("bus", &log), AlertDispatcher::Route::kEveryChange);
  d.addSink(std::make_unique<Recording>("am", &log, 100), AlertDispatcher::Route::kState);
  d.deliver({change("one")}, 0);
  EXPECT_EQ(d.removeSink("am"), 1u);
  EXPECT_FALSE(d.hasSink("am"));
  EXPECT_EQ(d.queued(), 0u);
  d.deliver({change("two")}, 0);
  EXPECT_THAT(log, ElementsAre("bus:one", "bus:two"));
  EXPECT_EQ(d.removeSink("am"), 0u);
}

}  // namespace
}  // namespace casewatch
