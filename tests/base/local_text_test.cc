#include "base/local_text.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

TEST(LocalTextTest, KeepsTheFixedOrderWhateverTheOrderOfInsertion) {
  LocalText t;
  t.set("fr", "Dossier en retard");
  t.set("zh-CN", "案件逾期");
  t.set("en", "Case overdue");
  std::vector<std::string> locales;
  for (const auto& [locale, text] : t) locales.push_back(locale);
  EXPECT_EQ(locales, (std::vector<std::string>{"en", "zh-CN", "fr"}));
  EXPECT_EQ(t.get("de"), "Case overdue");  // the English text when a locale has none
  EXPECT_EQ(t.textAt(5), "Case overdue");
  EXPECT_EQ(LocalText().get("en"), "");
}

// Copies share their texts until one of them changes: the change is that copy's alone.
TEST(LocalTextTest, ACopyThatChangesLeavesTheOriginalAsItWas) {
  LocalText original{{"en", "3 days overdue"}, {"zh-CN", "逾期3天"}};
  LocalText copy = original;
  EXPECT_EQ(copy, original);
  EXPECT_EQ(copy.find("en"), original.find("en"));  // the same text, not a copy of it
  copy.set("en", "4 days overdue");
  copy.append("fr", "4 jours de retard");
  EXPECT_EQ(original.get("en"), "3 days overdue");
  EXPECT_EQ(original.size(), 2u);
  EXPECT_EQ(copy.get("en"), "4 days overdue");
  EXPECT_EQ(copy.get("zh-CN"), "逾期3天");
  EXPECT_EQ(copy.size(), 3u);
  EXPECT_NE(copy, original);
  // The original, no longer shared, changes in place.
  const std::string* zh = original.find("zh-CN");
  original.set("zh-CN", "逾期三天");
  EXPECT_EQ(original.find("zh-CN"), zh);
  EXPECT_EQ(original.get("zh-CN"), "逾期三天");
  EXPECT_EQ(copy.get("zh-CN"), "逾期3天");
}

TEST(LocalTextTest, EqualTextsCompareEqualWhetherSharedOrNot) {
  const LocalText a{{"en", "x"}, {"zh-CN", "y"}};
  LocalText b;
  b.set("zh-CN", "y");
  b.set("en", "x");
  EXPECT_EQ(a, b);
  EXPECT_EQ(LocalText(), LocalText());
  EXPECT_NE(a, LocalText());
}

}  // namespace
}  // namespace casewatch
