#include "tools/feedgen/feedgen_options.h"

#include <string>

#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

absl::Status FeedgenOptions::validate() const {
  if (cases < 1 || cases > 50'000'000) {
    return absl::InvalidArgumentError("--cases must be between 1 and 50000000");
  }
  if (days < 1 || days > 3660)
    return absl::InvalidArgumentError("--days must be between 1 and 3660");
  if (regions < 1 || static_cast<size_t>(regions) > World::maxRegions()) {
    return absl::InvalidArgumentError("--regions must be between 1 and " +
                                      std::to_string(World::maxRegions()));
  }
  if (start.year < 2000 || start.year > 2100) {
    return absl::InvalidArgumentError("--start must be a date between 2000 and 2100");
  }
  if (!(follow_ups >= 0 && follow_ups <= 1)) {
    return absl::InvalidArgumentError("--follow-ups must be between 0 and 1");
  }
  if (overdue_share && !(*overdue_share >= 0 && *overdue_share <= 1)) {
    return absl::InvalidArgumentError("--overdue-share must be between 0 and 1");
  }
  if (recurring_matters < 0 || recurring_matters > 100000) {
    return absl::InvalidArgumentError("--recurring-matters must be between 0 and 100000");
  }
  if (escalation_model && escalation_thresholds) {
    return absl::InvalidArgumentError(
        "--escalation-model and --escalation-thresholds are two mechanisms: give one");
  }
  return absl::OkStatus();
}

}  // namespace casewatch::feedgen
