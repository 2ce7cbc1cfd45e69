// The truth oracle's clock rules, on hand-built cases (tools/feedgen/case_clock.h).
#include "tools/feedgen/case_clock.h"

#include <gtest/gtest.h>

#include <string>

#include "base/time.h"

namespace casewatch::feedgen {
namespace {

TimeMs at(const std::string& rfc3339) {
  const auto t = parseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

std::vector<Step> overdue(const CaseClock& c, TimeMs end) {
  return c.verdict(end).overdueSteps();
}
std::vector<Step> late(const CaseClock& c, TimeMs end) {
  return c.verdict(end).lateSteps();
}

constexpr TimeMs kFarEnd = 4'000'000'000'000;  // 2096: every deadline has passed

TEST(DueAfterDaysTest, CountsLocalCalendarDaysAndEndsAtLocalMidnight) {
  EXPECT_EQ(dueAfterDays(at("2026-03-04T23:59:00+08:00"), 7), at("2026-03-12T00:00:00+08:00"));
  EXPECT_EQ(dueAfterDays(at("2026-03-05T00:01:00+08:00"), 7), at("2026-03-13T00:00:00+08:00"));
  // Two minutes apart, across local midnight: deadlines one day apart.
  EXPECT_EQ(dueAfterDays(at("2026-03-05T00:01:00+08:00"), 15) -
                dueAfterDays(at("2026-03-04T23:59:00+08:00"), 15),
            kMsPerDay);
  // The local date decides, not the UTC one: 16:30Z is already the next day in +08:00.
  EXPECT_EQ(dueAfterDays(at("2026-03-04T16:30:00Z"), 0), at("2026-03-06T00:00:00+08:00"));
  EXPECT_EQ(dueAfterDays(at("2026-03-04T15:59:59Z"), 0), at("2026-03-05T00:00:00+08:00"));
  // Month and leap-year boundaries.
  EXPECT_EQ(dueAfterDays(at("2028-02-20T10:00:00+08:00"), 10), at("2028-03-02T00:00:00+08:00"));
  // Another offset.
  EXPECT_EQ(dueAfterDays(at("2026-03-04T23:30:00-05:00"), 1, -300),
            at("2026-03-06T00:00:00-05:00"));
}

TEST(CaseClockTest, ReplyOneMillisecondBeforeTheDeadlineIsOnTime) {
  const TimeMs accepted = at("2026-01-10T09:00:00+08:00");
  const TimeMs due = dueAfterDays(accepted, 60);
  ASSERT_EQ(due, at("2026-03-12T00:00:00+08:00"));

  CaseClock on_time;
  on_time.apply(ClockInput::kRegistered, accepted - kMsPerHour);
  on_time.apply(ClockInput::kProceduralReply, accepted - kMsPerMinute);
  on_time.apply(ClockInput::kAccepted, accepted);
  on_time.apply(ClockInput::kReplied, due - 1);
  EXPECT_TRUE(on_time.verdict(kFarEnd).onTime());

  CaseClock at_deadline;
  at_deadline.apply(ClockInput::kRegistered, accepted - kMsPerHour);
  at_deadline.apply(ClockInput::kProceduralReply, accepted - kMsPerMinute);
  at_deadline.apply(ClockInput::kAccepted, accepted);
  at_deadline.apply(ClockInput::kReplied, due);
  EXPECT_EQ(overdue(at_deadline, kFarEnd), std::vector<Step>{Step::kHandling});
  EXPECT_EQ(late(at_deadline, kFarEnd), std::vector<Step>{Step::kHandling});
  const CaseVerdict v = at_deadline.verdict(kFarEnd);
  ASSERT_EQ(v.overdue.size(), 1u);
  EXPECT_EQ(v.overdue[0].due, due);
  EXPECT_EQ(v.overdue[0].ended, due);
  EXPECT_EQ(v.overdue[0].end, StepRecord::End::kSatisfied);
}

TEST(CaseClockTest, PendingStepIsOverdueOnlyOnceItsDeadlineIsWithinTheFeed) {
  const TimeMs reg = at("2026-04-28T23:59:00+08:00");
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kAccepted, reg + kMsPerDay);
  const TimeMs proc_due = dueAfterDays(reg, 7);
  EXPECT_TRUE(c.verdict(proc_due - 1).onTime());
  const CaseVerdict before = c.verdict(proc_due - 1);
  ASSERT_EQ(before.open.size(), 2u);  // procedural_reply and handling, by deadline
  EXPECT_EQ(before.open[0].step, Step::kProceduralReply);
  EXPECT_EQ(before.open[1].step, Step::kHandling);
  EXPECT_EQ(overdue(c, proc_due), std::vector<Step>{Step::kProceduralReply});
  EXPECT_TRUE(late(c, proc_due).empty());  // never satisfied: overdue, not late
}

TEST(CaseClockTest, RoutingIsSatisfiedByAcceptRejectOrTransfer) {
  const TimeMs reg = at("2026-02-01T10:00:00+08:00");
  const TimeMs due = dueAfterDays(reg, 15);
  for (ClockInput routed :
       {ClockInput::kAccepted, ClockInput::kRejected, ClockInput::kTransferred}) {
    CaseClock c;
    c.apply(ClockInput::kRegistered, reg);
    c.apply(ClockInput::kProceduralReply, reg + kMsPerDay);
    c.apply(routed, due - 1);
    const CaseVerdict v = c.verdict(due + kMsPerDay);
    EXPECT_TRUE(v.onTime()) << static_cast<int>(routed);
  }
  CaseClock slow;
  slow.apply(ClockInput::kRegistered, reg);
  slow.apply(ClockInput::kProceduralReply, reg + kMsPerDay);
  slow.apply(ClockInput::kAccepted, due + kMsPerHour);
  EXPECT_EQ(overdue(slow, due + kMsPerDay), std::vector<Step>{Step::kRouting});
  EXPECT_EQ(late(slow, due + kMsPerDay), std::vector<Step>{Step::kRouting});
}

TEST(CaseClockTest, ProceduralReplyIsSatisfiedByReplyRejectionOrClose) {
  const TimeMs reg = at("2026-02-01T10:00:00+08:00");
  CaseClock replied;
  replied.apply(ClockInput::kRegistered, reg);
  replied.apply(ClockInput::kAccepted, reg + kMsPerDay);
  replied.apply(ClockInput::kReplied, reg + 3 * kMsPerDay);
  EXPECT_TRUE(replied.verdict(kFarEnd).onTime());

  CaseClock closed_late;  // closed on day 9 without a procedural reply: that step was late
  closed_late.apply(ClockInput::kRegistered, reg);
  closed_late.apply(ClockInput::kAccepted, reg + kMsPerDay);
  closed_late.apply(ClockInput::kClosed, reg + 9 * kMsPerDay);
  EXPECT_EQ(late(closed_late, kFarEnd), std::vector<Step>{Step::kProceduralReply});

  CaseClock replied_late;
  replied_late.apply(ClockInput::kRegistered, reg);
  replied_late.apply(ClockInput::kAccepted, reg + kMsPerDay);
  replied_late.apply(ClockInput::kReplied, reg + 20 * kMsPerDay);
  EXPECT_EQ(late(replied_late, kFarEnd), std::vector<Step>{Step::kProceduralReply});

  CaseClock rejected;
  rejected.apply(ClockInput::kRegistered, reg);
  rejected.apply(ClockInput::kRejected, reg + 2 * kMsPerDay);
  EXPECT_TRUE(rejected.verdict(kFarEnd).onTime());
}

TEST(CaseClockTest, TransferStartsANewRoutingStepAndClearsHandling) {
  const TimeMs reg = at("2026-01-05T09:00:00+08:00");
  const TimeMs transfer = reg + 20 * kMsPerDay;
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kProceduralReply, reg + kMsPerDay);
  c.apply(ClockInput::kAccepted, reg + 2 * kMsPerDay);
  c.apply(ClockInput::kTransferred, transfer);  // handling cleared long before its deadline
  // The receiving agency takes 16 days: the new routing step is late.
  c.apply(ClockInput::kAccepted, transfer + 16 * kMsPerDay);
  const CaseVerdict v = c.verdict(transfer + 17 * kMsPerDay);
  EXPECT_EQ(v.overdueSteps(), std::vector<Step>{Step::kRouting});
  ASSERT_EQ(v.overdue.size(), 1u);
  EXPECT_EQ(v.overdue[0].due, dueAfterDays(transfer, 15));
  // A new handling step from the second acceptance.
  ASSERT_EQ(v.open.size(), 1u);
  EXPECT_EQ(v.open[0].due, dueAfterDays(transfer + 16 * kMsPerDay, 60));

