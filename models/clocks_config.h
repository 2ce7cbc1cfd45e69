// clocks: the statutory stage clocks of petition handling. The overdue model (models/overdue/)
// runs them; escalation_risk reads the same default days for its days_overdue feature, and every
// renderer of times uses `timezone`. So the section is a shared piece of the models stage rather
// than private to overdue/. Documented key by key in config/casewatch.yaml.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

enum class DayCount { kCalendar, kWorking };

struct ClockOverride {
  std::string agency;   // empty = any agency
  std::string channel;  // empty = any channel
  std::optional<int> procedural_reply_days;
  std::optional<int> routing_days;
  std::optional<int> handling_days;
  std::optional<int> review_days;
  std::optional<int> recheck_days;
  std::optional<DayCount> day_count;
  friend bool operator==(const ClockOverride&, const ClockOverride&) = default;
};

struct ClocksConfig {
  int procedural_reply_days = 7;
  int routing_days = 15;
  int handling_days = 60;
  int review_days = 30;
  int recheck_days = 30;
  DayCount day_count = DayCount::kCalendar;
  std::string holiday_calendar;     // file of days off / adjusted working days; empty = none
  int utc_offset_minutes = 8 * 60;  // `timezone: "+08:00"`
  int warning_days = 2;             // yellow when due within this many days
  int red_after_days = 7;           // red when missed by more than this many days
  std::vector<ClockOverride> overrides;
  friend bool operator==(const ClocksConfig&, const ClocksConfig&) = default;
};

// The section's keys, read from `r` (the `clocks` map), then the checks across its keys.
void decodeConfig(MapReader& r, ClocksConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const ClocksConfig& c);
// The section's keys, into the map the writer has open.
void writeConfig(ConfigWriter& w, const ClocksConfig& c);

}  // namespace casewatch
