#include "daemon/logging/journald_priority_formatter.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "daemon/logging/log_setup.h"

namespace casewatch {
namespace {

std::string formatted(spdlog::formatter& f, spdlog::level::level_enum level, const char* text) {
  spdlog::details::log_msg msg("casewatchd", level, text);
  spdlog::memory_buf_t buf;
  f.format(msg, buf);
  return std::string(buf.data(), buf.size());
}

TEST(JournaldPriorityFormatter, PrefixesEachLevelWithItsSyslogPriority) {
  auto f = makeLogFormatter(LogFormat::kText, true);
  EXPECT_EQ(formatted(*f, spdlog::level::critical, "x").substr(0, 3), "<2>");
  EXPECT_EQ(formatted(*f, spdlog::level::err, "x").substr(0, 3), "<3>");
  EXPECT_EQ(formatted(*f, spdlog::level::warn, "x").substr(0, 3), "<4>");
  EXPECT_EQ(formatted(*f, spdlog::level::info, "x").substr(0, 3), "<6>");
  EXPECT_EQ(formatted(*f, spdlog::level::debug, "x").substr(0, 3), "<7>");
  EXPECT_EQ(formatted(*f, spdlog::level::trace, "x").substr(0, 3), "<7>");
}

TEST(JournaldPriorityFormatter, TextWithoutJournaldHasNoPrefix) {
  auto f = makeLogFormatter(LogFormat::kText, false);
  const std::string line = formatted(*f, spdlog::level::warn, "Not ready.");
  EXPECT_NE(line[0], '<');
  EXPECT_NE(line.find("warning Not ready."), std::string::npos) << line;
}

TEST(JournaldPriorityFormatter, JsonBehindThePrefixStaysOneObject) {
  // journald strips "<3>" and stores the JSON object.
  auto f = makeLogFormatter(LogFormat::kJson, true);
  const std::string line = formatted(*f, spdlog::level::err, "a\nb");
  ASSERT_EQ(line.substr(0, 3), "<3>");
  EXPECT_EQ(nlohmann::json::parse(line.substr(3)).at("msg"), "a\nb");
}

TEST(JournaldPriorityFormatter, JournalStreamMustNameStderr) {
  const char* saved = std::getenv("JOURNAL_STREAM");
  const std::string keep = saved ? saved : "";
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(journalStreamIsStderr());
  ::setenv("JOURNAL_STREAM", "0:0", 1);
  EXPECT_FALSE(journalStreamIsStderr());
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(journalStreamIsStderr());
  if (saved) {
    ::setenv("JOURNAL_STREAM", keep.c_str(), 1);
  } else {
    ::unsetenv("JOURNAL_STREAM");
  }
}

}  // namespace
}  // namespace casewatch
