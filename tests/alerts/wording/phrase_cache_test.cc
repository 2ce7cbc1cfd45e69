#include "alerts/wording/phrase_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/message_catalog.h"

namespace casewatch {
namespace {

const AlertWording& testWording() {
  static const AlertWording kWording(*MessageCatalog::parse(R"y(
test.idle: {args: {owner: text, days: int}, en: "{owner} idle {days} day(s)", zh-CN: "{owner}{days}天未办理"}
test.owner: {args: {name: text}, en: "agency {name}", zh-CN: "单位{name}"}
test.steps: {args: {steps: text}, en: "steps: {steps}", zh-CN: "环节：{steps}"}
test.sep: {en: ", ", zh-CN: "、"}
test.step: {args: {n: int}, en: "step {n}", zh-CN: "第{n}步"}
)y",
                                                            "test", nullptr));
  return kWording;
}

Phrase idle(std::string owner, int days) {
  return Phrase("test.idle", {{"owner", Phrase("test.owner", {{"name", owner}})}, {"days", days}});
}

// The words a phrase gets from the cache are the wording's own, hit or miss.
void expectWordedAsIs(PhraseCache& cache, const Phrase& p) {
  const LocalText got = cache.say(p);
  const LocalText want = testWording().say(p);
  EXPECT_EQ(got, want) << p.key;
  EXPECT_EQ(got.get("en"), want.get("en"));
}

TEST(PhraseCacheTest, APhraseSaidAgainIsAHitWithTheSameWords) {
  PhraseCache cache;
  cache.setWording(&testWording());
  const LocalText first = cache.say(idle("a", 3));
  EXPECT_EQ(first.get("en"), "agency a idle 3 day(s)");
  EXPECT_EQ(first.get("zh-CN"), "单位a3天未办理");
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
  const LocalText again = cache.say(idle("a", 3));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(again, first);
}

TEST(PhraseCacheTest, AnyValueThatDiffersIsAMissWordedAfresh) {
  PhraseCache cache;
  cache.setWording(&testWording());
  expectWordedAsIs(cache, idle("a", 3));
  expectWordedAsIs(cache, idle("a", 4));  // a number
  expectWordedAsIs(cache, idle("b", 3));  // a nested phrase's text
  PhraseList steps{"test.sep", {Phrase("test.step", {{"n", 1}})}};
  expectWordedAsIs(cache, Phrase("test.steps", {{"steps", steps}}));
  steps.items.push_back(Phrase("test.step", {{"n", 2}}));
  expectWordedAsIs(cache, Phrase("test.steps", {{"steps", steps}}));  // a list grew
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 5u);
  EXPECT_EQ(cache.say(Phrase("test.steps", {{"steps", steps}})).get("zh-CN"), "环节：第1步、第2步");
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(PhraseCacheTest, PhrasesThatShareASlotTakeItInTurnAndKeepTheirOwnWords) {
  PhraseCache cache(1);  // one slot: every phrase maps to it
  cache.setWording(&testWording());
  for (int round = 0; round < 3; ++round) {
    expectWordedAsIs(cache, idle("a", 1));
    expectWordedAsIs(cache, idle("a", 2));
  }
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 6u);
}

TEST(PhraseCacheTest, NewWordingForgetsWhatWasCached) {
  PhraseCache cache;
  cache.setWording(&testWording());
  EXPECT_EQ(cache.say(idle("a", 3)).get("en"), "agency a idle 3 day(s)");
  static const AlertWording kOther(*MessageCatalog::parse(R"y(
test.idle: {args: {owner: text, days: int}, en: "{days} day(s) without action by {owner}", zh-CN: "{owner}已{days}天未办理"}
test.owner: {args: {name: text}, en: "{name}", zh-CN: "{name}"}
)y",
                                                          "other", nullptr));
  cache.setWording(&kOther);
  EXPECT_EQ(cache.say(idle("a", 3)).get("en"), "3 day(s) without action by a");
  EXPECT_EQ(cache.hits(), 0u);
}

TEST(PhraseCacheTest, ReasonsAreWordedWithTheirValuesInWordsInEnglish) {
  PhraseCache cache;
  cache.setWording(&testWording());
  std::vector<Reason> in(2);
  in[0].code = "days_since_owner_action";
  in[0].number = 3;
  in[0].text = idle("a", 3);
  in[1].code = "steps";
  in[1].string_value = "ignored: the words win";
  in[1].value_words = Phrase("test.step", {{"n", 2}});
  in[1].text = idle("a", 3);
  const std::vector<AlertReason> out = cache.reasons(std::move(in));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].code, "days_since_owner_action");
  EXPECT_EQ(out[0].number, 3);
  EXPECT_EQ(out[0].text.get("zh-CN"), "单位a3天未办理");
  EXPECT_EQ(out[1].string_value, "step 2");
  EXPECT_EQ(out[1].text, out[0].text);
  EXPECT_EQ(cache.hits(), 1u);  // the second reason's text
}

TEST(PhraseCacheTest, AnEmptyPhraseSaysNothingAndIsNotCounted) {
  PhraseCache cache;
  EXPECT_TRUE(cache.say(Phrase()).empty());
  EXPECT_EQ(cache.hits() + cache.misses(), 0u);
}

}  // namespace
}  // namespace casewatch
