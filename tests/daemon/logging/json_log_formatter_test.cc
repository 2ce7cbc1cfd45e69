#include "daemon/logging/json_log_formatter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace casewatch {
namespace {

std::string formatted(std::string_view payload, spdlog::level::level_enum level) {
  spdlog::details::log_msg msg("casewatchd", level,
                               spdlog::string_view_t(payload.data(), payload.size()));
  spdlog::memory_buf_t buf;
  JsonLogFormatter formatter;
  formatter.format(msg, buf);
  return std::string(buf.data(), buf.size());
}

TEST(JsonLogFormatter, EveryMessageIsOneJsonObjectOnOneLine) {
  const std::string hostile =
      "config \"/etc/case\\watch\".yaml\nsecond line\r\tend \x01\x1f 信访 案件 {\"msg\":1}";
  const std::string line = formatted(hostile, spdlog::level::warn);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  const auto j = nlohmann::json::parse(line);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.at("msg"), hostile);
  EXPECT_EQ(j.at("level"), "warning");
  EXPECT_EQ(j.at("logger"), "casewatchd");
  // RFC 3339 with milliseconds and an offset: 2024-05-01T08:00:00.123+08:00
  const std::string ts = j.at("ts");
  EXPECT_EQ(ts.size(), 29u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_TRUE(ts[23] == '+' || ts[23] == '-') << ts;
  // Chinese stays readable UTF-8, not \u escapes.
  EXPECT_NE(line.find("信访"), std::string::npos);
}

TEST(JsonLogFormatter, FieldsComeInAFixedOrder) {
  const std::string line = formatted("x", spdlog::level::info);
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u) << line;
  EXPECT_LT(line.find("\"level\":\"info\""), line.find("\"logger\":"));
  EXPECT_LT(line.find("\"logger\":"), line.find("\"msg\":\"x\""));
}

TEST(JsonLogFormatter, InvalidUtf8BecomesReplacementCharacters) {
  const std::string line = formatted(std::string("bad \xff\xfe bytes"), spdlog::level::err);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("msg"), "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST(JsonLogFormatter, CloneFormatsTheSame) {
  JsonLogFormatter formatter;
  auto copy = formatter.clone();
  spdlog::details::log_msg msg("n", spdlog::level::info, "a\"b");
  spdlog::memory_buf_t buf;
  copy->format(msg, buf);
  EXPECT_EQ(nlohmann::json::parse(std::string(buf.data(), buf.size())).at("msg"), "a\"b");
}

}  // namespace
}  // namespace casewatch
