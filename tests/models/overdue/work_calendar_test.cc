#include "models/overdue/work_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;

int64_t day(int y, int m, int d) {
  return daysFromCivil({y, m, d});
}

TEST(WorkCalendarTest, EmptyCalendarIsMondayToFriday) {
  auto cal = WorkCalendar::parse("", "empty");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->entries(), 0u);
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 3, 2)));   // Monday
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 3, 6)));   // Friday
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 3, 7)));  // Saturday
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 3, 8)));  // Sunday
}

TEST(WorkCalendarTest, HolidaysOffAndAdjustedWorkingDaysOn) {
  auto cal = WorkCalendar::parse(
      "# National Day 2026\n"
      "2026-10-01 off   # Thursday\n"
      "2026-10-02 off\n"
      "\n"
      "   2026-09-27\twork  # adjusted working day (a Sunday)\n"
      "2026-10-10 work\r\n"
      "2026-10-03 off\n",
      "holidays.txt");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->entries(), 5u);
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 10, 1)));  // a Thursday holiday
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 10, 2)));
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 10, 3)));  // a Saturday listed off: still off
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 9, 27)));   // a Sunday made a working day
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 10, 10)));  // a Saturday made a working day
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 10, 4)));  // unlisted Sunday
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 9, 30)));   // unlisted Wednesday
}

TEST(WorkCalendarTest, ErrorsNameTheOriginAndLine) {
  struct Case {
    const char* text;
    const char* what;
  };
  const Case cases[] = {
      {"2026-10-01 off\n2026-10-02\n", "holidays.txt:2:"},
      {"2026-10-01 holiday\n", "`off` or `work`"},
      {"2026-02-30 off\n", "not a date"},
      {"10/01/2026 off\n", "not a date"},
      {"# c\n2026-10-01 off\n2026-10-01 work\n", "holidays.txt:3: day listed both off and work"},
      {"2026-09-27 work\n2026-09-27 off\n", "both off and work"},
      {"2026-10-01 off extra\n", "`off` or `work`"},
  };
  for (const Case& c : cases) {
    auto cal = WorkCalendar::parse(c.text, "holidays.txt");
    ASSERT_FALSE(cal.ok()) << c.text;
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(cal.status().message()), HasSubstr(c.what)) << c.text;
  }
}

TEST(WorkCalendarTest, ARepeatedEntryIsHarmless) {
  auto cal = WorkCalendar::parse("2026-10-01 off\n2026-10-01 off\n", "x");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 10, 1)));
}

TEST(WorkCalendarTest, LoadsAFile) {
  auto cal = WorkCalendar::load(std::string(CASEWATCH_TESTDATA_DIR) + "/config/holidays.txt");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->entries(), 1u);
  EXPECT_FALSE(cal->isWorkingDay(day(2026, 1, 1)));  // a Thursday, listed off
  EXPECT_TRUE(cal->isWorkingDay(day(2026, 1, 2)));
}

TEST(WorkCalendarTest, AMissingFileIsNotFound) {
  auto cal = WorkCalendar::load("/nonexistent/casewatch/holidays.txt");
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(cal.status().message()),
              HasSubstr("/nonexistent/casewatch/holidays.txt"));
}

}  // namespace
}  // namespace casewatch
