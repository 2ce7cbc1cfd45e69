#include "base/time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace casewatch {
namespace {

// Reference instants computed independently (Python's datetime), not with the code under test.
constexpr TimeMs k20260304T0115Z = 1772586900000;  // 2026-03-04T01:15:00Z = 09:15 at +08:00
constexpr TimeMs k20240229T12Z = 1709208000000;
constexpr TimeMs k20000229Z = 951782400000;
constexpr TimeMs k19000301Z = -2203891200000;
constexpr TimeMs k20161231T235959Z = 1483228799000;

TEST(ParseRfc3339Test, UtcDesignator) {
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00Z"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00z"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00+00:00"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00-00:00"), k20260304T0115Z);
}

TEST(ParseRfc3339Test, PositiveAndNegativeOffsetsNameTheSameInstant) {
  EXPECT_EQ(parseRfc3339("2026-03-04T09:15:00+08:00"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-03T19:45:00-05:30"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-04T06:00:00+04:45"), k20260304T0115Z);
  // An offset that crosses midnight backwards into the previous day and month.
  EXPECT_EQ(parseRfc3339("2026-03-01T07:59:59+08:00"), parseRfc3339("2026-02-28T23:59:59Z"));
  // And forwards over a year boundary.
  EXPECT_EQ(parseRfc3339("2016-12-31T18:59:59-05:00"), k20161231T235959Z);
}

TEST(ParseRfc3339Test, LowercaseTAndSpaceSeparator) {
  EXPECT_EQ(parseRfc3339("2026-03-04t09:15:00+08:00"), k20260304T0115Z);
  EXPECT_EQ(parseRfc3339("2026-03-04 09:15:00+08:00"), k20260304T0115Z);
}

TEST(ParseRfc3339Test, FractionsGiveMilliseconds) {
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00.5Z"), k20260304T0115Z + 500);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00.05Z"), k20260304T0115Z + 50);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00.123Z"), k20260304T0115Z + 123);
  // Digits below a millisecond are truncated, not rounded.
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00.999999999Z"), k20260304T0115Z + 999);
  EXPECT_EQ(parseRfc3339("2026-03-04T09:15:00.250+08:00"), k20260304T0115Z + 250);
  EXPECT_EQ(parseRfc3339("2026-03-04T01:15:00.000Z"), k20260304T0115Z);
}

TEST(ParseRfc3339Test, LeapDays) {
  EXPECT_EQ(parseRfc3339("2024-02-29T12:00:00Z"), k20240229T12Z);
  EXPECT_EQ(parseRfc3339("2000-02-29T00:00:00Z"), k20000229Z);  // divisible by 400: leap
  EXPECT_EQ(parseRfc3339("2024-02-29T20:00:00+08:00"), k20240229T12Z);
  EXPECT_FALSE(parseRfc3339("2026-02-29T12:00:00Z"));  // not a leap year
  EXPECT_FALSE(parseRfc3339("2100-02-29T12:00:00Z"));  // divisible by 100, not 400
  EXPECT_FALSE(parseRfc3339("1900-02-29T00:00:00Z"));
  EXPECT_EQ(parseRfc3339("1900-03-01T00:00:00Z"), k19000301Z);
}

TEST(ParseRfc3339Test, LeapSecondFoldsIntoTheSecondBefore) {
  EXPECT_EQ(parseRfc3339("2016-12-31T23:59:60Z"), k20161231T235959Z);
  EXPECT_FALSE(parseRfc3339("2016-12-31T23:59:61Z"));
}

