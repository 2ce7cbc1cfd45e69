// `casewatch shards`: naming shards, merging and sorting their alerts, and what is printed when a
// shard does not answer. (Against real shards: tests/integration/test_regional_shards.py.)
#include "tools/shards/shards_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace casewatch::client {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

Json alert(const std::string& id, const std::string& tier, const std::string& starts_at) {
  return Json{{"alert_id", id},
              {"tier", tier},
              {"status", "firing"},
              {"model", "overdue"},
              {"subject", {{"kind", "case"}, {"id", "C-" + id}}},
              {"region", "330102"},
              {"starts_at", starts_at},
              {"summary", {{"en", "late " + id}, {"zh-CN", "超期 " + id}}}};
}

ShardAnswer answered(const std::string& name, Json alerts) {
  ShardAnswer a;
  a.name = name;
  a.url = "http://" + name + ":9470";
  a.ok = true;
  a.alerts = std::move(alerts);
  return a;
}

TEST(ShardsCommandTest, AShardIsNamedByItsNameOrItsAddress) {
  std::string name, url;
  ASSERT_TRUE(parseShardArgument("3301=http://cw-a:9470", name, url));
  EXPECT_EQ(name, "3301");
  EXPECT_EQ(url, "http://cw-a:9470");
  ASSERT_TRUE(parseShardArgument("http://cw-b:9470/casewatch", name, url));
  EXPECT_EQ(name, "cw-b:9470/casewatch");
  EXPECT_FALSE(parseShardArgument("=http://cw-a:9470", name, url));
  EXPECT_FALSE(parseShardArgument("a=cw-a:9470", name, url));
  EXPECT_FALSE(parseShardArgument("https://cw-a", name, url));
}

TEST(ShardsCommandTest, AlertsAreSortedByTierThenAgeAcrossShards) {
  // Offsets differ: 01:00+08:00 is before 00:30Z.
  const std::vector<ShardAnswer> answers = {
      answered("b", Json::array({alert("b-orange-old", "orange", "2026-03-01T00:00:00Z"),
                                 alert("b-red-new", "red", "2026-03-05T00:30:00Z")})),
      answered("a", Json::array({alert("a-red-old", "red", "2026-03-05T01:00:00+08:00"),
                                 alert("a-orange-new", "orange", "2026-03-09T00:00:00Z")}))};
  const Json merged = mergeShardAlerts(answers);
  ASSERT_EQ(merged.size(), 4u);
  std::vector<std::string> order;
  for (const Json& a : merged)
    order.push_back(a["alert_id"].get<std::string>() + "@" + a["shard"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"a-red-old@a", "b-red-new@b", "b-orange-old@b",
                                             "a-orange-new@a"}));
}

TEST(ShardsCommandTest, AShardThatDidNotAnswerIsReportedAndTheOthersListed) {
  ShardAnswer gone;
  gone.name = "3302";
  gone.url = "http://cw-b:9470";
  gone.error = "cannot connect to casewatchd at cw-b:9470: Connection refused";
  const std::vector<ShardAnswer> answers = {
      answered("3301", Json::array({alert("x", "red", "2026-03-05T01:00:00+08:00")})), gone};
  const std::string text = formatShardAlerts(answers, "zh-CN");
  EXPECT_THAT(text, HasSubstr("TIER"));
  EXPECT_THAT(text, HasSubstr("3301"));
  EXPECT_THAT(text, HasSubstr("超期 x"));
  EXPECT_THAT(text, HasSubstr("1 red, 0 orange from 1 of 2 shards"));
  EXPECT_THAT(text, HasSubstr("shard 3302 (http://cw-b:9470) did not answer: cannot connect"));
  const Json doc = shardAlertsJson(answers);
  ASSERT_EQ(doc["alerts"].size(), 1u);
  EXPECT_EQ(doc["alerts"][0]["shard"], "3301");
  EXPECT_EQ(doc["shards"][0]["ok"], true);
  EXPECT_EQ(doc["shards"][0]["red"], 1);
  EXPECT_EQ(doc["shards"][1]["ok"], false);
  EXPECT_THAT(doc["shards"][1]["error"].get<std::string>(), HasSubstr("Connection refused"));
}

TEST(ShardsCommandTest, NoAlertsSaysSo) {
  const std::string text = formatShardAlerts({answered("a", Json::array())}, "en");
  EXPECT_THAT(text, HasSubstr("No red or orange alerts."));
  EXPECT_THAT(text, HasSubstr("0 red, 0 orange from 1 of 1 shard\n"));
}

}  // namespace
}  // namespace casewatch::client
