// The wording of alert texts: the templates word what models say in both languages, nested phrases
// and lists included, never throw, follow an operator's re-wording, word a third language a file
// adds (English where it has no entry), and the alert book words the alerts of a model through the
// templates it is given.
#include "alerts/wording/alert_wording.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/alert_book.h"
#include "alerts/alert_json.h"
#include "models/overdue/overdue_model.h"
#include "state/case_store.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::RecordingSignalSink;
using testing::timeOf;

TEST(AlertWordingTest, TheBuiltInTemplatesWordBothLanguages) {
  const AlertWording& w = AlertWording::builtin();
  const Phrase step("overdue.step.handling");
  EXPECT_EQ(w.say(step).get("en"), "handling and written reply");
  EXPECT_EQ(w.say(step).get("zh-CN"), "办理答复");
  const LocalText t = w.say(Phrase("overdue.reason.days_overdue",
                                   {{"step", step}, {"due_date", "2026-03-11"}, {"days", 3}}));
  EXPECT_EQ(t.get("en"), "handling and written reply was due on 2026-03-11: 3 day(s) overdue");
  EXPECT_EQ(t.get("zh-CN"), "办理答复期限为2026-03-11，已超期3天");
  const LocalText lambda = w.say(
      Phrase("repeat_visit.reason.lambda_below", {{"lambda", 0.12345}, {"yellow_lambda", 0.25}}));
  EXPECT_EQ(lambda.get("en"), "return intensity λ = 0.123 per day, below 0.250");
  EXPECT_EQ(lambda.get("zh-CN"), "重复来访强度λ=0.123/天，低于0.250");
}

TEST(AlertWordingTest, ListsAreJoinedBySeparatorTemplates) {
  const AlertWording& w = AlertWording::builtin();
  PhraseList steps{"list_separator",
                   {Phrase("overdue.step.routing"), Phrase("overdue.step.handling")}};
  const LocalText t = w.say(Phrase("overdue.reason.steps_done", {{"steps", steps}}));
  EXPECT_EQ(t.get("en"), "done: routing decision, handling and written reply");
  EXPECT_EQ(t.get("zh-CN"), "已完成：受理/转送决定、办理答复");
  EXPECT_EQ(
      w.say(Phrase("overdue.reason.steps_done", {{"steps", PhraseList{"list_separator", {}}}}))
          .get("en"),
      "done: ");
}

TEST(AlertWordingTest, CategoriesAndActionsHaveTheirWords) {
  const AlertWording& w = AlertWording::builtin();
  EXPECT_EQ(w.say(categoryPhrase("wage_arrears")).get("zh-CN"), "欠薪");
  EXPECT_EQ(w.say(categoryPhrase("tea_leaves")).get("en"),
            "tea_leaves");  // not in the contract: as sent
  EXPECT_EQ(w.say(tierPhrase(Tier::kRed)).get("zh-CN"), "红色");
  EXPECT_EQ(w.actionText(Action::kReplyNow, "en"), "Reply to the petitioner now");
  EXPECT_EQ(w.actionText(Action::kNotifyLeadership, "zh-CN"), "报告领导");
}

TEST(AlertWordingTest, SayNeverThrows) {
  const AlertWording& w = AlertWording::builtin();
  EXPECT_EQ(w.say(Phrase("no.such.message")).get("en"), "[no.such.message]");
  // A placeholder the model forgot: the template as it stands, not an exception.
  const LocalText t = w.say(Phrase("overdue.reason.days_left", {{"days", 2}}));
  EXPECT_THAT(t.get("en"), HasSubstr("{step}"));
  // A value of the wrong kind for its format spec: the template too.
  EXPECT_THAT(w.say(Phrase("repeat_visit.reason.lambda_below",
                           {{"lambda", "high"}, {"yellow_lambda", 0.25}}))
                  .get("en"),
              HasSubstr("{lambda:.3f}"));
}

TEST(AlertWordingTest, AnOverrideReWordsEntriesAndKeepsTheRest) {
  auto c = MessageCatalog::parse(R"y(
overdue.summary.overdue:
  en: "OVERDUE {case}: {days} d ({steps}, {agency})"
)y",
                                 "ops.yaml", &MessageCatalog::builtin());
  ASSERT_TRUE(c.ok()) << c.status();
  const AlertWording w(*c);
  const LocalText t = w.say(Phrase(
      "overdue.summary.overdue",
      {{"case", "C-9"}, {"agency", "a"}, {"steps", Phrase("overdue.step.routing")}, {"days", 4}}));
  EXPECT_EQ(t.get("en"), "OVERDUE C-9: 4 d (routing decision, a)");
  EXPECT_EQ(t.get("zh-CN"),
            "案件C-9（a）：受理/转送决定已超期，最长4天。");  // not re-worded: built in
  EXPECT_EQ(c->size(), MessageCatalog::builtin().size());
}