  // A transfer after the handling deadline passed: handling was overdue (cleared, not late).
  CaseClock stale;
  stale.apply(ClockInput::kRegistered, reg);
  stale.apply(ClockInput::kProceduralReply, reg + kMsPerDay);
  stale.apply(ClockInput::kAccepted, reg + kMsPerDay);
  stale.apply(ClockInput::kTransferred, reg + 70 * kMsPerDay);
  stale.apply(ClockInput::kAccepted, reg + 72 * kMsPerDay);
  EXPECT_EQ(overdue(stale, reg + 73 * kMsPerDay), std::vector<Step>{Step::kHandling});
  EXPECT_TRUE(late(stale, reg + 73 * kMsPerDay).empty());
}

TEST(CaseClockTest, ExtensionsMoveTheHandlingDeadline) {
  const TimeMs accepted = at("2026-01-06T15:00:00+08:00");
  const TimeMs reply = dueAfterDays(accepted, 60) + 5 * kMsPerDay;
  CaseClock extended;
  extended.apply(ClockInput::kRegistered, accepted - kMsPerDay);
  extended.apply(ClockInput::kProceduralReply, accepted);
  extended.apply(ClockInput::kAccepted, accepted);
  extended.apply(ClockInput::kExtended, accepted + 40 * kMsPerDay, 5);
  extended.apply(ClockInput::kExtended, accepted + 50 * kMsPerDay, 10);
  extended.apply(ClockInput::kReplied, reply);
  EXPECT_TRUE(extended.verdict(kFarEnd).onTime());
  EXPECT_TRUE(extended.verdict(reply - 1).onTime());

  CaseClock not_extended;
  not_extended.apply(ClockInput::kRegistered, accepted - kMsPerDay);
  not_extended.apply(ClockInput::kProceduralReply, accepted);
  not_extended.apply(ClockInput::kAccepted, accepted);
  not_extended.apply(ClockInput::kReplied, reply);
  EXPECT_EQ(late(not_extended, kFarEnd), std::vector<Step>{Step::kHandling});

  CaseClock pending;  // the open deadline is D(accepted, 60 + 15)
  pending.apply(ClockInput::kRegistered, accepted - kMsPerDay);
  pending.apply(ClockInput::kProceduralReply, accepted);
  pending.apply(ClockInput::kAccepted, accepted);
  pending.apply(ClockInput::kExtended, accepted + 40 * kMsPerDay, 15);
  const CaseVerdict v = pending.verdict(accepted + 41 * kMsPerDay);
  ASSERT_EQ(v.open.size(), 1u);
  EXPECT_EQ(v.open[0].due, dueAfterDays(accepted, 75));
}

TEST(CaseClockTest, CloseClearsPendingStepsAndReopenRestoresThem) {
  const TimeMs reg = at("2026-01-05T09:00:00+08:00");
  const TimeMs accepted = reg + kMsPerDay;
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kProceduralReply, reg + kMsPerHour);
  c.apply(ClockInput::kAccepted, accepted);
  c.apply(ClockInput::kClosed, reg + 10 * kMsPerDay);  // handling pending, cleared in time
  EXPECT_TRUE(c.verdict(kFarEnd).onTime());
  c.apply(ClockInput::kReopened, reg + 30 * kMsPerDay);  // handling restored, same deadline
  c.apply(ClockInput::kReplied, dueAfterDays(accepted, 60) + kMsPerHour);
  const CaseVerdict v = c.verdict(kFarEnd);
  EXPECT_EQ(v.lateSteps(), std::vector<Step>{Step::kHandling});
  ASSERT_EQ(v.overdue.size(), 1u);
  EXPECT_EQ(v.overdue[0].due, dueAfterDays(accepted, 60));
}

