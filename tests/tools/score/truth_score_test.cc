#include "tools/score/truth_score.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace casewatch::score {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kTruth =
    R"({"kind":"case","case_id":"C-1"}
{"kind":"recurring_matter","matter":"m:r1","max_returns_30d":6,"max_returns_90d":9}
{"kind":"recurring_matter","matter":"m:r2","max_returns_30d":5,"max_returns_90d":7}
{"kind":"recurring_matter","matter":"m:r3","max_returns_30d":2,"max_returns_90d":3}
{"kind":"quiet_matter","matter":"m:q1","max_returns_30d":1,"max_returns_90d":2}
{"kind":"quiet_matter","matter":"m:q2","max_returns_30d":1,"max_returns_90d":1}
{"kind":"repeat_person","person":"p:1","matter":"m:rep"}
{"kind":"meta"}
)";

std::string alert(const std::string& model, const std::string& matter, const std::string& tier) {
  return R"({"model":")" + model + R"(","subject":{"kind":"matter","id":")" + matter +
         R"("},"tier":")" + tier + "\"}\n";
}

TEST(TruthScoreTest, RecallFalseAlarmsAndOtherPlantedMatters) {
  const std::string alerts =
      alert("recurring_matter", "m:r1", "yellow") + alert("recurring_matter", "m:r1", "red") +
      alert("recurring_matter", "m:r1", "none") +  // resolved
      alert("recurring_matter", "m:q2", "yellow") + alert("recurring_matter", "m:rep", "orange") +
      alert("recurring_matter", "m:o2", "yellow") +
      alert("repeat_visit", "m:r2", "yellow");  // another model
  const std::string feed = R"({"type":"case.registered","matter":"m:o1"}
{"type":"visit","matter":"m:o2"}
{"type":"visit","matter":"m:r1"}
{"type":"case.accepted","case_id":"C-1"}
)";
  auto s = scoreMatters(ScoreOptions{}, kTruth, alerts, feed);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->planted, 3);
  EXPECT_EQ(s->detected, 1);
  EXPECT_EQ(s->detectable, 2);  // m:r3 never reaches the minimum counts
  EXPECT_EQ(s->detectable_detected, 1);
  EXPECT_THAT(s->missed, ElementsAre("m:r2", "m:r3"));
  EXPECT_EQ(s->quiet, 2);
  EXPECT_EQ(s->quiet_alerted, 1);
  EXPECT_EQ(s->ordinary, 2);
  EXPECT_EQ(s->ordinary_alerted, 1);
  EXPECT_EQ(s->other_alerted, 1);
  EXPECT_THAT(s->false_alarms, ElementsAre("m:q2", "m:o2"));
  EXPECT_EQ(s->tiers.at("red"), 1);
  EXPECT_EQ(s->tiers.at("yellow"), 2);
  const std::string text = scoreText(ScoreOptions{}, *s);
  EXPECT_THAT(text, HasSubstr("recall 1/3 = 0.333"));
  EXPECT_THAT(text, HasSubstr("1 of 2 quiet planted matters, 1 of 2 ordinary matters"));
  EXPECT_THAT(scoreJson(*s), HasSubstr(R"("detectable_recall":0.5)"));
}

TEST(TruthScoreTest, ABadLineIsNamed) {
  auto s = scoreMatters(ScoreOptions{}, kTruth, "{\"model\":\n", "");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("alerts line 1"));
}

}  // namespace
}  // namespace casewatch::score
