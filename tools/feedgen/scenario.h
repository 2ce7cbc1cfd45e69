// The plan of a feed: who petitions, about what, and when. It creates the generator's streams:
// - a day planner that, at each local midnight, plans that day's regular registrations (weekday
//   and holiday volumes, more wage arrears before the Spring Festival) and hands out their cases;
// - one series per repeat petitioner (~3% of persons): an anchor case, then 5-15 contacts on the
//   same matter over weeks (visits, some above the competent level, and new registrations by
//   letter or online);
// - the collective burst (unless disabled): 30-80 distinct persons on one matter in one region
//   within 1-3 days, by visits and a few registrations with large group sizes;
// - optionally (--recurring-matters), recurring matters: an anchor case, then 6-20 contacts on
//   the same matter over 4-12 weeks, each from a new person (phone or online registrations, or a
//   visit); and quiet matters of the same make with 1-3 further contacts over 1-3 months;
// - optionally (--follow-ups), ordinary follow-up visits: a regular case's person comes back once
//   or twice on its matter, which a repeat-petition detector must not mistake for a repeat.
// Each day and each series draws from its own seeded Rng, and builds its cases' lifecycles from it
// as it plans them (an engine per case would cost more than the rest of the generator).
//
// Ownership and thread-safety: single-threaded; the Scenario owns its counters and plans, and the
// streams it returns belong to the caller.
#pragma once

#include <cstdint>
#include <vector>

#include "tools/feedgen/case_lifecycle.h"
#include "tools/feedgen/feedgen_options.h"
#include "tools/feedgen/stream.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

// A repeat petitioner, for the truth file.
struct RepeatPlan {
  uint64_t person = 0;
  MatterRef matter;
};

// A planted matter drawing contacts from new persons each time, for the truth file: recurring, or
// quiet (a few contacts, as an ordinary matter may draw).
struct RecurringPlan {
  MatterRef matter;
  bool quiet = false;
};

// The collective burst, for the truth file.
struct BurstPlan {
  MatterRef matter;
  uint64_t person_base = 0;
  uint32_t persons = 0;
};

class Scenario {
 public:
  Scenario(const FeedgenOptions& options, const World& world);

  TimeMs windowStart() const { return World::dayStart(start_day_); }
  // Local midnight after the last day: nothing at or after it is written.
  TimeMs windowEnd() const { return World::dayStart(start_day_ + options_.days); }

  // The streams that exist from the start: the day planner, the repeat series, the burst.
  std::vector<StreamPtr> initialStreams();
  // The regular registrations of day `day_index` (0-based), as case streams in time order.
  void planDay(int64_t day_index, std::vector<StreamPtr>& out);
  // The stream of one case: its whole lifecycle, drawn from `rng`.
  StreamPtr caseStream(const CaseInfoPtr& c, Rng& rng) const;
  // Takes back a finished stream for reuse: a million cases then cost few allocations.
  void recycle(StreamPtr s) const;

  const std::vector<RepeatPlan>& repeatPlans() const { return repeats_; }
  const std::vector<BurstPlan>& bursts() const { return bursts_; }
  const std::vector<RecurringPlan>& recurringPlans() const { return recurring_; }

 private:
  // The level of a contact outside a case's own lifecycle: county with --escalation-model (no
  // escalation but the known model's; tools/feedgen/case_lifecycle.h), else as drawn.
  uint8_t contactLevel(Level l) const {
    return static_cast<uint8_t>(options_.escalation_model ? Level::kCounty : l);
  }
  TimeMs registrationTime(Channel channel, int64_t day, Rng& r) const;
  Category pickCategory(int64_t day, Rng& r) const;
  CaseInfoPtr newCase(Profile profile);
  StreamPtr planRepeat(size_t index);
  StreamPtr planBurst();
  StreamPtr planRecurring(size_t index, bool quiet);
  void addFollowUps(Stream& s, const CaseInfo& c, int64_t day, Rng& r) const;
  uint64_t regularCasesUpTo(int64_t day_index) const;

  FeedgenOptions options_;
  const World& world_;
  CaseLifecycle lifecycle_;
  int64_t start_day_ = 0;
  std::vector<double> day_weight_cum_;  // cumulative day weights, size days + 1
  uint64_t special_budget_ = 0;         // registrations the series and the burst may take
  uint64_t special_cases_ = 0;          // registrations they took
  uint64_t regular_cases_ = 0;
  uint64_t next_person_ = 1;
  uint64_t next_matter_ = 1;
  std::vector<RepeatPlan> repeats_;
  std::vector<BurstPlan> bursts_;
  std::vector<RecurringPlan> recurring_;
  static constexpr size_t kMaxSpareStreams = 1 << 16;
  mutable std::vector<StreamPtr> spare_;  // finished streams, for caseStream to reuse
};

}  // namespace casewatch::feedgen
