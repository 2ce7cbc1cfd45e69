#include "tools/feedgen/case_clock.h"

#include <algorithm>

namespace casewatch::feedgen {
namespace {

void addDistinct(std::vector<Step>& out, Step s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
}

}  // namespace

TimeMs dueAfterDays(TimeMs t, int n, int utc_offset_minutes) {
  const TimeMs offset = TimeMs{utc_offset_minutes} * kMsPerMinute;
  const int64_t local_day = localDay(t, offset);
  return (local_day + n + 1) * kMsPerDay - offset;
}

std::string_view stepName(Step s) {
  static constexpr std::array<std::string_view, kStepCount> kNames = {
      "procedural_reply", "routing", "handling", "review", "recheck"};
  return kNames[static_cast<size_t>(s)];
}

std::optional<ClockInput> clockInputFromType(std::string_view type) {
  struct Entry {
    std::string_view name;
    ClockInput input;
  };
  static constexpr std::array<Entry, 13> kTable = {{
      {"case.registered", ClockInput::kRegistered},
      {"case.procedural_reply", ClockInput::kProceduralReply},
      {"case.accepted", ClockInput::kAccepted},
      {"case.rejected", ClockInput::kRejected},
      {"case.transferred", ClockInput::kTransferred},
      {"case.extended", ClockInput::kExtended},
      {"case.replied", ClockInput::kReplied},
      {"case.review_requested", ClockInput::kReviewRequested},
      {"case.review_decided", ClockInput::kReviewDecided},
      {"case.recheck_requested", ClockInput::kRecheckRequested},
      {"case.recheck_decided", ClockInput::kRecheckDecided},
      {"case.closed", ClockInput::kClosed},
      {"case.reopened", ClockInput::kReopened},
  }};
  for (const Entry& e : kTable) {
    if (e.name == type) return e.input;
  }
  return std::nullopt;
}

std::vector<Step> CaseVerdict::overdueSteps() const {
  std::vector<Step> out;
  for (const StepRecord& r : overdue) addDistinct(out, r.step);
  return out;
}

std::vector<Step> CaseVerdict::lateSteps() const {
  std::vector<Step> out;
  for (const StepRecord& r : overdue) {
    if (r.late()) addDistinct(out, r.step);
  }
  return out;
}

void CaseClock::finish(Step s, TimeMs ts, StepRecord::End how) {
  Slot& sl = slot(s);
  // Ended in time: it can never be overdue, so it is forgotten.
  if (ts >= sl.due) finished_.push_back(StepRecord{s, sl.due, ts, how});
  sl.state = SlotState::kIdle;
}

void CaseClock::start(Step s, TimeMs due, TimeMs now) {
  Slot& sl = slot(s);
  if (sl.state == SlotState::kPending) finish(s, now, StepRecord::End::kCleared);
  if (sl.state == SlotState::kSuspended) finish(s, closed_at_, StepRecord::End::kCleared);
  sl.due = due;
  sl.state = SlotState::kPending;
}

void CaseClock::satisfy(Step s, TimeMs ts) {
  if (slot(s).state == SlotState::kPending) finish(s, ts, StepRecord::End::kSatisfied);
}

void CaseClock::clear(Step s, TimeMs ts) {
  if (slot(s).state == SlotState::kPending) finish(s, ts, StepRecord::End::kCleared);
}

void CaseClock::startHandling(TimeMs from) {
  handling_from_ = from;
  handling_extra_days_ = 0;
  start(Step::kHandling, dueAfterDays(from, 60, offset_minutes_), from);
}

void CaseClock::closeCase(TimeMs ts) {
  for (size_t i = 0; i < kStepCount; ++i) {
    const auto s = static_cast<Step>(i);
    // A second close without a reopen: the first close's steps are gone for good.
    if (slots_[i].state == SlotState::kSuspended) finish(s, closed_at_, StepRecord::End::kCleared);
  }
  closed_at_ = ts;
  for (Slot& sl : slots_) {
    if (sl.state == SlotState::kPending) sl.state = SlotState::kSuspended;
  }
}

void CaseClock::apply(ClockInput input, TimeMs ts, int days) {
  switch (input) {
    case ClockInput::kRegistered:
      if (registered_) return;
      registered_ = true;
      start(Step::kProceduralReply, dueAfterDays(ts, 7, offset_minutes_), ts);
      start(Step::kRouting, dueAfterDays(ts, 15, offset_minutes_), ts);
      return;
    case ClockInput::kProceduralReply:
      satisfy(Step::kProceduralReply, ts);
      return;
    case ClockInput::kAccepted:
      satisfy(Step::kRouting, ts);
      if (slot(Step::kHandling).state == SlotState::kIdle) startHandling(ts);
      return;
    case ClockInput::kRejected:
      satisfy(Step::kProceduralReply, ts);
      satisfy(Step::kRouting, ts);
      closeCase(ts);
      return;
    case ClockInput::kTransferred:
      satisfy(Step::kRouting, ts);
      clear(Step::kHandling, ts);
      start(Step::kRouting, dueAfterDays(ts, 15, offset_minutes_), ts);
      return;
    case ClockInput::kExtended:
      if (slot(Step::kHandling).state == SlotState::kPending) {
        handling_extra_days_ += days;
        slot(Step::kHandling).due =
            dueAfterDays(handling_from_, 60 + handling_extra_days_, offset_minutes_);
      }
      return;
    case ClockInput::kReplied:
      satisfy(Step::kHandling, ts);
      satisfy(Step::kProceduralReply, ts);
      return;
    case ClockInput::kReviewRequested:
      start(Step::kReview, dueAfterDays(ts, 30, offset_minutes_), ts);
      return;
    case ClockInput::kReviewDecided:
      satisfy(Step::kReview, ts);
      return;
    case ClockInput::kRecheckRequested:
      start(Step::kRecheck, dueAfterDays(ts, 30, offset_minutes_), ts);
      return;
    case ClockInput::kRecheckDecided:
      satisfy(Step::kRecheck, ts);
      return;
    case ClockInput::kClosed:
      satisfy(Step::kProceduralReply, ts);
      closeCase(ts);
      return;
    case ClockInput::kReopened: {
      bool restored = false;
      for (Slot& sl : slots_) {
        if (sl.state == SlotState::kSuspended) {
          sl.state = SlotState::kPending;
          restored = true;
        }
      }
      if (!restored) startHandling(ts);
      return;
    }
  }
}

std::vector<StepRecord> CaseClock::records() const {
  std::vector<StepRecord> out = finished_;
  for (size_t i = 0; i < kStepCount; ++i) {
    const Slot& sl = slots_[i];
    const auto s = static_cast<Step>(i);
    if (sl.state == SlotState::kPending) {
      out.push_back(StepRecord{s, sl.due, kNever, StepRecord::End::kOpen});
    } else if (sl.state == SlotState::kSuspended && closed_at_ >= sl.due) {
      out.push_back(StepRecord{s, sl.due, closed_at_, StepRecord::End::kCleared});
    }
  }
  return out;
}

CaseVerdict CaseClock::verdict(const std::vector<StepRecord>& records, TimeMs feed_end) {
  CaseVerdict v;
  for (const StepRecord& r : records) {
    if (r.overdueAt(feed_end)) {
      v.overdue.push_back(r);
    } else if (r.end == StepRecord::End::kOpen) {
      v.open.push_back(r);
    }
  }
  auto byDue = [](const StepRecord& a, const StepRecord& b) { return a.due < b.due; };
  std::stable_sort(v.overdue.begin(), v.overdue.end(), byDue);
  std::stable_sort(v.open.begin(), v.open.end(), byDue);
  return v;
}

}  // namespace casewatch::feedgen
