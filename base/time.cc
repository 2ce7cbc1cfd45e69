#include "base/time.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace casewatch {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

}  // namespace

int64_t daysFromCivil(const CivilDate& d) {
  int64_t y = d.year;
  const unsigned m = static_cast<unsigned>(d.month);
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int weekdayFromDays(int64_t days) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int64_t w = (days + 3) % 7;
  if (w < 0) w += 7;
  return static_cast<int>(w);
}

std::optional<CivilDate> parseCivilDate(std::string_view s) {
  CivilDate d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, d.year) || !digits(s, 5, 2, d.month) || !digits(s, 8, 2, d.day)) {
    return std::nullopt;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::optional<int> parseUtcOffset(std::string_view s) {
  if (s == "Z" || s == "z") return 0;
  int hh = 0, mm = 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  if (!digits(s, 1, 2, hh) || !digits(s, 4, 2, mm) || hh > 23 || mm > 59) return std::nullopt;
  const int minutes = hh * 60 + mm;
  return s[0] == '-' ? -minutes : minutes;
}

std::optional<TimeMs> parseRfc3339(std::string_view s) {
  if (s.size() < 20) return std::nullopt;
  auto date = parseCivilDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh = 0, mi = 0, ss = 0;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;  // 60: a leap second, folded below
  if (ss == 60) ss = 59;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  auto offset = parseUtcOffset(s.substr(pos));
  if (!offset) return std::nullopt;
  const int64_t days = daysFromCivil(*date);
  const int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - int64_t{*offset} * 60;
  return secs * 1000 + ms;
}

std::string formatCivilDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

void appendRfc3339(std::string& out, TimeMs t, int offset_minutes) {
  const int64_t local_s = (t >= 0 ? t / 1000 : (t - 999) / 1000) + int64_t{offset_minutes} * 60;
  int64_t days = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
  const int64_t sod = local_s - days * 86400;
  const CivilDate d = civilFromDays(days);
  const int h = static_cast<int>(sod / 3600), m = static_cast<int>(sod / 60 % 60),
            s = static_cast<int>(sod % 60);
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  if (d.year >= 0 && d.year <= 9999 && off < 100 * 60) {
    // Digits by hand: up to four times per alert encoding, and fmt's compiled format was still
    // 6 % of an alert-heavy replay (perf, 2026-12-07). Same text as the fmt form below.
    char buf[25];
    const auto two = [&buf](size_t at, int v) {
      buf[at] = static_cast<char>('0' + v / 10);
      buf[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, d.year / 100);
    two(2, d.year % 100);
    buf[4] = '-';
    two(5, d.month);
    buf[7] = '-';
    two(8, d.day);
    buf[10] = 'T';
    two(11, h);
    buf[13] = ':';
    two(14, m);
    buf[16] = ':';
    two(17, s);
    if (offset_minutes == 0) {
      buf[19] = 'Z';
      out.append(buf, 20);
      return;
    }
    buf[19] = offset_minutes < 0 ? '-' : '+';
    two(20, off / 60);
    buf[22] = ':';
    two(23, off % 60);
    out.append(buf, 25);
    return;
  }
  // fmt, not snprintf (vfprintf was 1.4 % of a live run), for the years and offsets the digits
  // above do not cover. The formats compiled (FMT_COMPILE), not parsed at each call. No truncation
  // to ask for: whatever the ints, the text is at most 38 characters (an 11-character year, an
  // 8-digit offset hour).
  char buf[64];
  char* end;
  if (offset_minutes == 0) {
    end = fmt::format_to(buf, FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z"), d.year, d.month,
                         d.day, h, m, s);
  } else {
    end =
        fmt::format_to(buf, FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}"), d.year,
                       d.month, d.day, h, m, s, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  }
  out.append(buf, end);
}

std::string formatRfc3339(TimeMs t, int offset_minutes) {
  std::string out;
  appendRfc3339(out, t, offset_minutes);
  return out;
}

}  // namespace casewatch
