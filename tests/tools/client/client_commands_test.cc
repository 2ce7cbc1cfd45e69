// The `casewatch` API client's pure parts: URLs, durations, matchers and the text it prints.
// (Requests against a real daemon are in tests/integration/test_http_api.py.)
#include "tools/client/client_commands.h"

#include "base/time.h"
#include "tools/client/api_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace casewatch::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

TEST(ApiClientTest, ParsesUrls) {
  auto e = parseApiUrl("http://127.0.0.1:9470");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, "9470");
  EXPECT_EQ(e->base_path, "");
  e = parseApiUrl("http://[::1]:8080/casewatch/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, "8080");
  EXPECT_EQ(e->base_path, "/casewatch");
  e = parseApiUrl("http://duty-host");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, "80");
  for (const char* bad : {"https://x:1", "127.0.0.1:9470", "http://:9470", "http://x:0",
                          "http://x:99999", "http://x:ab", "http://[::1"}) {
    EXPECT_FALSE(parseApiUrl(bad).ok()) << bad;
  }
}

TEST(ApiClientTest, UnreachableDaemonIsUnavailable) {
  ApiClient api(*parseApiUrl("http://127.0.0.1:1"), "t");
  auto r = api.request("GET", "/healthz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("cannot connect"));
}

TEST(ApiClientTest, UrlEncode) {
  EXPECT_EQ(urlEncode("abc-1_2.3~"), "abc-1_2.3~");
  EXPECT_EQ(urlEncode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(urlEncode("遵义"), "%E9%81%B5%E4%B9%89");
}

TEST(ClientCommandsTest, Durations) {
  EXPECT_EQ(parseDuration("90m"), 90 * kMsPerMinute);
  EXPECT_EQ(parseDuration("2h"), 2 * kMsPerHour);
  EXPECT_EQ(parseDuration("1d12h"), 36 * kMsPerHour);
  EXPECT_EQ(parseDuration("45s"), 45 * kMsPerSecond);
  for (const char* bad : {"", "2", "h", "2x", "0h", "-1h", "1h30", "9999999999h"}) {
    EXPECT_EQ(parseDuration(bad), -1) << bad;
  }
}

TEST(ClientCommandsTest, Matchers) {
  EXPECT_EQ(parseMatcher("tier=red"),
            (Json{{"name", "tier"}, {"value", "red"}, {"is_regex", false}}));
  EXPECT_EQ(parseMatcher("subject_id=~C-0.*"),
            (Json{{"name", "subject_id"}, {"value", "C-0.*"}, {"is_regex", true}}));
  EXPECT_EQ(parseMatcher("region="),
            (Json{{"name", "region"}, {"value", ""}, {"is_regex", false}}));
  EXPECT_TRUE(parseMatcher("tier").is_null());
  EXPECT_TRUE(parseMatcher("=red").is_null());
}

const char* kAlerts = R"({"alerts":[{"v":1,"alert_id":"0123456789abcdef","status":"acknowledged",
  "model":"overdue","tier":"red","subject":{"kind":"case","id":"C-1"},"score":0.9,
  "region":"520302","starts_at":"2026-03-01T09:00:00+08:00","updated_at":"2026-03-11T09:00:00+08:00",
  "reasons":[{"code":"days_overdue","value":12,"text":"12 days overdue","text_en":"12 days overdue",
  "text_zh-CN":"逾期12天"}],"actions":["reply_now"],"summary":{"en":"Case C-1 overdue","zh-CN":"案件C-1逾期"},
  "ack":{"by":"duty:li","at":"2026-03-11T10:00:00+08:00","note":"on it"}}]})";

TEST(ClientCommandsTest, FormatsAlerts) {
  const std::string en = formatAlerts(Json::parse(kAlerts), "en");
  EXPECT_THAT(en, HasSubstr("red"));
  EXPECT_THAT(en, HasSubstr("case:C-1"));
  EXPECT_THAT(en, HasSubstr("0123456789abcdef"));
  EXPECT_THAT(en, HasSubstr("Case C-1 overdue"));
  EXPECT_THAT(en, HasSubstr("1 alert\n"));
  EXPECT_THAT(formatAlerts(Json::parse(kAlerts), "zh-CN"), HasSubstr("案件C-1逾期"));
  EXPECT_EQ(formatAlerts(Json::parse(R"({"alerts":[]})"), "en"), "No alerts.\n");
}

TEST(ClientCommandsTest, FormatsOneAlertWithHistory) {
  Json answer;
  answer["alert"] = Json::parse(kAlerts)["alerts"][0];
  answer["history"] =
      Json::parse(R"([{"at":"2026-03-11T09:00:00+08:00","by":"casewatch","change":"fired",
    "note":"","status":"firing","tier":"red"},{"at":"2026-03-11T10:00:00+08:00","by":"duty:li",
    "change":"acknowledged","note":"on it","status":"acknowledged","tier":"red"}])");
  const std::string text = formatAlertDetail(answer, "zh-CN");
  EXPECT_THAT(text, HasSubstr("days_overdue = 12: 逾期12天"));
  EXPECT_THAT(text, HasSubstr("actions: reply_now"));
  EXPECT_THAT(text, HasSubstr("acknowledged by duty:li at 2026-03-11T10:00:00+08:00: on it"));
  EXPECT_THAT(text, HasSubstr("history:\n"));
  EXPECT_THAT(text, HasSubstr("by duty:li: on it"));
}

TEST(ClientCommandsTest, FormatsSilencesLedgerAndDeadLetters) {
  const std::string s = formatSilences(Json::parse(R"({"silences":[{"id":"s1","status":"active",
    "ends_at":"2026-03-12T00:00:00+08:00","created_by":"li","comment":"drill",
    "matchers":[{"name":"tier","value":"red","is_regex":false},{"name":"region","value":"52.*","is_regex":true}]}]})"));
  EXPECT_THAT(s, HasSubstr("s1  active"));
  EXPECT_THAT(s, HasSubstr("{tier=red, region=~52.*}"));
  EXPECT_EQ(formatSilences(Json::parse(R"({"silences":[]})")), "No silences.\n");

  const std::string l = formatLedger(Json::parse(R"({"ledger":[{"case_id":"C-9","region":"520302",
    "agency":"a","owner":"","since":"2026-03-01T00:00:00+08:00","reasons":["group_incident","red_alert"]}]})"));
  EXPECT_THAT(l, HasSubstr("C-9"));
  EXPECT_THAT(l, HasSubstr("owner -"));
  EXPECT_THAT(l, HasSubstr("[group_incident, red_alert]"));

  const std::string d =
      formatDeadLetters(Json::parse(R"({"dead_letters":[{"received_at":"t","feed":"f1",
    "reason":"invalid_json","detail":"x","raw":"line1\nline2"}]})"));
  EXPECT_THAT(d, HasSubstr("invalid_json"));
  EXPECT_THAT(d, HasSubstr("line1 line2"));
  EXPECT_THAT(d, Not(HasSubstr("line1\nline2")));
}

}  // namespace
}  // namespace casewatch::client
