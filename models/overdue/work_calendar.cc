#include "models/overdue/work_calendar.h"

#include <fstream>
#include <sstream>

#include "base/str_cat.h"

namespace casewatch {

absl::StatusOr<WorkCalendar> WorkCalendar::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(strCat("cannot read holiday calendar ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

absl::StatusOr<WorkCalendar> WorkCalendar::parse(std::string_view text, std::string_view origin) {
  WorkCalendar cal;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    const size_t sp = line.find_first_of(" \t");
    auto fail = [&](std::string_view what) {
      return absl::InvalidArgumentError(strCat(origin, ":", line_no, ": ", what));
    };
    if (sp == std::string_view::npos) return fail("expected `YYYY-MM-DD off|work`");
    const auto date = parseCivilDate(line.substr(0, sp));
    if (!date) return fail("not a date (YYYY-MM-DD)");
    std::string_view kind = line.substr(sp);
    while (!kind.empty() && (kind.front() == ' ' || kind.front() == '\t')) kind.remove_prefix(1);
    const int64_t day = daysFromCivil(*date);
    if (kind == "off") {
      if (cal.work_.contains(day)) return fail("day listed both off and work");
      cal.off_.insert(day);
    } else if (kind == "work") {
      if (cal.off_.contains(day)) return fail("day listed both off and work");
      cal.work_.insert(day);
    } else {
      return fail("expected `off` or `work` after the date");
    }
  }
  return cal;
}

bool WorkCalendar::isWorkingDay(int64_t day) const {
  if (off_.contains(day)) return false;
  if (work_.contains(day)) return true;
  return weekdayFromDays(day) < 5;
}

}  // namespace casewatch
