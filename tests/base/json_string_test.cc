#include "base/json_string.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace casewatch {
namespace {

std::string written(std::string_view s, bool* valid = nullptr) {
  std::string out;
  const bool ok = appendJsonString(out, s);
  if (valid) *valid = ok;
  return out;
}

// nlohmann's dump(), as the alert's DOM form prints a string.
std::string byNlohmann(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonStringTest, EscapesAsNlohmannDoes) {
  EXPECT_EQ(written(""), "\"\"");
  EXPECT_EQ(written("plain text"), "\"plain text\"");
  EXPECT_EQ(written("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(written("\b\t\n\f\r"), "\"\\b\\t\\n\\f\\r\"");
  // Other control characters as \u00xx, lowercase; DEL as it is.
  EXPECT_EQ(written(std::string("\x00\x01\x1b\x1f\x7f", 5)),
            "\"\\u0000\\u0001\\u001b\\u001f\x7f\"");
  EXPECT_EQ(written("程序性回复期限为2026-01-12，已超期1天"),
            "\"程序性回复期限为2026-01-12，已超期1天\"");
}

TEST(JsonStringTest, EveryEscapeIsFoundWhereverItFallsInA16ByteBlock) {
  for (size_t at = 0; at < 40; ++at) {
    for (char c : {'"', '\\', '\n', '\x01'}) {
      std::string s(40, 'x');
      s[at] = c;
      EXPECT_EQ(written(s), byNlohmann(s)) << at << " " << static_cast<int>(c);
    }
  }
}

TEST(JsonStringTest, InvalidUtf8IsReported) {
  bool valid = true;
  written("ok 已回复", &valid);
  EXPECT_TRUE(valid);
  for (std::string bad : {std::string("\xff"), std::string("abc\xc3("),
                          std::string(20, 'a') + "\xe4\xb8",  // cut short at the end
                          std::string("\xed\xa0\x80"),        // a surrogate
                          std::string("\xc0\xaf")}) {         // overlong
    written(bad, &valid);
    EXPECT_FALSE(valid) << bad.size();
  }
}

TEST(JsonStringTest, RandomTextsMatchNlohmannByteForByte) {
  // Bytes drawn mostly from the ones that matter: escapes, control characters, DEL, and pieces of
  // valid UTF-8; a run of plain ASCII in between, so that blocks of 16 are crossed.
  const std::string pieces[] = {"\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f",
                                "/",  "已", "✓",  "é",  "𝄞",    " ",    "abcdefghijklmnopq"};
  std::mt19937 rng(7);
  for (int n = 0; n < 5000; ++n) {
    std::string s;
    const int parts = static_cast<int>(rng() % 12);
    for (int i = 0; i < parts; ++i) s += pieces[rng() % std::size(pieces)];
    bool valid = false;
    EXPECT_EQ(written(s, &valid), byNlohmann(s)) << n;
    EXPECT_TRUE(valid);
  }
}

}  // namespace
}  // namespace casewatch
