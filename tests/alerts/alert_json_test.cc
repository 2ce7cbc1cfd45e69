#include "alerts/alert_json.h"

#include <stdlib.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "alerts/sinks/jsonl_file/jsonl_file_sink.h"
#include "tests/fakes/sample_alert.h"

namespace casewatch {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr TimeMs kStart = testing::kSampleAlertStart;
constexpr TimeMs kUpdate = testing::kSampleAlertUpdate;

Alert fullAlert() {
  return testing::sampleOverdueAlert();
}

json toJson(const Alert& a, AlertJsonOptions opts = {}, const ChangeKind* change = nullptr) {
  const std::string text = alertToJson(a, opts, change);
  EXPECT_EQ(text.find('\n'), std::string::npos) << "one line per alert";
  return json::parse(text);
}

TEST(AlertJsonTest, ContractFieldsWithTheirTypes) {
  const json j = toJson(fullAlert());
  ASSERT_TRUE(j.is_object());
  ASSERT_TRUE(j["v"].is_number_integer());
  EXPECT_EQ(j["v"].get<int>(), 1);
  ASSERT_TRUE(j["alert_id"].is_string());
  EXPECT_EQ(j["alert_id"], fullAlert().alert_id);
  EXPECT_EQ(j["status"], "firing");
  EXPECT_EQ(j["model"], "overdue");
  EXPECT_EQ(j["tier"], "orange");
  ASSERT_TRUE(j["subject"].is_object());
  EXPECT_EQ(j["subject"]["kind"], "case");
  EXPECT_EQ(j["subject"]["id"], "ZY-2026-0042");
  ASSERT_TRUE(j["score"].is_number());
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 0.7375);
  EXPECT_EQ(j["region"], "520302");
  EXPECT_EQ(j["agency"], "huichuan-hrss");
  EXPECT_EQ(j["category"], "wage_arrears");

  ASSERT_TRUE(j["starts_at"].is_string());
  ASSERT_TRUE(j["updated_at"].is_string());
  EXPECT_EQ(j["starts_at"], "2026-03-04T09:15:00+08:00");  // the default offset is +08:00
  EXPECT_EQ(parseRfc3339(j["starts_at"].get<std::string>()), kStart);
  EXPECT_EQ(parseRfc3339(j["updated_at"].get<std::string>()), kUpdate);

  ASSERT_TRUE(j["reasons"].is_array());
  ASSERT_EQ(j["reasons"].size(), 2u);
  for (const json& r : j["reasons"]) {
    ASSERT_TRUE(r.is_object());
    EXPECT_TRUE(r["code"].is_string());
    EXPECT_TRUE(r["value"].is_number() || r["value"].is_string());
    EXPECT_TRUE(r["text"].is_string());
  }
  EXPECT_EQ(j["reasons"][0]["code"], "procedural_reply_days_overdue");
  ASSERT_TRUE(j["reasons"][0]["value"].is_number());
  EXPECT_EQ(j["reasons"][0]["value"].get<double>(), 12);
  EXPECT_THAT(j["reasons"][0]["text"].get<std::string>(), HasSubstr("12 day(s) overdue"));
  ASSERT_TRUE(j["reasons"][1]["value"].is_string());
  EXPECT_EQ(j["reasons"][1]["value"], "routing decision");

  ASSERT_TRUE(j["actions"].is_array());
  EXPECT_EQ(j["actions"], json::array({"send_procedural_reply", "notify_leadership"}));

  ASSERT_TRUE(j["summary"].is_object());
  EXPECT_EQ(j["summary"]["en"], fullAlert().summary.get("en"));
  EXPECT_EQ(j["summary"]["zh-CN"], fullAlert().summary.get("zh-CN"));

  EXPECT_FALSE(j.contains("escalation"));  // only once escalated
  EXPECT_FALSE(j.contains("ack"));         // only once acknowledged
  EXPECT_FALSE(j.contains("change"));
  EXPECT_FALSE(j.contains("group"));  // workflow extensions only when they apply
  EXPECT_FALSE(j.contains("inhibited_by"));
  EXPECT_FALSE(j.contains("silenced_by"));
}

