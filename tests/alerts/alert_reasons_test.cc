#include "alerts/alert_reasons.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

AlertReason reason(std::string code, double number) {
  AlertReason r;
  r.code = std::move(code);
  r.number = number;
  r.text = {{"en", "days overdue"}, {"zh-CN", "超期天数"}};
  return r;
}

TEST(AlertReasonsTest, ACopySharesTheListUntilOneSideChangesIt) {
  AlertReasons a{reason("procedural_reply_days_overdue", 3)};
  AlertReasons b = a;
  EXPECT_EQ(&a.items(), &b.items());  // one list
  b[0].number = 4;                    // b takes its own first
  EXPECT_NE(&a.items(), &b.items());
  EXPECT_EQ(a[0].number, 3);
  EXPECT_EQ(b[0].number, 4);
  AlertReasons c = b;
  c.push_back(reason("days_in_handling", 9));
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.back().code, "days_in_handling");
}

TEST(AlertReasonsTest, EqualityIsByContentWhetherSharedOrNot) {
  const AlertReasons a{reason("x", 1), reason("y", 2)};
  const AlertReasons shared = a;
  const AlertReasons apart{reason("x", 1), reason("y", 2)};
  EXPECT_EQ(a, shared);
  EXPECT_EQ(a, apart);
  EXPECT_NE(a, (AlertReasons{reason("x", 1)}));
  EXPECT_EQ(AlertReasons(), AlertReasons(AlertReasons::List{}));
}

TEST(AlertReasonsTest, ReadingNeverCopiesAndClearingLeavesOtherCopiesAlone) {
  AlertReasons a{reason("x", 1)};
  AlertReasons b = a;
  const AlertReason* first = &a.items()[0];
  for (const AlertReason& r : b) EXPECT_EQ(r.code, "x");  // a non-const b read: no copy
  EXPECT_EQ(&b.front(), first);
  EXPECT_EQ(&b.at(0), first);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(&a.items()[0], first);
}

}  // namespace
}  // namespace casewatch