TEST(CaseClockTest, ReopenWithNothingPendingStartsHandlingFromTheReopening) {
  const TimeMs reg = at("2026-01-05T09:00:00+08:00");
  const TimeMs reopened = reg + 50 * kMsPerDay;
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kProceduralReply, reg + kMsPerHour);
  c.apply(ClockInput::kAccepted, reg + kMsPerDay);
  c.apply(ClockInput::kReplied, reg + 30 * kMsPerDay);
  c.apply(ClockInput::kClosed, reg + 35 * kMsPerDay);
  c.apply(ClockInput::kReopened, reopened);
  const TimeMs due = dueAfterDays(reopened, 60);
  EXPECT_TRUE(c.verdict(due - 1).onTime());
  EXPECT_EQ(overdue(c, due), std::vector<Step>{Step::kHandling});
}

TEST(CaseClockTest, CloseAfterADeadlineLeavesTheStepOverdueButNotLate) {
  const TimeMs reg = at("2026-01-05T09:00:00+08:00");
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kProceduralReply, reg + kMsPerHour);
  c.apply(ClockInput::kClosed, reg + 20 * kMsPerDay);  // never routed; routing was due day 15
  const CaseVerdict v = c.verdict(kFarEnd);
  EXPECT_EQ(v.overdueSteps(), std::vector<Step>{Step::kRouting});
  EXPECT_TRUE(v.lateSteps().empty());
  EXPECT_EQ(v.overdue[0].end, StepRecord::End::kCleared);
}

