// Event time: milliseconds since the Unix epoch (UTC), parsed from and printed as RFC 3339.
//
// The hot path parses a timestamp for every event, so this is a small hand-written parser over the
// fixed RFC 3339 shape instead of a general date library (GCC 12's libstdc++ has no
// std::chrono::parse). It accepts `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` and nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace casewatch {

using TimeMs = int64_t;  // milliseconds since 1970-01-01T00:00:00Z
constexpr TimeMs kMsPerSecond = 1000;
constexpr TimeMs kMsPerMinute = 60 * kMsPerSecond;
constexpr TimeMs kMsPerHour = 60 * kMsPerMinute;
constexpr TimeMs kMsPerDay = 24 * kMsPerHour;

// a / b rounded towards minus infinity (b > 0): the day of a time before 1970 is negative.
constexpr int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
// Days since 1970-01-01 of the local date of `t` in a zone `offset_ms` east of UTC.
constexpr int64_t localDay(TimeMs t, TimeMs offset_ms) {
  return floorDiv(t + offset_ms, kMsPerDay);
}

// A civil date in the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 for a civil date, and back (H. Hinnant's algorithms).
int64_t daysFromCivil(const CivilDate& d);
CivilDate civilFromDays(int64_t days);
// 0 = Monday .. 6 = Sunday.
int weekdayFromDays(int64_t days);

// Parses RFC 3339 with an offset; nullopt when the text is not one.
std::optional<TimeMs> parseRfc3339(std::string_view text);
// Parses `YYYY-MM-DD`.
std::optional<CivilDate> parseCivilDate(std::string_view text);
// Parses an offset `+08:00`, `-05:30` or `Z` into minutes east of UTC.
std::optional<int> parseUtcOffset(std::string_view text);

// Formats as RFC 3339 in the given offset (minutes east of UTC), seconds precision, e.g.
// `2026-03-04T09:15:00+08:00`.
std::string formatRfc3339(TimeMs t, int offset_minutes = 0);
// The same, appended to `out` (the alert encoder writes straight into its buffer).
void appendRfc3339(std::string& out, TimeMs t, int offset_minutes = 0);
std::string formatCivilDate(const CivilDate& d);

}  // namespace casewatch