TEST(AlertJsonTest, WorkflowExtensionsWhenTheyApply) {
  Alert a = fullAlert();
  a.group_id = "fedcba9876543210";
  a.inhibited_by = "0123456789abcdef";
  a.silenced_by = "silence-7";
  const json j = toJson(a);
  ASSERT_TRUE(j["group"].is_object());
  EXPECT_EQ(j["group"]["id"], "fedcba9876543210");
  EXPECT_EQ(j["inhibited_by"], "0123456789abcdef");
  EXPECT_EQ(j["silenced_by"], "silence-7");
}

TEST(AlertJsonTest, ReasonTextFollowsTheLocale) {
  AlertJsonOptions zh;
  zh.locale = "zh-CN";
  const json j = toJson(fullAlert(), zh);
  EXPECT_EQ(j["reasons"][0]["text"], "程序性回复期限为2026-03-11，已超期12天");
  EXPECT_EQ(j["reasons"][0]["text_en"], fullAlert().reasons[0].text.get("en"));
  EXPECT_EQ(j["reasons"][0]["text_zh-CN"], fullAlert().reasons[0].text.get("zh-CN"));
  EXPECT_EQ(toJson(fullAlert())["reasons"][0]["text"], fullAlert().reasons[0].text.get("en"));
}

TEST(AlertJsonTest, TimesInTheConfiguredOffset) {
  AlertJsonOptions utc;
  utc.utc_offset_minutes = 0;
  const json j = toJson(fullAlert(), utc);
  EXPECT_EQ(j["starts_at"], "2026-03-04T01:15:00Z");
  EXPECT_EQ(parseRfc3339(j["updated_at"].get<std::string>()), kUpdate);
}

TEST(AlertJsonTest, UnknownPlacesAreLeftOut) {
  Alert a = fullAlert();
  a.region.clear();
  a.agency.clear();
  a.category.clear();
  const json j = toJson(a);
  EXPECT_FALSE(j.contains("region"));
  EXPECT_FALSE(j.contains("agency"));
  EXPECT_FALSE(j.contains("category"));
}

TEST(AlertJsonTest, EscalationAckAndChange) {
  Alert a = fullAlert();
  a.status = AlertStatus::kEscalated;
  a.escalation = AlertEscalation{2, "county-leadership", kUpdate + kMsPerHour};
  a.ack = AlertAck{"duty-officer-7", kUpdate + 2 * kMsPerHour, "calling the agency"};
  const ChangeKind change = ChangeKind::kEscalated;
  const json j = toJson(a, {}, &change);
  EXPECT_EQ(j["status"], "escalated");
  ASSERT_TRUE(j["escalation"].is_object());
  EXPECT_EQ(j["escalation"]["level"], 2);
  EXPECT_EQ(j["escalation"]["target"], "county-leadership");
  EXPECT_EQ(parseRfc3339(j["escalation"]["at"].get<std::string>()), kUpdate + kMsPerHour);
  ASSERT_TRUE(j["ack"].is_object());
  EXPECT_EQ(j["ack"]["by"], "duty-officer-7");
  EXPECT_EQ(j["ack"]["note"], "calling the agency");
  EXPECT_EQ(parseRfc3339(j["ack"]["at"].get<std::string>()), kUpdate + 2 * kMsPerHour);
  EXPECT_EQ(j["change"], "escalated");
}

TEST(AlertJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Alert a = fullAlert();
  a.summary.set("en", "bad \xff\xfe bytes");
  const std::string text = alertToJson(a, {});
  EXPECT_TRUE(json::accept(text));
}