TEST(ParseRfc3339Test, RejectsMalformedInput) {
  const std::vector<std::string> bad = {
      "",
      "2026-03-04",                       // a date alone
      "2026-03-04T09:15:00",              // no offset
      "2026-03-04T09:15+08:00",           // no seconds
      "2026-03-04T09:15:00+0800",         // offset without a colon
      "2026-03-04T09:15:00+8:00",         // one-digit offset hour
      "2026-03-04T09:15:00+24:00",        // offset hour out of range
      "2026-03-04T09:15:00+08:60",        // offset minute out of range
      "2026-03-04T09:15:00 +08:00",       // space before the offset
      "2026-03-04T09:15:00+08:00 ",       // trailing space
      "2026-03-04T09:15:00Zjunk",         // trailing garbage
      "2026-03-04T09:15:00.+08:00",       // a point without digits
      "2026-03-04T09:15:00.1234567890Z",  // more than nine fraction digits
      "2026-03-04T09:15:00,5Z",           // comma fraction
      "2026-13-04T09:15:00Z",             // month 13
      "2026-00-04T09:15:00Z",             // month 0
      "2026-03-00T09:15:00Z",             // day 0
      "2026-04-31T09:15:00Z",             // April has 30 days
      "2026-03-04T24:00:00Z",             // hour 24
      "2026-03-04T09:60:00Z",             // minute 60
      "2026-03-04X09:15:00Z",             // bad separator
      "2026/03/04T09:15:00Z",             // bad date separators
      "26-03-04T09:15:00Z",               // two-digit year
      "2026-3-4T09:15:00Z",               // unpadded month and day
      "2026-03-04T9:15:00Z",              // unpadded hour
      "2026-03-04T09:15:0aZ",             // non-digit
      "+2026-03-04T09:15:00Z",            // signed year
      "1772586900000",                    // epoch milliseconds
  };
  for (const std::string& s : bad) EXPECT_FALSE(parseRfc3339(s)) << "accepted: " << s;
}

TEST(ParseUtcOffsetTest, MinutesEastOfUtc) {
  EXPECT_EQ(parseUtcOffset("Z"), 0);
  EXPECT_EQ(parseUtcOffset("+08:00"), 480);
  EXPECT_EQ(parseUtcOffset("-05:30"), -330);
  EXPECT_EQ(parseUtcOffset("+00:00"), 0);
  EXPECT_EQ(parseUtcOffset("+23:59"), 23 * 60 + 59);
  EXPECT_FALSE(parseUtcOffset(""));
  EXPECT_FALSE(parseUtcOffset("08:00"));
  EXPECT_FALSE(parseUtcOffset("+08"));
  EXPECT_FALSE(parseUtcOffset("+08:00:00"));
  EXPECT_FALSE(parseUtcOffset("UTC"));
}

TEST(ParseCivilDateTest, ValidatesTheCalendar) {
  EXPECT_EQ(parseCivilDate("2026-03-04"), (CivilDate{2026, 3, 4}));
  EXPECT_EQ(parseCivilDate("2024-02-29"), (CivilDate{2024, 2, 29}));
  EXPECT_FALSE(parseCivilDate("2026-02-29"));
  EXPECT_FALSE(parseCivilDate("2026-06-31"));
  EXPECT_FALSE(parseCivilDate("2026-03-4"));
  EXPECT_FALSE(parseCivilDate("2026-03-04 "));
  EXPECT_FALSE(parseCivilDate("2026_03_04"));
}

