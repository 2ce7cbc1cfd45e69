#include "alerts/sinks/alertmanager/alertmanager_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/alerts/sinks/alertmanager/fake_alertmanager.h"
#include "tests/fakes/contract_alert_names.h"
#include "tests/fakes/manual_clock.h"

namespace casewatch {
namespace {

using testing::FakeAlertmanager;

constexpr TimeMs kT0 = 1772586900000;

AlertChange change(std::string subject, Tier tier, AlertStatus status = AlertStatus::kFiring,
                   ChangeKind kind = ChangeKind::kFired) {
  AlertChange c;
  Alert& a = c.alert;
  a.model = "overdue";
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = std::move(subject);
  a.alert_id = alertFingerprint("overdue", SubjectKind::kCase, a.subject_id);
  a.tier = tier;
  a.status = status;
  a.starts_at = kT0;
  a.updated_at = kT0 + kMsPerMinute;
  a.summary.set("en", "summary");
  c.kind = kind;
  return c;
}

struct Posted {
  std::string subject, tier, status;
  bool active;  // endsAt after the (fixed) wall clock
};

// Every alert in every body a fake node received, in order.
std::vector<Posted> posted(const FakeAlertmanager& am) {
  std::vector<Posted> out;
  for (const std::string& body : am.bodies()) {
    for (const auto& j : nlohmann::json::parse(body)) {
      out.push_back(Posted{j["labels"]["subject_id"].get<std::string>(),
                           j["labels"]["tier"].get<std::string>(),
                           j["annotations"]["status"].get<std::string>(),
                           j["endsAt"].get<std::string>() > formatRfc3339(kT0 + kMsPerHour, 0)});
    }
  }
  return out;
}

class AlertmanagerSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<AlertmanagerSink> make(std::vector<std::string> urls) {
    AlertmanagerSinkOptions o;
    o.urls = std::move(urls);
    o.resend_interval_ms = kMsPerHour;  // no periodic re-send during a test
    o.timeout = std::chrono::milliseconds(2000);
    o.retry.initial_backoff_ms = 5;
    o.retry.max_backoff_ms = 20;
    o.payload.generator_base = "http://127.0.0.1:9470";
    o.payload.alert_names = testing::contractAlertNames();
    o.wall = &clock_;
    auto s = AlertmanagerSink::create(std::move(o));
    EXPECT_TRUE(s.ok()) << s.status();
    return std::move(*s);
  }
  testing::ManualClock clock_{kT0 + kMsPerHour};  // the wall clock, fixed
};

TEST_F(AlertmanagerSinkTest, PostsEveryAlertToEveryNode) {
  FakeAlertmanager a, b;
  auto sink = make({a.url(), b.url() + "/prefix"});
  EXPECT_EQ(sink->deliver(change("C-1", Tier::kOrange)), SinkOutcome::kDelivered);
  ASSERT_TRUE(
      FakeAlertmanager::waitFor([&] { return !a.bodies().empty() && !b.bodies().empty(); }));
  EXPECT_THAT(a.paths()[0], ::testing::StartsWith("POST /api/v2/alerts "));
  EXPECT_THAT(b.paths()[0], ::testing::StartsWith("POST /prefix/api/v2/alerts "));
  const auto j = nlohmann::json::parse(a.bodies()[0]);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["labels"]["alertname"], "CaseOverdue");
  EXPECT_EQ(j[0]["labels"]["severity"], "major");
  sink->stop();
  EXPECT_EQ(sink->stats().requests_failed, 0u);
}

TEST_F(AlertmanagerSinkTest, ANodeThatIsDownGetsTheLatestStateOnceWhenItIsBack) {
  FakeAlertmanager am;
  am.setStatus(503);
  auto sink = make({am.url()});
  sink->deliver(change("C-1", Tier::kRed));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return am.requests() >= 3; }));  // retrying
  sink->deliver(change("C-1", Tier::kRed, AlertStatus::kEscalated, ChangeKind::kEscalated));
  sink->deliver(change("C-1", Tier::kRed, AlertStatus::kAcknowledged, ChangeKind::kAcknowledged));
  sink->deliver(change("C-2", Tier::kYellow));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return sink->stats().waiting == 2; }));
  am.setStatus(200);
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return sink->stats().waiting == 0; }));
  const auto p = posted(am);
  ASSERT_EQ(p.size(), 2u);  // coalesced: one state per alert
  EXPECT_EQ(p[0].subject, "C-1");
  EXPECT_EQ(p[0].status, "acknowledged");  // the latest
  EXPECT_TRUE(p[0].active);
  EXPECT_EQ(p[1].subject, "C-2");
  EXPECT_GE(sink->stats().requests_failed, 3u);
}

TEST_F(AlertmanagerSinkTest, NewLabelsEndTheOldLabelSet) {
  FakeAlertmanager am;
  auto sink = make({am.url()});
  sink->deliver(change("C-1", Tier::kOrange));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return posted(am).size() == 1; }));
  sink->deliver(change("C-1", Tier::kRed, AlertStatus::kFiring, ChangeKind::kTierChanged));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return posted(am).size() == 3; }));
  const auto p = posted(am);
  EXPECT_EQ(p[1].tier, "orange");
  EXPECT_FALSE(p[1].active);  // ended
  EXPECT_EQ(p[2].tier, "red");
  EXPECT_TRUE(p[2].active);
}

TEST_F(AlertmanagerSinkTest, SilencedAlertsAreEndedThereAndNeverShownOnesAreNotSent) {
  FakeAlertmanager am;
  auto sink = make({am.url()});
  sink->deliver(change("C-1", Tier::kOrange, AlertStatus::kSilenced));  // never shown: nothing
  sink->deliver(change("C-2", Tier::kOrange));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return posted(am).size() == 1; }));
  sink->deliver(change("C-2", Tier::kOrange, AlertStatus::kSilenced, ChangeKind::kSilenced));
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return posted(am).size() == 2; }));
  sink->deliver(change("C-1", Tier::kOrange, AlertStatus::kResolved, ChangeKind::kResolved));
  sink->deliver(change("C-3", Tier::kYellow));  // a marker: everything before it was processed
  ASSERT_TRUE(FakeAlertmanager::waitFor([&] { return posted(am).size() == 3; }));
  const auto p = posted(am);
  EXPECT_EQ(p[0].subject, "C-2");
  EXPECT_TRUE(p[0].active);
  EXPECT_EQ(p[1].subject, "C-2");
  EXPECT_FALSE(p[1].active);
  EXPECT_EQ(p[2].subject, "C-3");
  for (const Posted& x : p) EXPECT_NE(x.subject, "C-1");
}

TEST_F(AlertmanagerSinkTest, BadUrlsAreRefusedAtCreation) {
  AlertmanagerSinkOptions o;
  o.urls = {"http://127.0.0.1:9093", "ftp://x"};
  auto s = AlertmanagerSink::create(o);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("alertmanager.urls[1]"));
}

}  // namespace
}  // namespace casewatch