void expectSameAlert(const Alert& got, const Alert& want) {
  EXPECT_EQ(got.alert_id, want.alert_id);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.model, want.model);
  EXPECT_EQ(got.tier, want.tier);
  EXPECT_EQ(got.subject_kind, want.subject_kind);
  EXPECT_EQ(got.subject_id, want.subject_id);
  EXPECT_DOUBLE_EQ(got.score, want.score);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.agency, want.agency);
  EXPECT_EQ(got.category, want.category);
  EXPECT_EQ(got.starts_at, want.starts_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  ASSERT_EQ(got.reasons.size(), want.reasons.size());
  for (size_t i = 0; i < got.reasons.size(); ++i) {
    EXPECT_EQ(got.reasons[i].code, want.reasons[i].code);
    EXPECT_EQ(got.reasons[i].number, want.reasons[i].number);
    EXPECT_EQ(got.reasons[i].string_value, want.reasons[i].string_value);
    EXPECT_EQ(got.reasons[i].text.get("en"), want.reasons[i].text.get("en"));
    EXPECT_EQ(got.reasons[i].text.get("zh-CN"), want.reasons[i].text.get("zh-CN"));
  }
  EXPECT_EQ(got.actions, want.actions);
  EXPECT_EQ(got.summary.get("en"), want.summary.get("en"));
  EXPECT_EQ(got.summary.get("zh-CN"), want.summary.get("zh-CN"));
  ASSERT_EQ(got.escalation.has_value(), want.escalation.has_value());
  if (got.escalation) {
    EXPECT_EQ(got.escalation->level, want.escalation->level);
    EXPECT_EQ(got.escalation->target, want.escalation->target);
    EXPECT_EQ(got.escalation->at, want.escalation->at);
    EXPECT_EQ(got.escalation->reminded_at, want.escalation->reminded_at);
  }
  EXPECT_EQ(got.group_id, want.group_id);
  EXPECT_EQ(got.inhibited_by, want.inhibited_by);
  EXPECT_EQ(got.silenced_by, want.silenced_by);
  ASSERT_EQ(got.ack.has_value(), want.ack.has_value());
  if (got.ack) {
    EXPECT_EQ(got.ack->by, want.ack->by);
    EXPECT_EQ(got.ack->at, want.ack->at);
    EXPECT_EQ(got.ack->note, want.ack->note);
  }
}

TEST(AlertJsonTest, TheStreamingWriterPrintsTheDomFormByteForByte) {
  Alert a = fullAlert();
  a.escalation = AlertEscalation{2, "leadership", kUpdate, kUpdate + kMsPerHour};
  a.ack = AlertAck{"officer-7", kUpdate, "called the agency \"today\" \\ 已致电"};
  a.group_id = "g-1";
  a.inhibited_by = "i-1";
  a.silenced_by = "s-1";
  // Numbers in every layout nlohmann uses: whole, fixed, small, large, negative, many digits.
  const double numbers[] = {
      12,   0.7375, 1e-5,   0.00012,           1.5e17, -3.25, 0.16054297923079264, 1e300,
      -0.0, 123456, 4.2e-7, 0.1293248722547891};
  for (double n : numbers) {
    a.reasons[0].number = n;
    a.score = n;
    for (const AlertJsonOptions& opts :
         {AlertJsonOptions{}, AlertJsonOptions{"zh-CN", 0}, AlertJsonOptions{"fr", -300}}) {
      const ChangeKind kind = ChangeKind::kEscalated;
      EXPECT_EQ(alertToJson(a, opts), alertToJsonByDom(a, opts)) << n;
      EXPECT_EQ(alertToJson(a, opts, &kind), alertToJsonByDom(a, opts, &kind)) << n;
    }
  }
}

TEST(AlertJsonTest, ControlCharactersAndBrokenUtf8PrintAsTheDomFormPrintsThem) {
  Alert a = fullAlert();
  a.subject_id = std::string("C-\x01-\x1f");  // \u0001: nlohmann's hex case
  EXPECT_EQ(alertToJson(a, {}), alertToJsonByDom(a, {}));
  EXPECT_THAT(alertToJson(a, {}), HasSubstr("C-\\u0001-\\u001f"));
  a.subject_id = std::string("C-\xff\xfe");  // not UTF-8: replaced, as the DOM form does
  EXPECT_EQ(alertToJson(a, {}), alertToJsonByDom(a, {}));
  EXPECT_FALSE(json::parse(alertToJson(a, {})).is_discarded());
  // Each text is checked whole: a control byte or a broken sequence after valid Chinese, and a
  // lone continuation byte at the end of ASCII.
  a.subject_id = "案件\x02";
  EXPECT_EQ(alertToJson(a, {}), alertToJsonByDom(a, {}));
  a.subject_id = "案件\xe6\xa1";
  EXPECT_EQ(alertToJson(a, {}), alertToJsonByDom(a, {}));
  a.subject_id = "ZY-2026-0042\x80";
  EXPECT_EQ(alertToJson(a, {}), alertToJsonByDom(a, {}));
  EXPECT_THAT(alertToJson(a, {}), HasSubstr("\"ZY-2026-0042\xef\xbf\xbd\""));  // U+FFFD
}