TEST(AlertWordingTest, TheBookWordsAModelsAlertsThroughTheTemplatesItIsGiven) {
  auto c = MessageCatalog::parse(R"y(
overdue.summary.due_soon: {en: "{case}: {steps} due soon", zh-CN: "{case}：{steps}即将到期"}
overdue.step.procedural_reply: {en: "receipt notice"}
)y",
                                 "ops.yaml", &MessageCatalog::builtin());
  ASSERT_TRUE(c.ok()) << c.status();
  const AlertWording wording(*c);
  CaseStore store;
  RecordingSignalSink sink;
  ModelContext ctx{store, sink, nullptr};
  OverdueModel model(ClocksConfig{}, std::nullopt);
  const TimeMs t0 = timeOf("2026-03-04T09:15:00+08:00");
  const CaseEvent ev = EventBuilder::registered("C-1", t0).build();
  model.advanceTo(ev.ts, ctx);
  model.onEvent(ev, store.apply(ev), ctx);
  model.advanceTo(timeOf("2026-03-10T09:00:00+08:00"), ctx);  // two days before the reply is due
  ASSERT_FALSE(sink.signals().empty());
  AlertBook book;
  book.setWording(&wording);
  auto change = book.apply(Signal(sink.last()));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->alert.summary.get("en"), "C-1: receipt notice due soon");
  EXPECT_EQ(change->alert.summary.get("zh-CN"), "C-1：程序性回复即将到期");
  EXPECT_THAT(change->alert.reasons.at(0).text.get("en"),
              HasSubstr("receipt notice due on 2026-03-11"));
}

TEST(AlertWordingTest, ALanguageFileAddsItsLocaleToEveryAlertWithEnglishWhereItHasNoEntry) {
  auto c = MessageCatalog::builtin().loadLocaleFile(std::string(CASEWATCH_TESTDATA_DIR) +
                                                    "/messages/fr.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->locales(), (std::vector<std::string>{"en", "zh-CN", "fr"}));
  const AlertWording wording(*c);
  CaseStore store;
  RecordingSignalSink sink;
  ModelContext ctx{store, sink, nullptr};
  OverdueModel model(ClocksConfig{}, std::nullopt);  // no model knows of French
  const TimeMs t0 = timeOf("2026-03-04T09:15:00+08:00");
  const CaseEvent ev = EventBuilder::registered("C-1", t0).agency("a").build();
  model.advanceTo(ev.ts, ctx);
  model.onEvent(ev, store.apply(ev), ctx);
  model.advanceTo(timeOf("2026-03-10T09:00:00+08:00"), ctx);  // two days before the reply is due
  ASSERT_FALSE(sink.signals().empty());
  AlertBook book;
  book.setWording(&wording);
  auto change = book.apply(Signal(sink.last()));
  ASSERT_TRUE(change.has_value());
  const Alert& a = change->alert;
  EXPECT_EQ(a.summary.get("fr"), "Dossier C-1 (a) : réponse de procédure arrive à échéance.");
  EXPECT_EQ(a.summary.get("en"), "Case C-1 (a): procedural reply due soon.");  // unchanged
  EXPECT_EQ(a.summary.get("zh-CN"), "案件C-1（a）：程序性回复即将到期。");
  ASSERT_FALSE(a.reasons.empty());
  EXPECT_EQ(a.reasons[0].text.get("fr"),
            "réponse de procédure : échéance le 2026-03-11, 2 jour(s) restant(s)");

  // The JSON: the new locale after the existing ones, in `summary` and in each reason; `text` in
  // the configured locale.
  const std::string json = alertToJson(a, AlertJsonOptions{"fr", 480});
  EXPECT_THAT(json,
              HasSubstr(R"("summary":{"en":"Case C-1 (a): procedural reply due soon.",)"
                        R"("zh-CN":"案件C-1（a）：程序性回复即将到期。",)"
                        R"("fr":"Dossier C-1 (a) : réponse de procédure arrive à échéance."})"));
  EXPECT_THAT(json, HasSubstr(R"("text":"réponse de procédure : échéance)"));
  EXPECT_THAT(json, HasSubstr(R"(","text_fr":"réponse de procédure : échéance)"));
  auto back = alertFromJson(json);  // as the store restores it
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->summary, a.summary);
  EXPECT_EQ(back->reasons[0].text, a.reasons[0].text);

  // Entries the file leaves out are worded in English, and named for check-config.
  EXPECT_EQ(wording.say(tierPhrase(Tier::kRed)).get("fr"), "rouge");
  EXPECT_EQ(wording.say(tierPhrase(Tier::kYellow)).get("fr"), "yellow");
  EXPECT_EQ(wording.actionText(Action::kReplyNow, "fr"), "Reply to the petitioner now");
  const std::vector<std::string> english = c->fallbacks("fr");
  EXPECT_EQ(english.size(), c->size() - 5);
  EXPECT_THAT(english, ::testing::Contains("tier.yellow"));
  EXPECT_THAT(english, ::testing::Not(::testing::Contains("tier.red")));
  EXPECT_TRUE(c->fallbacks("en").empty());
  EXPECT_TRUE(c->fallbacks("zh-CN").empty());
}

}  // namespace
}  // namespace casewatch