TEST(CaseClockTest, ReviewAndRecheckHaveThirtyDayClocks) {
  const TimeMs reg = at("2026-01-05T09:00:00+08:00");
  const TimeMs review = reg + 70 * kMsPerDay;
  CaseClock c;
  c.apply(ClockInput::kRegistered, reg);
  c.apply(ClockInput::kProceduralReply, reg + kMsPerHour);
  c.apply(ClockInput::kAccepted, reg + kMsPerDay);
  c.apply(ClockInput::kReplied, reg + 40 * kMsPerDay);
  c.apply(ClockInput::kReviewRequested, review);
  c.apply(ClockInput::kReviewDecided, dueAfterDays(review, 30) - 1);
  const TimeMs recheck = review + 40 * kMsPerDay;
  c.apply(ClockInput::kRecheckRequested, recheck);
  EXPECT_TRUE(c.verdict(dueAfterDays(recheck, 30) - 1).onTime());
  EXPECT_EQ(overdue(c, dueAfterDays(recheck, 30)), std::vector<Step>{Step::kRecheck});
  c.apply(ClockInput::kRecheckDecided, dueAfterDays(recheck, 30));
  EXPECT_EQ(late(c, kFarEnd), std::vector<Step>{Step::kRecheck});
}

TEST(CaseClockTest, MapsContractTypeNames) {
  EXPECT_EQ(clockInputFromType("case.extended"), ClockInput::kExtended);
  EXPECT_EQ(clockInputFromType("case.reopened"), ClockInput::kReopened);
  EXPECT_FALSE(clockInputFromType("case.hearing_held").has_value());
  EXPECT_FALSE(clockInputFromType("visit").has_value());
  EXPECT_EQ(stepName(Step::kProceduralReply), "procedural_reply");
}

}  // namespace
}  // namespace casewatch::feedgen