TEST(CivilDaysTest, KnownDaysAndWeekdays) {
  EXPECT_EQ(daysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(daysFromCivil({2026, 3, 4}), 20516);
  EXPECT_EQ(daysFromCivil({1600, 1, 1}), -135140);
  EXPECT_EQ(civilFromDays(20516), (CivilDate{2026, 3, 4}));
  EXPECT_EQ(civilFromDays(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(weekdayFromDays(0), 3);                              // 1970-01-01: Thursday
  EXPECT_EQ(weekdayFromDays(daysFromCivil({2026, 3, 4})), 2);    // Wednesday
  EXPECT_EQ(weekdayFromDays(daysFromCivil({2026, 3, 7})), 5);    // Saturday
  EXPECT_EQ(weekdayFromDays(daysFromCivil({2026, 3, 8})), 6);    // Sunday
  EXPECT_EQ(weekdayFromDays(daysFromCivil({1969, 12, 29})), 0);  // Monday, before the epoch
}

TEST(CivilDaysTest, RoundTripsAndStepsOneDayAtATime) {
  // Every day from 1600 to 2400: the conversion is a bijection and consecutive days follow.
  CivilDate prev = civilFromDays(daysFromCivil({1600, 1, 1}) - 1);
  for (int64_t z = daysFromCivil({1600, 1, 1}); z <= daysFromCivil({2400, 12, 31}); ++z) {
    const CivilDate d = civilFromDays(z);
    ASSERT_EQ(daysFromCivil(d), z);
    ASSERT_LT(prev, d);
    ASSERT_EQ(parseCivilDate(formatCivilDate(d)), d) << formatCivilDate(d);
    prev = d;
  }
}

TEST(FormatRfc3339Test, InTheGivenOffset) {
  EXPECT_EQ(formatRfc3339(k20260304T0115Z), "2026-03-04T01:15:00Z");
  EXPECT_EQ(formatRfc3339(k20260304T0115Z, 0), "2026-03-04T01:15:00Z");
  EXPECT_EQ(formatRfc3339(k20260304T0115Z, 480), "2026-03-04T09:15:00+08:00");
  EXPECT_EQ(formatRfc3339(k20260304T0115Z, -330), "2026-03-03T19:45:00-05:30");
  EXPECT_EQ(formatRfc3339(k20240229T12Z, 720), "2024-03-01T00:00:00+12:00");
}

// Years of more than four digits (a mistyped clock, a far deadline) print whole, unpadded.
TEST(FormatRfc3339Test, YearsBeyondFourDigitsPrintWhole) {
  constexpr TimeMs k10000 = 253402300800000;  // 10000-01-01T00:00:00Z
  EXPECT_EQ(formatRfc3339(k10000), "10000-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(k10000 - 1000, 480), "10000-01-01T07:59:59+08:00");
  EXPECT_EQ(formatRfc3339(-62135596800000), "0001-01-01T00:00:00Z");
}

TEST(FormatRfc3339Test, TruncatesMillisecondsAndHandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(formatRfc3339(k20260304T0115Z + 999), "2026-03-04T01:15:00Z");
  EXPECT_EQ(formatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(formatRfc3339(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(formatRfc3339(-1001), "1969-12-31T23:59:58Z");
  EXPECT_EQ(formatRfc3339(-kMsPerDay), "1969-12-31T00:00:00Z");
  EXPECT_EQ(formatRfc3339(k19000301Z, 480), "1900-03-01T08:00:00+08:00");
  EXPECT_EQ(formatRfc3339(0, -60), "1969-12-31T23:00:00-01:00");
}

TEST(FormatRfc3339Test, RoundTripsThroughTheParser) {
  const std::vector<int> offsets = {0, 480, -330, 345, -720, 840};
  for (TimeMs t = -2208988800000; t < 4102444800000; t += 7 * kMsPerDay + 3 * kMsPerHour + 7001) {
    const TimeMs whole = t - ((t % 1000) + 1000) % 1000;  // formatting keeps whole seconds
    for (int off : offsets) {
      const std::string s = formatRfc3339(t, off);
      ASSERT_EQ(parseRfc3339(s), whole) << s;
      ASSERT_EQ(formatRfc3339(*parseRfc3339(s), off), s);
    }
  }
}

TEST(FormatCivilDateTest, ZeroPads) {
  EXPECT_EQ(formatCivilDate({2026, 3, 4}), "2026-03-04");
  EXPECT_EQ(formatCivilDate({987, 12, 31}), "0987-12-31");
}

TEST(LocalDayTest, DaysRoundTowardsMinusInfinity) {
  EXPECT_EQ(floorDiv(7, 2), 3);
  EXPECT_EQ(floorDiv(-7, 2), -4);
  EXPECT_EQ(floorDiv(-8, 2), -4);
  const TimeMs offset = 8 * kMsPerHour;
  // 2026-03-04T01:15Z is 09:15 on 4 March at +08:00; 23:59 on 3 March UTC is 4 March there too.
  EXPECT_EQ(localDay(k20260304T0115Z, offset), daysFromCivil({2026, 3, 4}));
  EXPECT_EQ(localDay(k20260304T0115Z - 2 * kMsPerHour, offset), daysFromCivil({2026, 3, 4}));
  EXPECT_EQ(localDay(k20260304T0115Z - 10 * kMsPerHour, offset), daysFromCivil({2026, 3, 3}));
  EXPECT_EQ(localDay(k19000301Z, 0), daysFromCivil({1900, 3, 1}));
  EXPECT_EQ(localDay(k19000301Z - 1, 0), daysFromCivil({1900, 2, 28}));
}

}  // namespace
}  // namespace casewatch