TEST(AlertJsonTest, RandomTextsInEveryFieldPrintTheDomFormByteForByte) {
  // Every text of the alert drawn from escapes, control characters, DEL, UTF-8 and, now and then,
  // a broken sequence (the DOM form's replacement), with runs of ASCII that cross 16-byte blocks.
  const std::string pieces[] = {
      "\"", "\\",       "\n",  "\x01", "\x7f", "已回复", "é", "𝄞", "abcdefghijklmnopq",
      " ",  "\xe4\xb8", "\xff"};
  std::mt19937 rng(11);
  const auto text = [&] {
    std::string s;
    const int parts = static_cast<int>(rng() % 8);
    for (int i = 0; i < parts; ++i) {
      const size_t k = rng() % std::size(pieces);
      if (k >= std::size(pieces) - 2 && rng() % 4 != 0) continue;  // broken UTF-8 less often
      s += pieces[k];
    }
    return s;
  };
  for (int n = 0; n < 400; ++n) {
    Alert a = fullAlert();
    a.alert_id = text();
    a.model = text();
    a.subject_id = text();
    a.region = text();
    a.agency = text();
    a.category = text();
    for (AlertReason& r : a.reasons.edit()) {
      r.code = text();
      if (n % 2 == 0) r.string_value = text();
      r.text.set("en", text());
      r.text.set("zh-CN", text());
    }
    a.summary.set("en", text());
    a.escalation = AlertEscalation{1, text(), kUpdate, n % 3 == 0 ? 0 : kUpdate + kMsPerHour};
    if (n % 2 == 1) a.ack = AlertAck{text(), kUpdate, text()};
    a.group_id = text();
    a.inhibited_by = text();
    a.silenced_by = text();
    const ChangeKind kind = ChangeKind::kUpdated;
    ASSERT_EQ(alertToJson(a, {}, &kind), alertToJsonByDom(a, {}, &kind)) << n;
  }
}

TEST(AlertJsonTest, AChangeIsEncodedOnceAndPrintedFromThatEncoding) {
  AlertChange c;
  c.alert = fullAlert();
  c.kind = ChangeKind::kTierChanged;
  c.seq = 42;
  const AlertJsonOptions opts;
  const std::string plain = alertToJson(c.alert, opts);
  const std::string with_change = alertToJson(c.alert, opts, &c.kind);
  const std::string bus = alertChangeToJson(c, opts);
  c.encoded = encodeAlert(c.alert, opts);
  EXPECT_EQ(c.encoded->json, plain);
  // Changing the alert afterwards shows which encoding each print uses.
  c.alert.subject_id = "changed";
  EXPECT_EQ(alertJsonOf(c, opts), plain);
  EXPECT_EQ(alertJsonWithChange(c, opts), with_change);
  EXPECT_EQ(alertChangeToJson(c, opts), bus);
  // Other options: encoded afresh from the alert as it is.
  const AlertJsonOptions zh{"zh-CN", 480};
  EXPECT_EQ(alertJsonOf(c, zh), alertToJson(c.alert, zh));
  EXPECT_THAT(alertJsonWithChange(c, zh), HasSubstr("\"id\":\"changed\""));
}

TEST(AlertJsonTest, WithoutEvidenceReadsAllButTheReasonsActionsAndSummary) {
  const Alert a = fullAlert();
  ASSERT_FALSE(a.reasons.empty());
  ASSERT_FALSE(a.actions.empty());
  const std::string json = alertToJson(a, AlertJsonOptions{});
  auto light = alertFromJson(json, AlertJsonRead::kWithoutEvidence);
  ASSERT_TRUE(light.ok()) << light.status();
  EXPECT_TRUE(light->reasons.empty());
  EXPECT_TRUE(light->actions.empty());
  EXPECT_EQ(light->summary.find("en"), nullptr);
  // Everything else as the whole read has it.
  auto whole = alertFromJson(json);
  ASSERT_TRUE(whole.ok());
  whole->reasons.clear();
  whole->actions.clear();
  whole->summary = LocalText();
  expectSameAlert(*light, *whole);
  // The lifecycle is still checked.
  EXPECT_FALSE(alertFromJson("{\"alert_id\":\"x\"}", AlertJsonRead::kWithoutEvidence).ok());
}

TEST(AlertJsonTest, RoundTripsThroughAlertFromJson) {
  const Alert a = fullAlert();
  for (const char* locale : {"en", "zh-CN"}) {
    AlertJsonOptions opts;
    opts.locale = locale;
    auto back = alertFromJson(alertToJson(a, opts));
    ASSERT_TRUE(back.ok()) << back.status();
    expectSameAlert(*back, a);
  }
}

