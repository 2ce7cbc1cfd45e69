// The alert text templates as loaded: the built-in file loads, an operator's file re-words entries
// and nothing else, and every mistake in it is refused at load time with the entry's key. (The
// wording with them: tests/alerts/wording/alert_wording_test.cc.)
#include "config/message_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/config_loader.h"
#include "tests/daemon/journal/journal_test_support.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(MessageCatalogTest, TheBuiltInTemplatesLoad) {
  const MessageCatalog& c = MessageCatalog::builtin();
  EXPECT_GT(c.size(), 40u);
  const MessageCatalog::Entry* e = c.find("overdue.step.handling");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->text.get("en"), "handling and written reply");
  EXPECT_EQ(e->text.get("zh-CN"), "办理答复");
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
  EXPECT_EQ(r.config.messages.get().find("overdue.summary.due_soon")->text.get("en"),
            "Soon: {case}");

  const std::string bad = dir.path() + "/bad.yaml";
  std::ofstream(bad) << "overdue.summary.due_soon: {en: 'Soon: {cas}'}\n";
  r = loadConfig("messages_file: " + bad + "\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("messages_file: " + bad + ":1: overdue.summary.due_soon.en"));
  r = loadConfig("messages_file: " + dir.path() + "/missing.yaml\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("cannot be read"));
}

}  // namespace
}  // namespace casewatch
