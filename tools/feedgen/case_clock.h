// The ground-truth oracle for statutory deadlines: an independent implementation of the clock
// rules the daemon's overdue model follows, run over the events the generator actually wrote.
//
// Rules (local time at a fixed UTC offset, +08:00 by default):
// - dueAfterDays(t, n): the end of the local calendar day n days after t's local date, i.e. the
//   instant local midnight starts day (localdate(t) + n + 1). The triggering day is not counted.
// - procedural_reply: due dueAfterDays(registered, 7); satisfied by procedural_reply, replied,
//   rejected or closed.
// - routing: due dueAfterDays(registered, 15); satisfied by accepted, rejected or transferred. A
//   transfer starts a new routing step due dueAfterDays(transferred, 15) and clears handling.
// - handling: due dueAfterDays(accepted, 60 + the days of every extension received while it is
//   pending); satisfied by replied.
// - review / recheck: due dueAfterDays(requested, 30); satisfied by the matching *_decided.
// - closed and rejected clear every pending step (after satisfying what they satisfy) and remember
//   them; reopened restores the remembered steps with their deadlines, or, if there were none,
//   starts handling due dueAfterDays(reopened, 60).
// A step instance is overdue if its deadline <= END (the feed's last ts) and it was not satisfied
// before the deadline (satisfied at >= the deadline, cleared at >= the deadline, or still pending);
// it is late if it was satisfied at >= the deadline. Clearing before the deadline ends a step
// without a verdict.
//
// Thread-safety: a CaseClock is a value owned by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace casewatch::feedgen {

constexpr int kDefaultUtcOffsetMinutes = 8 * 60;

// The instant local midnight starts the day `n + 1` days after t's local date.
TimeMs dueAfterDays(TimeMs t, int n, int utc_offset_minutes = kDefaultUtcOffsetMinutes);

enum class Step : uint8_t { kProceduralReply, kRouting, kHandling, kReview, kRecheck };
constexpr size_t kStepCount = 5;
std::string_view stepName(Step s);  // "procedural_reply", "routing", ...

// The events that move clocks; every other event type leaves them alone.
enum class ClockInput : uint8_t {
  kRegistered,
  kProceduralReply,
  kAccepted,
  kRejected,
  kTransferred,
  kExtended,
  kReplied,
  kReviewRequested,
  kReviewDecided,
  kRecheckRequested,
  kRecheckDecided,
  kClosed,
  kReopened,
};
// From the contract's type name; nullopt for types that move no clock.
std::optional<ClockInput> clockInputFromType(std::string_view type);

constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();

// One step instance that may matter for the verdict.
struct StepRecord {
  enum class End : uint8_t { kOpen, kSatisfied, kCleared };
  Step step = Step::kProceduralReply;
  TimeMs due = 0;
  TimeMs ended = kNever;  // when satisfied or cleared
  End end = End::kOpen;

  bool overdueAt(TimeMs feed_end) const {
    return end == End::kOpen ? due <= feed_end : ended >= due;
  }
  bool late() const { return end == End::kSatisfied && ended >= due; }
};

struct CaseVerdict {
  std::vector<StepRecord> overdue;  // every overdue instance, by deadline
  std::vector<StepRecord> open;     // pending instances due after the end of the feed
  bool onTime() const { return overdue.empty(); }
  // Distinct step names, in deadline order.
  std::vector<Step> overdueSteps() const;
  std::vector<Step> lateSteps() const;
};

class CaseClock {
 public:
  explicit CaseClock(int utc_offset_minutes = kDefaultUtcOffsetMinutes)
      : offset_minutes_(utc_offset_minutes) {}

  // Applies one event of the case, in feed order. `days` is case.extended's `days`.
  void apply(ClockInput input, TimeMs ts, int days = 0);

  // The instances that can still be overdue: those that ended at or after their deadline, the
  // pending ones, and the ones cleared by a close at or after their deadline. Instances satisfied
  // or cleared in time are dropped as they end, so this is usually empty.
  std::vector<StepRecord> records() const;

  static CaseVerdict verdict(const std::vector<StepRecord>& records, TimeMs feed_end);
  CaseVerdict verdict(TimeMs feed_end) const { return verdict(records(), feed_end); }

 private:
  enum class SlotState : uint8_t { kIdle, kPending, kSuspended };
  struct Slot {
    TimeMs due = 0;
    SlotState state = SlotState::kIdle;
  };

  Slot& slot(Step s) { return slots_[static_cast<size_t>(s)]; }
  void start(Step s, TimeMs due, TimeMs now);
  void satisfy(Step s, TimeMs ts);
  void clear(Step s, TimeMs ts);
  void finish(Step s, TimeMs ts, StepRecord::End how);
  void closeCase(TimeMs ts);
  void startHandling(TimeMs from);

  int offset_minutes_;
  bool registered_ = false;
  std::array<Slot, kStepCount> slots_{};
  TimeMs closed_at_ = 0;  // when the suspended slots were cleared
  TimeMs handling_from_ = 0;
  int handling_extra_days_ = 0;
  std::vector<StepRecord> finished_;  // ended at or after the deadline
};

}  // namespace casewatch::feedgen
