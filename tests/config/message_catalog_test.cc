// The alert text templates: the built-in file loads and words texts in both languages, an
// operator's file re-words entries and nothing else, every mistake in it is refused at load time
// with the entry's key, and the models word their alerts through the templates they are given.
#include "config/message_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/config_loader.h"
#include "models/overdue/overdue_model.h"
#include "state/case_store.h"
#include "tests/daemon/journal/journal_test_support.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_signal_sink.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::RecordingSignalSink;
using testing::TempDir;
using testing::timeOf;

TEST(MessageCatalogTest, TheBuiltInTemplatesWordBothLanguages) {
  const MessageCatalog& c = MessageCatalog::builtin();
  EXPECT_GT(c.size(), 40u);
  const LocalText step = c.render("overdue.step.handling");
  EXPECT_EQ(step.en, "handling and written reply");
  EXPECT_EQ(step.zh, "办理答复");
  const LocalText t = c.render("overdue.reason.days_overdue",
                               {{"step", step}, {"due_date", "2026-03-11"}, {"days", 3}});
  EXPECT_EQ(t.en, "handling and written reply was due on 2026-03-11: 3 day(s) overdue");
  EXPECT_EQ(t.zh, "办理答复期限为2026-03-11，已超期3天");
  const LocalText lambda =
      c.render("repeat_visit.reason.lambda_below", {{"lambda", 0.12345}, {"yellow_lambda", 0.25}});
  EXPECT_EQ(lambda.en, "return intensity λ = 0.123 per day, below 0.250");
  EXPECT_EQ(lambda.zh, "重复来访强度λ=0.123/天，低于0.250");
}

TEST(MessageCatalogTest, RenderNeverThrows) {
  const MessageCatalog& c = MessageCatalog::builtin();
  EXPECT_EQ(c.render("no.such.message").en, "[no.such.message]");
  // A placeholder the caller forgot: the template as it stands, not an exception.
  const LocalText t = c.render("overdue.reason.days_left", {{"days", 2}});
  EXPECT_THAT(t.en, HasSubstr("{step}"));
}

TEST(MessageCatalogTest, AnOverrideReWordsEntriesAndKeepsTheRest) {
  auto c = MessageCatalog::parse(R"y(
overdue.summary.overdue:
  en: "OVERDUE {case}: {days} d ({steps}, {agency})"
)y",
                                 "ops.yaml", &MessageCatalog::builtin());
  ASSERT_TRUE(c.ok()) << c.status();
  const LocalText steps{"routing decision", "受理/转送决定"};
  const LocalText t = c->render("overdue.summary.overdue",
                                {{"case", "C-9"}, {"agency", "a"}, {"steps", steps}, {"days", 4}});
  EXPECT_EQ(t.en, "OVERDUE C-9: 4 d (routing decision, a)");
  EXPECT_EQ(t.zh, "案件C-9（a）：受理/转送决定已超期，最长4天。");  // not re-worded: built in
  EXPECT_EQ(c->size(), MessageCatalog::builtin().size());
}

TEST(MessageCatalogTest, MistakesAreRefusedWithTheEntrysKey) {
  const MessageCatalog* base = &MessageCatalog::builtin();
  auto refused = [&](const std::string& yaml) {
    auto c = MessageCatalog::parse(yaml, "ops.yaml", base);
    EXPECT_FALSE(c.ok()) << yaml;
    return c.ok() ? std::string() : std::string(c.status().message());
  };
  EXPECT_THAT(refused("overdue.summary.overdu: {en: x}"),
              HasSubstr("ops.yaml:1: overdue.summary.overdu: unknown message"));
  EXPECT_THAT(refused("overdue.summary.overdue: {en: 'Case {case_id}'}"),
              HasSubstr("overdue.summary.overdue.en: "));
  EXPECT_THAT(refused("overdue.summary.overdue: {en: 'Case {case_id}'}"),
              HasSubstr("placeholders: case, agency, steps, days"));
  EXPECT_THAT(refused("overdue.reason.days_left: {zh-CN: '{days:.2f}天'}"),
              HasSubstr("overdue.reason.days_left.zh-CN"));  // precision on an int
  EXPECT_THAT(refused("overdue.summary.overdue: {en: 'Case {case'}"),
              HasSubstr("overdue.summary.overdue.en"));
  EXPECT_THAT(refused("overdue.summary.overdue: {args: {x: int}, en: x}"),
              HasSubstr("args are fixed"));
  EXPECT_THAT(refused("overdue.summary.overdue: {en: ''}"), HasSubstr("needs both en and zh-CN"));
  EXPECT_THAT(refused("[1, 2]"), HasSubstr("expected a map of messages"));
  EXPECT_THAT(refused("a: [b"), HasSubstr("not YAML"));
  // Defining a catalogue (no base): kinds must be known.
  auto c = MessageCatalog::parse("m: {args: {n: integer}, en: '{n}', zh-CN: '{n}'}", "x", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("expected int, number or text"));
}

TEST(MessageCatalogTest, TheConfigLoadsTheOperatorsFileAtTheEdge) {
  TempDir dir;
  const std::string good = dir.path() + "/messages.yaml";
  std::ofstream(good) << "overdue.summary.due_soon: {en: 'Soon: {case}'}\n";
  ConfigResult r = loadConfig("messages_file: " + good + "\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(
      r.config.messages.get()
          .render("overdue.summary.due_soon", {{"case", "C-1"}, {"agency", ""}, {"steps", ""}})
          .en,
      "Soon: C-1");

  const std::string bad = dir.path() + "/bad.yaml";
  std::ofstream(bad) << "overdue.summary.due_soon: {en: 'Soon: {cas}'}\n";
  r = loadConfig("messages_file: " + bad + "\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("messages_file: " + bad + ":1: overdue.summary.due_soon.en"));
  r = loadConfig("messages_file: " + dir.path() + "/missing.yaml\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("cannot be read"));
}

TEST(MessageCatalogTest, ModelsWordTheirAlertsThroughTheTemplatesTheyAreGiven) {
  auto c = MessageCatalog::parse(R"y(
overdue.summary.due_soon: {en: "{case}: {steps} due soon", zh-CN: "{case}：{steps}即将到期"}
overdue.step.procedural_reply: {en: "receipt notice"}
)y",
                                 "ops.yaml", &MessageCatalog::builtin());
  ASSERT_TRUE(c.ok()) << c.status();
  CaseStore store;
  RecordingSignalSink sink;
  ModelContext ctx{store, sink, nullptr, &*c};
  OverdueModel model(ClocksConfig{}, std::nullopt);
  const TimeMs t0 = timeOf("2026-03-04T09:15:00+08:00");
  const CaseEvent ev = EventBuilder::registered("C-1", t0).build();
  model.advanceTo(ev.ts, ctx);
  model.onEvent(ev, store.apply(ev), ctx);
  model.advanceTo(timeOf("2026-03-10T09:00:00+08:00"), ctx);  // two days before the reply is due
  ASSERT_FALSE(sink.signals().empty());
  EXPECT_EQ(sink.last().summary_en, "C-1: receipt notice due soon");
  EXPECT_EQ(sink.last().summary_zh, "C-1：程序性回复即将到期");
  EXPECT_THAT(sink.last().reasons.at(0).text_en, HasSubstr("receipt notice due on 2026-03-11"));
}

}  // namespace
}  // namespace casewatch
