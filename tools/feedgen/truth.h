// The ground truth of a generated feed, for scoring the daemon: per case the overdue and late
// statutory steps (computed by CaseClock from the events actually written, so it is an oracle
// independent of how the generator planned them), the repeat petitioners and the collective burst
// as they appear in the feed, and a closing meta line. Written as JSON Lines:
//   {"kind":"case",...} per case in registration order, then {"kind":"repeat_person",...},
//   {"kind":"group_incident",...}, {"kind":"collective_case",...} (every case lodged by a group of
//   kCollectiveGroupSize or more people: a collective petition by the regulations' definition),
//   with --recurring-matters {"kind":"recurring_matter",...} and {"kind":"quiet_matter",...} (the
//   planted matters drawing contacts from a new person each time: contacts, contact days, the
//   most return days in any 30 and 90 days), and last {"kind":"meta",...}. Person ids are written
//   as they appear in the feed (a scorer computes their pseudonyms with the daemon's key).
//
// Memory: a live CaseClock per open case; when a case's stream ends its clock is reduced to the
// few step records that can still be overdue.
// Thread-safety: single-threaded.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/feedgen/case_clock.h"
#include "tools/feedgen/event_writer.h"
#include "tools/feedgen/scenario.h"
#include "tools/feedgen/stream.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

struct TruthSummary {
  uint64_t cases = 0;
  uint64_t overdue_cases = 0;          // at least one overdue step
  uint64_t late_cases = 0;             // at least one step satisfied late
  uint64_t replied_on_time_cases = 0;  // replied, and no step overdue
  std::array<uint64_t, kStepCount> overdue_by_step{};
};

struct TruthMeta {
  TimeMs window_start = 0;
  TimeMs window_end = 0;
  TimeMs end = 0;  // ts of the last event written
  uint64_t events = 0;
  uint64_t seed = 0;
  std::string version;
};

class Truth {
 public:
  // The group size from which a case is a collective petition (集体访: five or more people).
  static constexpr uint32_t kCollectiveGroupSize = 5;

  Truth(const World& world, EventWriter& names);

  // At a case's registration; returns its serial (0, 1, ... in registration order).
  uint32_t addCase(const CaseInfo& c);
  void apply(uint32_t serial, const GenEvent& e);
  // The case's stream has ended: no more events will come for it.
  void settle(uint32_t serial);

  void setPlans(const std::vector<RepeatPlan>& repeats, const std::vector<BurstPlan>& bursts);
  // A visit or registration of repeat petitioner `index` / of burst `index`.
  void countRepeat(int32_t index, bool registration, TimeMs ts);
  void setRecurringPlans(const std::vector<RecurringPlan>& plans);
  // A contact (visit or registration) on planted matter `index`, by anyone.
  void countRecurring(int32_t index, bool registration, TimeMs ts);
  void countBurst(int32_t index, uint64_t person_base, uint32_t count, bool registration,
                  TimeMs ts);

  // Writes the truth ("-" = stdout); `summary` (optional) gets the counts it wrote.
  absl::Status write(const std::string& path, const TruthMeta& meta,
                     TruthSummary* summary = nullptr) const;

 private:
  struct CaseRecord {
    std::string case_id;
    TimeMs registered = 0;
    uint16_t region = 0;
    AgencyId agency = 0;  // the agency holding the case at the end
    Category category = Category::kOther;
    bool replied = false;
    std::unique_ptr<CaseClock> clock;  // null once settled
    std::vector<StepRecord> records;   // after settling
  };
  struct RepeatTally {
    RepeatPlan plan;
    uint32_t visits = 0;
    uint32_t registrations = 0;
    TimeMs first = 0;
    TimeMs last = 0;
  };
  struct RecurringTally {
    RecurringPlan plan;
    uint32_t visits = 0;
    uint32_t registrations = 0;
    std::vector<int64_t> days;  // local days with a contact, in arrival order
  };
  struct CollectiveRecord {
    uint32_t serial = 0;  // the case
    MatterRef matter;
    uint32_t group_size = 0;
  };
  struct BurstTally {
    BurstPlan plan;
    std::vector<bool> seen;
    uint32_t visits = 0;
    uint32_t registrations = 0;
    TimeMs first = 0;
    TimeMs last = 0;
  };

  std::vector<StepRecord> recordsOf(const CaseRecord& r) const;

  const World& world_;
  EventWriter& names_;
  std::vector<CaseRecord> cases_;
  std::vector<RepeatTally> repeats_;
  std::vector<BurstTally> bursts_;
  std::vector<RecurringTally> recurring_;
  std::vector<CollectiveRecord> collective_;
};

}  // namespace casewatch::feedgen
