// The alert text templates as loaded: the built-in file loads, an operator's file re-words entries
// and nothing else, a language file adds a locale (and `locale:` may then name it), and every
// mistake in either is refused at load time with the entry's key and the config key's path. (The
// wording with them: tests/alerts/wording/alert_wording_test.cc.)
#include "config/message_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/config_loader.h"
#include "tests/daemon/journal/journal_test_support.h"
#include "tests/source_paths.h"

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

TEST(MessageCatalogTest, ALanguageFileMayGiveAnyLocaleButOnlyKnownEntriesAndPlaceholders) {
  const MessageCatalog* base = &MessageCatalog::builtin();
  auto refused = [&](const std::string& yaml) {
    auto c = MessageCatalog::parse(yaml, "fr.yaml", base, /*new_locales=*/true);
    EXPECT_FALSE(c.ok()) << yaml;
    return c.ok() ? std::string() : std::string(c.status().message());
  };
  EXPECT_THAT(refused("overdue.summary.overdu: {fr: x}"),
              HasSubstr("fr.yaml:1: overdue.summary.overdu: unknown message"));
  EXPECT_THAT(refused("overdue.summary.overdue: {fr: 'Dossier {dossier}'}"),
              HasSubstr("overdue.summary.overdue.fr: "));
  EXPECT_THAT(refused("overdue.summary.overdue: {fr: 'Dossier {dossier}'}"),
              HasSubstr("placeholders: case, agency, steps, days"));
  EXPECT_THAT(refused("overdue.reason.days_left: {fr: '{days:.2f} j'}"),
              HasSubstr("overdue.reason.days_left.fr"));  // precision on an int
  EXPECT_THAT(refused("tier.red: {fr: ''}"), HasSubstr("tier.red.fr: is empty"));
  EXPECT_THAT(refused("tier.red: {French: rouge}"),
              HasSubstr("tier.red.French: unknown key (expected en, zh-CN or a locale"));
  EXPECT_THAT(refused("tier.red: {args: {n: int}, fr: rouge}"), HasSubstr("args are fixed"));
  // messages_file stays as it was: en and zh-CN only.
  auto c = MessageCatalog::parse("tier.red: {fr: rouge}", "ops.yaml", base);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("tier.red.fr: unknown key (expected en, zh-CN;"));
  // A locale tag in any case the common BCP 47 tags are written in.
  c = MessageCatalog::parse("tier.red: {pt-BR: vermelho, zh-Hant-TW: 紅色}", "x.yaml", base, true);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->locales(), (std::vector<std::string>{"en", "zh-CN", "pt-BR", "zh-Hant-TW"}));
}

TEST(MessageCatalogTest, TheConfigAddsLanguagesFromMessagesFilesAndChecksLocale) {
  const std::string fr = std::string(CASEWATCH_TESTDATA_DIR) + "/messages/fr.yaml";
  ConfigResult r = loadConfig("locale: fr\nmessages_files: [" + fr + "]\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.locale, "fr");
  EXPECT_EQ(r.config.messages.get().find("tier.red")->text.get("fr"), "rouge");
  EXPECT_EQ(r.config.messages.get().fallbacks("fr").size(), r.config.messages.get().size() - 5);

  // messages_file and messages_files together: the re-wording first, then the languages.
  TempDir dir;
  const std::string ops = dir.path() + "/ops.yaml";
  std::ofstream(ops) << "tier.red: {en: 'RED'}\n";
  r = loadConfig("messages_file: " + ops + "\nmessages_files: [" + fr + "]\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.messages.get().find("tier.red")->text.get("en"), "RED");
  EXPECT_EQ(r.config.messages.get().find("tier.red")->text.get("fr"), "rouge");

  // A locale no template provides: the error names the key and lists the ones there are.
  r = loadConfig("locale: ja\nmessages_files: [" + fr + "]\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("locale: expected one of en, zh-CN, fr; got \"ja\""));
  r = loadConfig("locale: fr\n");
  EXPECT_THAT(r.describe(), HasSubstr("locale: expected one of en, zh-CN; got \"fr\""));

  // A bad file: the error is at its index in the list, with the file, line and entry; `locale`
  // naming the language it would have added is not a second error.
  const std::string bad = dir.path() + "/fr.yaml";
  std::ofstream(bad) << "tier.red: {fr: rouge}\noverdue.summary.overdu: {fr: x}\n";
  r = loadConfig("locale: fr\nmessages_files: [" + fr + ", " + bad + "]\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << r.describe();
  EXPECT_THAT(r.describe(),
              HasSubstr("messages_files[1]: " + bad +
                        ":2: overdue.summary.overdu: unknown message (at <config>:2:"));
  std::ofstream(bad) << "overdue.reason.days_left: {fr: '{jours} j'}\n";
  r = loadConfig("messages_files: [" + bad + "]\n");
  EXPECT_THAT(r.describe(),
              HasSubstr("messages_files[0]: " + bad + ":1: overdue.reason.days_left.fr: "));
  EXPECT_THAT(r.describe(), HasSubstr("(placeholders: step, due_date, days)"));
  r = loadConfig("messages_files: " + fr + "\n");
  EXPECT_THAT(r.describe(), HasSubstr("messages_files: expected a list"));
}

}  // namespace
}  // namespace casewatch
