// The statutory clocks as configured: days per step, overridden per agency and/or channel, counted
// in calendar or working days, in a fixed UTC offset (default +08:00).
//
// How a period is counted (as Chinese procedure counts it): the day of the triggering event is not
// counted, and the deadline is the end of the last day, i.e. local midnight after it. With working
// days, the period counts only working days. When a holiday calendar is configured, a deadline
// whose last day is a day off rolls forward to the next working day (for calendar-day rules too).
// With no calendar file, nothing rolls forward, and working days are Monday to Friday.
//
// Immutable after construction apart from an internal cache; owned by one thread (the model's).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "connectors/decode/case_event.h"
#include "models/clocks_config.h"
#include "models/overdue/work_calendar.h"
#include "state/case.h"
#include "state/string_interner.h"

namespace casewatch {

struct StepRule {
  std::array<int, kStepCount> days{};
  DayCount day_count = DayCount::kCalendar;
};

class ClockRules {
 public:
  ClockRules(const ClocksConfig& config, std::optional<WorkCalendar> calendar);

  // The rule for an agency (by name) and channel; most specific override wins (agency+channel,
  // then agency, then channel), and among equals the first listed.
  // `agency_id` keys the cache (an interned id); `agency` is its name.
  const StepRule& ruleFor(uint32_t agency_id, std::string_view agency, Channel channel);
  // Deadline (exclusive instant) of a period of `days` counted from `start` under `rule`.
  TimeMs deadline(TimeMs start, int days, DayCount day_count) const;
  // The deadline of a case's step (handling includes granted extensions).
  TimeMs deadlineOf(const Case& c, Step step, const StringInterner& strings);
  // The same for a clock the case no longer shows: started at `start` under `agency`'s rules.
  TimeMs deadlineOf(const Case& c, Step step, const StringInterner& strings, uint32_t agency,
                    TimeMs start);

  const ClocksConfig& config() const { return config_; }
  int offsetMinutes() const { return config_.utc_offset_minutes; }

 private:
  ClocksConfig config_;
  std::optional<WorkCalendar> calendar_;
  StepRule base_;
  WorkCalendar weekdays_;
  using PerChannel = std::array<std::optional<StepRule>, 5>;
  absl::flat_hash_map<uint32_t, PerChannel> cache_;
};

}  // namespace casewatch
