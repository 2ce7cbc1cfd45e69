// The alert's identity (alerts/alert.h): the fingerprint, and the number the alert book keys it by.
#include "alerts/alert.h"

#include <gtest/gtest.h>

namespace casewatch {
namespace {

TEST(AlertFingerprintTest, IsBlake2bOfModelKindAndSubjectInHex) {
  // Pinned: an alert's id is what consumers (Alertmanager, the bus, the store) know it by; it must
  // never change for the same subject. This one is in the replay of the ordinary bench feed.
  EXPECT_EQ(
      alertFingerprint("group_incident", SubjectKind::kMatter, "m:520304-wage_arrears-0007077"),
      "d92abbf119fc3578");
}

TEST(AlertFingerprintTest, TheKeyIsTheIdAsANumber) {
  for (const char* subject : {"A", "ZY-2026-0042", "", "m:520304-wage_arrears-0007077"}) {
    const uint64_t key = alertKey("overdue", SubjectKind::kCase, subject);
    const std::string id = alertFingerprint("overdue", SubjectKind::kCase, subject);
    EXPECT_EQ(alertIdOfKey(key), id);
    uint64_t back = 0;
    ASSERT_TRUE(alertKeyOfId(id, back)) << id;
    EXPECT_EQ(back, key);
  }
  EXPECT_EQ(alertIdOfKey(0), "0000000000000000");
  EXPECT_EQ(alertIdOfKey(0x0123456789abcdefULL), "0123456789abcdef");
}

TEST(AlertFingerprintTest, AnIdThatIsNotSixteenLowercaseHexDigitsHasNoKey) {
  uint64_t key = 7;
  for (const char* id : {"", "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF",
                         "0123456789abcdeg", "casewatch-self"}) {
    EXPECT_FALSE(alertKeyOfId(id, key)) << id;
  }
  EXPECT_EQ(key, 7u);  // untouched
}

}  // namespace
}  // namespace casewatch
