// Silence regexes through RE2: whole-value matching as before, catastrophic patterns finish, bad
// patterns refused with RE2's reason, the size limits.
#include "alerts/silence/silence_regex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace casewatch {
namespace {

using ::testing::HasSubstr;

const SilenceRegex& compiled(const std::string& pattern) {
  static std::vector<std::unique_ptr<const SilenceRegex>> kept;
  auto re = SilenceRegex::compile(pattern);
  EXPECT_TRUE(re.ok()) << pattern << ": " << re.status();
  kept.push_back(std::move(*re));
  return *kept.back();
}

TEST(SilenceRegexTest, MatchesTheWholeValueLikeRegexMatch) {
  EXPECT_TRUE(compiled("huichuan-.*").fullMatch("huichuan-hrss"));
  EXPECT_FALSE(compiled("hrss").fullMatch("huichuan-hrss"));  // anchored at both ends
  EXPECT_FALSE(compiled("huichuan").fullMatch("huichuan-hrss"));
  EXPECT_TRUE(compiled("red|orange").fullMatch("orange"));
  EXPECT_FALSE(compiled("red|orange").fullMatch("redorange"));
  EXPECT_TRUE(compiled(R"(C-\d+)").fullMatch("C-001"));
  EXPECT_TRUE(compiled("C-0+").fullMatch("C-000"));
  EXPECT_FALSE(compiled("c-0+").fullMatch("C-000"));  // case-sensitive
  EXPECT_TRUE(compiled(".*").fullMatch(""));
  EXPECT_TRUE(compiled("贵州.*").fullMatch("贵州省"));  // UTF-8
}

TEST(SilenceRegexTest, ACatastrophicPatternCompletes) {
  // Exponential for a backtracking engine (std::regex would not finish, or overflow its stack).
  const std::string input = std::string(100000, 'a') + "b";
  EXPECT_FALSE(compiled("(a+)+$").fullMatch(input));
  EXPECT_FALSE(compiled("(a|aa)+").fullMatch(input));
  EXPECT_FALSE(compiled("(a*)*c").fullMatch(input));
  EXPECT_TRUE(compiled("(a+)+b").fullMatch(input));
}

TEST(SilenceRegexTest, BadPatternsAreRefusedWithTheReason) {
  auto missing = SilenceRegex::compile("C-(1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("missing )"));
  // What RE2 cannot do in linear time: backreferences, lookaround.
  EXPECT_FALSE(SilenceRegex::compile(R"((a)\1)").ok());
  EXPECT_FALSE(SilenceRegex::compile("(?=a)a").ok());
}

TEST(SilenceRegexTest, SizeLimits) {
  auto long_pattern = SilenceRegex::compile(std::string(SilenceRegex::kMaxPatternBytes + 1, 'a'));
  ASSERT_FALSE(long_pattern.ok());
  EXPECT_THAT(std::string(long_pattern.status().message()), HasSubstr("longer than 1000 bytes"));
  EXPECT_TRUE(SilenceRegex::compile(std::string(SilenceRegex::kMaxPatternBytes, 'a')).ok());
  // Nested counted repetition beyond RE2's bound of 1000.
  auto nested = SilenceRegex::compile("(((a{100}){100}){100})b");
  ASSERT_FALSE(nested.ok());
  EXPECT_THAT(std::string(nested.status().message()), HasSubstr("invalid repetition size"));
  // Short, but a large program (each `.` is a UTF-8 automaton): over kMaxProgramSize.
  EXPECT_TRUE(SilenceRegex::compile(R"(\w{1000})").ok());
  auto large = SilenceRegex::compile(".{1000}");
  ASSERT_FALSE(large.ok());
  EXPECT_THAT(std::string(large.status().message()), HasSubstr("pattern too complex"));
  // Over RE2's memory budget (kMaxMemoryBytes) while compiling.
  auto heavy = SilenceRegex::compile(R"((\pL{100}){10})");
  ASSERT_FALSE(heavy.ok());
  EXPECT_THAT(std::string(heavy.status().message()), HasSubstr("pattern too large"));
}

}  // namespace
}  // namespace casewatch
