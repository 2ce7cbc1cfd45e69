#include "alerts/sinks/alertmanager/alertmanager_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerts/sinks/alertmanager/http_client.h"
#include "tests/fakes/contract_alert_names.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T01:15:00Z
constexpr TimeMs kNow = kT0 + kMsPerHour;

Alert alert() {
  Alert a;
  a.model = "overdue";
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = "C-1";
  a.alert_id = alertFingerprint("overdue", SubjectKind::kCase, "C-1");
  a.tier = Tier::kOrange;
  a.region = "520302";
  a.agency = "huichuan-hrss";
  a.category = "wage_arrears";
  a.starts_at = kT0;
  a.updated_at = kT0 + 10 * kMsPerMinute;
  AlertReason r;
  r.code = "days_overdue";
  r.number = 3;
  r.text.set("en", "3 days overdue");
  r.text.set("zh-CN", "已超期3天");
  a.reasons = {r, r};
  a.actions = {Action::kReplyNow, Action::kAssignLeader};
  a.summary.set("en", "Case C-1 is overdue");
  a.summary.set("zh-CN", "案件C-1已超期");
  return a;
}

AlertmanagerPayloadOptions options() {
  AlertmanagerPayloadOptions o;
  o.generator_base = "http://127.0.0.1:9470";
  o.resend_interval_ms = 60000;
  o.alert_names = testing::contractAlertNames();
  return o;
}

nlohmann::json payload(const Alert& a, AlertmanagerPayloadOptions o = options()) {
  return nlohmann::json::parse(alertmanagerAlertJson(a, o, kNow));
}

TEST(AlertmanagerPayloadTest, LabelsAnnotationsAndTimesOfAnActiveAlert) {
  Alert a = alert();
  a.ack = AlertAck{"officer-li", kT0, "on it"};
  a.status = AlertStatus::kAcknowledged;
  const auto j = payload(a);
  EXPECT_EQ(j["labels"], nlohmann::json({{"alertname", "CaseOverdue"},
                                         {"model", "overdue"},
                                         {"tier", "orange"},
                                         {"severity", "major"},
                                         {"subject_kind", "case"},
                                         {"subject_id", "C-1"},
                                         {"region", "520302"},
                                         {"agency", "huichuan-hrss"}}));
  EXPECT_EQ(j["annotations"]["summary"], "Case C-1 is overdue");
  EXPECT_EQ(j["annotations"]["description"], "3 days overdue; 3 days overdue");
  EXPECT_EQ(j["annotations"]["actions"], "reply_now, assign_leader");
  EXPECT_EQ(j["annotations"]["status"], "acknowledged");
  EXPECT_EQ(j["annotations"]["ack_by"], "officer-li");
  EXPECT_EQ(j["startsAt"], "2026-03-04T01:15:00Z");
  EXPECT_EQ(j["endsAt"], "2026-03-04T02:19:00Z");  // now + 4 resend intervals
  EXPECT_EQ(j["generatorURL"], "http://127.0.0.1:9470/api/v1/alerts/" + a.alert_id);
  auto zh = options();
  zh.locale = "zh-CN";
  EXPECT_EQ(payload(a, zh)["annotations"]["summary"], "案件C-1已超期");
}

TEST(AlertmanagerPayloadTest, EndedAlertsCarryWhenTheyEnded) {
  Alert a = alert();
  a.status = AlertStatus::kResolved;
  EXPECT_FALSE(alertmanagerActive(a));
  EXPECT_EQ(payload(a)["endsAt"], "2026-03-04T01:25:00Z");  // the resolution
  a.updated_at = kNow + kMsPerDay;  // an event time ahead of the wall clock: now
  EXPECT_EQ(payload(a)["endsAt"], "2026-03-04T02:15:00Z");
  Alert s = alert();
  s.status = AlertStatus::kSilenced;
  EXPECT_FALSE(alertmanagerActive(s));
  EXPECT_EQ(payload(s)["endsAt"], "2026-03-04T02:15:00Z");
  Alert i = alert();
  i.inhibited_by = "ffff";
  EXPECT_FALSE(alertmanagerActive(i));
  Alert future = alert();
  future.starts_at = kNow + kMsPerHour;  // never endsAt before startsAt
  future.status = AlertStatus::kSilenced;
  EXPECT_EQ(payload(future)["endsAt"], payload(future)["startsAt"]);
}

TEST(AlertmanagerPayloadTest, AGroupIsALabelAndLabelsAreTheIdentity) {
  Alert a = alert();
  const std::string before = labelSetKey(alertmanagerLabels(a, testing::contractAlertNames()));
  a.group_id = "00000000000000aa";
  EXPECT_THAT(alertmanagerLabels(a, testing::contractAlertNames()),
              ::testing::Contains(Pair("group", "00000000000000aa")));
  EXPECT_NE(labelSetKey(alertmanagerLabels(a, testing::contractAlertNames())), before);
  a.group_id.clear();
  a.score = 0.99;  // not a label
  a.status = AlertStatus::kEscalated;
  EXPECT_EQ(labelSetKey(alertmanagerLabels(a, testing::contractAlertNames())), before);
  a.tier = Tier::kRed;
  EXPECT_NE(labelSetKey(alertmanagerLabels(a, testing::contractAlertNames())), before);
}

TEST(AlertmanagerPayloadTest, BodyIsAnArray) {
  const Alert a = alert();
  AlertChange c;
  c.alert = a;
  const AlertChange* both[] = {&c, &c};
  const auto j = nlohmann::json::parse(alertmanagerBody(both, options(), kNow));
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), 2u);
}

TEST(HttpUrlTest, Parses) {
  auto u = HttpUrl::parse("http://127.0.0.1:9093");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "9093");
  EXPECT_EQ(u->path_prefix, "");
  u = HttpUrl::parse("http://[::1]:9094/alertmanager/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9094");
  EXPECT_EQ(u->path_prefix, "/alertmanager");
  u = HttpUrl::parse("http://am.local");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "80");
  EXPECT_FALSE(HttpUrl::parse("https://am:9093").ok());
  EXPECT_FALSE(HttpUrl::parse("http://:9093").ok());
}

TEST(HttpClientTest, AnUnreachablePeerIsUnavailableNotAnException) {
  // Port 1 on loopback: nothing listens there (connection refused at once).
  HttpClient client(*HttpUrl::parse("http://127.0.0.1:1"), std::chrono::milliseconds(2000));
  auto r = client.post("/api/v2/alerts", "[]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace casewatch
