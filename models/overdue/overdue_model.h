// The overdue model: watches the statutory clock of every running step of every case (procedural
// reply, routing decision, handling, review, re-review) and warns before and after a deadline.
//
// Method: deterministic rules, no statistics. Each running step has a deadline from ClockRules
// (DOMAIN.md's stage clocks, overridable per agency and channel, calendar or working days). The
// case's alert tier is the worst over its steps: yellow when a deadline is within
// `clocks.warning_days`, orange once it is missed, red when missed by more than
// `clocks.red_after_days`. The alert resolves when every late step has happened, also when the
// event that does it arrives late with an earlier `ts` (it is applied when it arrives). Score:
// yellow 0.4; orange 0.7 rising linearly to 1.0 at the red threshold; red 1.0. Assumptions: a fixed
// UTC offset (China has no daylight saving); one alert per case (alert id =
//   fingerprint of ("overdue", case id)) that lists every late step among its reasons.
// Source: 《信访工作条例》(2022) arts. 22-35 (15-day routing, 60-day handling extendable by 30,
//   30-day review and re-review); procuratorates' "every letter gets a reply within 7 days".
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "models/clocks_config.h"
#include "models/model.h"
#include "models/overdue/clock_rules.h"
#include "models/overdue/deadline_queue.h"

namespace casewatch {

class OverdueModel final : public Model {
 public:
  static constexpr std::string_view kName = "overdue";
  OverdueModel(const ClocksConfig& config, std::optional<WorkCalendar> calendar);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;

  size_t queuedThresholds() const override { return queue_.size(); }
  size_t activeAlerts() const { return active_.size(); }
  TimeMs nextThresholdAt() const { return queue_.nextFireAt(); }
  ClockRules& rulesForTest() { return rules_; }

  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

 private:
  struct Active {
    Tier tier = Tier::kNone;
    uint8_t breached_steps = 0;  // deadline breaches already counted
  };
  // Queues the next threshold after `now_` of a running step, if any remains. `restarted`: the
  // clock restarted (or was restored, or its deadline moved), so its queued entries are stale.
  void scheduleNext(const CaseStore& cases, CaseIndex i, Step s, bool restarted);
  uint8_t& epochOf(CaseIndex i, Step s);
  // Recomputes the case's tier at `now_` and emits a signal when it changed.
  void evaluate(CaseIndex i, ModelContext& ctx, uint8_t done_steps);

  ClockRules rules_;
  TimeMs warning_ms_;
  TimeMs red_ms_;
  DeadlineQueue queue_;
  // Per case and step, the epoch of its running clock (DeadlineQueue): 5 bytes a case. An epoch
  // wraps after 256 restarts; an entry that old also fails the threshold check in advanceTo().
  std::vector<std::array<uint8_t, kStepCount>> epochs_;
  absl::flat_hash_map<CaseIndex, Active> active_;
  TimeMs now_ = 0;
};

}  // namespace casewatch