TEST(AlertJsonTest, RoundTripsEscalatedAcknowledgedAndOtherSubjects) {
  Alert a = fullAlert();
  a.status = AlertStatus::kAcknowledged;
  a.tier = Tier::kRed;
  a.subject_kind = SubjectKind::kPerson;
  a.subject_id = "p_00000000deadbeef";
  a.escalation = AlertEscalation{1, "leader-3", kUpdate + kMsPerHour, kUpdate + 3 * kMsPerHour};
  a.ack = AlertAck{"officer", kUpdate + 2 * kMsPerHour, "note"};
  a.reasons.clear();
  a.actions.clear();
  a.group_id = "fedcba9876543210";
  a.inhibited_by = "0123456789abcdef";
  a.silenced_by = "silence-7";
  AlertJsonOptions west;
  west.utc_offset_minutes = -300;
  const ChangeKind change = ChangeKind::kAcknowledged;
  auto back = alertFromJson(alertToJson(a, west, &change));
  ASSERT_TRUE(back.ok()) << back.status();
  expectSameAlert(*back, a);
}

TEST(AlertJsonTest, FromJsonRejectsWhatIsNotAnAlert) {
  EXPECT_FALSE(alertFromJson("").ok());
  EXPECT_FALSE(alertFromJson("not json").ok());
  EXPECT_FALSE(alertFromJson("[1,2]").ok());
  json j = json::parse(alertToJson(fullAlert(), {}));
  auto without = [&](const char* key) {
    json k = j;
    k.erase(key);
    return alertFromJson(k.dump());
  };
  EXPECT_FALSE(without("alert_id").ok());
  EXPECT_FALSE(without("status").ok());
  EXPECT_FALSE(without("tier").ok());
  EXPECT_FALSE(without("subject").ok());
  EXPECT_FALSE(without("starts_at").ok());
  json bad = j;
  bad["status"] = "open";
  EXPECT_FALSE(alertFromJson(bad.dump()).ok());
  bad = j;
  bad["tier"] = "purple";
  EXPECT_FALSE(alertFromJson(bad.dump()).ok());
  bad = j;
  bad["alert_id"] = 42;
  EXPECT_FALSE(alertFromJson(bad.dump()).ok());
  bad = j;
  bad["region"] = 520302;  // a number where a string belongs
  EXPECT_FALSE(alertFromJson(bad.dump()).ok());
}

// The JSON Lines sink writes exactly this form, one change per line (alerts/sinks/jsonl_file/).
TEST(JsonlFileSinkTest, WritesOneContractLinePerChange) {
  char tmpl[] = "/tmp/casewatch-alerts-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string path = tmpl;
  {
    auto sink = JsonlFileSink::open(path, AlertJsonOptions{});
    ASSERT_TRUE(sink.ok()) << sink.status();
    EXPECT_EQ((*sink)->name(), "jsonl_file");
    AlertChange fired;
    fired.alert = fullAlert();
    fired.kind = ChangeKind::kFired;
    AlertChange resolved = fired;
    resolved.kind = ChangeKind::kResolved;
    resolved.alert.status = AlertStatus::kResolved;
    EXPECT_EQ((*sink)->deliver(fired), SinkOutcome::kDelivered);
    EXPECT_EQ((*sink)->deliver(resolved), SinkOutcome::kDelivered);
  }  // closing flushes
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::remove(path.c_str());
  ASSERT_EQ(lines.size(), 2u);
  const json first = json::parse(lines[0]);
  EXPECT_EQ(first["change"], "fired");
  EXPECT_EQ(first["status"], "firing");
  EXPECT_EQ(first["v"], 1);
  const json second = json::parse(lines[1]);
  EXPECT_EQ(second["change"], "resolved");
  EXPECT_EQ(second["status"], "resolved");
  auto back = alertFromJson(lines[1]);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->status, AlertStatus::kResolved);
}

TEST(JsonlFileSinkTest, AnUnwritablePathIsUnavailable) {
  auto sink = JsonlFileSink::open("/nonexistent/casewatch/alerts.jsonl", AlertJsonOptions{});
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(sink.status().message()),
              HasSubstr("/nonexistent/casewatch/alerts.jsonl"));
}

}  // namespace
}  // namespace casewatch
