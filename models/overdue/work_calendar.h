// Which days are working days: Saturdays and Sundays are days off, except the adjusted working days
// (调休) a holiday calendar file lists; the public holidays it lists are days off.
//
// File format, one entry a line, `#` starts a comment:
//   2026-10-01 off   # National Day
//   2026-09-27 work  # adjusted working day (a Sunday)
// Immutable after load; safe to share across threads.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "base/time.h"

namespace casewatch {

class WorkCalendar {
 public:
  // Loads and validates a calendar file; the error names the line.
  static absl::StatusOr<WorkCalendar> load(const std::string& path);
  static absl::StatusOr<WorkCalendar> parse(std::string_view text, std::string_view origin);

  // `day` counts days since 1970-01-01 (civil, in the configured zone).
  bool isWorkingDay(int64_t day) const;
  size_t entries() const { return off_.size() + work_.size(); }

 private:
  absl::flat_hash_set<int64_t> off_;
  absl::flat_hash_set<int64_t> work_;
};

}  // namespace casewatch
