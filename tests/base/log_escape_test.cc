#include "base/log_escape.h"

#include <gtest/gtest.h>

#include <string>

namespace casewatch {
namespace {

TEST(LogEscapeTest, ControlCharactersQuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(escapedForLog("paid in full"), "paid in full");
  // A note cannot start a forged log line, nor move the cursor or colour a terminal.
  EXPECT_EQ(escapedForLog("ok\n[info] forged line\r\t\"q\" \\ \x1b[31mred\x7f"),
            "ok\\n[info] forged line\\r\\t\\\"q\\\" \\\\ \\u001b[31mred\\u007f");
  EXPECT_EQ(escapedForLog("\xC2\x9B"
                          "2J"),
            "\\u009b2J");  // C1 CSI
}

TEST(LogEscapeTest, Utf8IsKeptAndInvalidBytesShownAsHex) {
  EXPECT_EQ(escapedForLog("已回复 ✓"), "已回复 ✓");
  EXPECT_EQ(escapedForLog("a\xff\xc3("), "a\\xff\\xc3(");
}

TEST(LogEscapeTest, LongTextIsCutAtACharacterBoundaryAndSaysHowMuchWasLeftOut) {
  const std::string note(500, 'x');
  EXPECT_EQ(escapedForLog(note), std::string(200, 'x') + "\xE2\x80\xA6 (+300 bytes)");
  // 3-byte characters: 66 fit in 200 bytes; the 67th is not split.
  std::string chinese;
  for (int i = 0; i < 70; ++i) chinese += "访";
  const std::string logged = escapedForLog(chinese);
  EXPECT_EQ(logged.substr(0, 198), chinese.substr(0, 198));
  EXPECT_EQ(logged.substr(198), "\xE2\x80\xA6 (+12 bytes)");
  EXPECT_EQ(escapedForLog("abcdef", 3), "abc\xE2\x80\xA6 (+3 bytes)");
}

}  // namespace
}  // namespace casewatch
