#include "alerts/alert_names.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

TEST(AlertNamesTest, TheNamesHandedInWin) {
  const AlertNames names({{"overdue", "CaseOverdue"}, {"stability", "RegionalStability"}});
  EXPECT_EQ(names.of("overdue"), "CaseOverdue");
  EXPECT_EQ(names.of("stability"), "RegionalStability");
}

TEST(AlertNamesTest, AModelNotHandedInIsNamedInUpperCamelCase) {
  const AlertNames names(AlertNames::Map{{"overdue", "CaseOverdue"}});
  EXPECT_EQ(names.of("some_new_model"), "SomeNewModel");
  EXPECT_EQ(names.of("a-b.c"), "ABC");
  EXPECT_EQ(AlertNames().of("overdue"), "Overdue");
  EXPECT_EQ(AlertNames().of(""), "");
}

}  // namespace
}  // namespace casewatch
