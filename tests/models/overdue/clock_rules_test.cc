#include "models/overdue/clock_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "tests/fakes/event_builder.h"

namespace casewatch {
namespace {

using testing::timeOf;

constexpr size_t idx(Step s) {
  return static_cast<size_t>(s);
}

// National Day 2026 as the State Council publishes such calendars: Oct 1-7 off, with the
// Sunday before (Sep 27) and the Saturday after (Oct 10) made working days.
constexpr const char* kNationalDay2026 =
    "2026-09-27 work\n"
    "2026-10-01 off\n2026-10-02 off\n2026-10-03 off\n2026-10-04 off\n"
    "2026-10-05 off\n2026-10-06 off\n2026-10-07 off\n"
    "2026-10-10 work\n";

WorkCalendar calendar(const char* text) {
  auto cal = WorkCalendar::parse(text, "test");
  EXPECT_TRUE(cal.ok()) << cal.status();
  return cal.ok() ? *cal : WorkCalendar();
}

TEST(ClockRulesTest, SevenDayProceduralReplyEndsAtLocalMidnightAfterTheLastDay) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  // The day of receipt (Mar 4) is not counted: days 1..7 are Mar 5..11, so the deadline is the
  // end of Mar 11, i.e. 2026-03-12T00:00+08:00, exactly.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T09:15:00+08:00"), 7, DayCount::kCalendar),
            timeOf("2026-03-12T00:00:00+08:00"));
}

TEST(ClockRulesTest, TheLocalDayOfTheEventDecides) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  const TimeMs mar12 = timeOf("2026-03-12T00:00:00+08:00");
  const TimeMs mar13 = timeOf("2026-03-13T00:00:00+08:00");
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T00:00:00+08:00"), 7, DayCount::kCalendar), mar12);
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T23:59:00+08:00"), 7, DayCount::kCalendar), mar12);
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T23:59:59.999+08:00"), 7, DayCount::kCalendar), mar12);
  EXPECT_EQ(rules.deadline(timeOf("2026-03-05T00:00:00+08:00"), 7, DayCount::kCalendar), mar13);
  EXPECT_EQ(rules.deadline(timeOf("2026-03-05T00:01:00+08:00"), 7, DayCount::kCalendar), mar13);
}

TEST(ClockRulesTest, DaysAreCountedInTheConfiguredOffsetNotUtc) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  // 17:00Z on Mar 4 is 01:00 on Mar 5 in Beijing: the period starts a day later than in UTC.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T17:00:00Z"), 7, DayCount::kCalendar),
            timeOf("2026-03-13T00:00:00+08:00"));
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T15:59:59Z"), 7, DayCount::kCalendar),
            timeOf("2026-03-12T00:00:00+08:00"));
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T16:00:00Z"), 7, DayCount::kCalendar),
            timeOf("2026-03-13T00:00:00+08:00"));

  ClocksConfig west;
  west.utc_offset_minutes = -5 * 60;
  ClockRules rules_west(west, std::nullopt);
  EXPECT_EQ(rules_west.offsetMinutes(), -300);
  // 01:00Z on Mar 5 is 20:00 on Mar 4 at -05:00.
  EXPECT_EQ(rules_west.deadline(timeOf("2026-03-05T01:00:00Z"), 7, DayCount::kCalendar),
            timeOf("2026-03-12T00:00:00-05:00"));
}

TEST(ClockRulesTest, NoCalendarFileMeansNoRollForward) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  // Mar 4 + 3 days = Saturday Mar 7: stays.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T10:00:00+08:00"), 3, DayCount::kCalendar),
            timeOf("2026-03-08T00:00:00+08:00"));
}

TEST(ClockRulesTest, WorkingDaysWithoutACalendarSkipWeekends) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  // Wed Mar 4 + 5 working days: Thu 5, Fri 6, Mon 9, Tue 10, Wed 11.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T09:15:00+08:00"), 5, DayCount::kWorking),
            timeOf("2026-03-12T00:00:00+08:00"));
  // Fri Mar 6 + 1 working day: Monday Mar 9.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-06T16:00:00+08:00"), 1, DayCount::kWorking),
            timeOf("2026-03-10T00:00:00+08:00"));
  // An event on a Saturday: the count starts on Monday.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-07T11:00:00+08:00"), 1, DayCount::kWorking),
            timeOf("2026-03-10T00:00:00+08:00"));
  // Ten working days are two weeks.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T09:15:00+08:00"), 10, DayCount::kWorking),
            timeOf("2026-03-19T00:00:00+08:00"));
}

TEST(ClockRulesTest, WorkingDaysFollowTheHolidayCalendarWithAdjustedWorkingDays) {
  ClockRules rules(ClocksConfig{}, calendar(kNationalDay2026));
  // Fri Sep 25 + 3 working days: Sat 26 off, Sun 27 adjusted working day (1), Mon 28, Tue 29.
  EXPECT_EQ(rules.deadline(timeOf("2026-09-25T10:00:00+08:00"), 3, DayCount::kWorking),
            timeOf("2026-09-30T00:00:00+08:00"));
  // Tue Sep 29 + 3: Wed 30 (1), Oct 1-7 off, Thu 8 (2), Fri 9 (3).
  EXPECT_EQ(rules.deadline(timeOf("2026-09-29T10:00:00+08:00"), 3, DayCount::kWorking),
            timeOf("2026-10-10T00:00:00+08:00"));
  // ... + 4: Saturday Oct 10 is a working day.
  EXPECT_EQ(rules.deadline(timeOf("2026-09-29T10:00:00+08:00"), 4, DayCount::kWorking),
            timeOf("2026-10-11T00:00:00+08:00"));
}

TEST(ClockRulesTest, WithACalendarFileADeadlineOnADayOffRollsForward) {
  ClockRules rules(ClocksConfig{}, calendar(kNationalDay2026));
  // Mar 4 + 3 calendar days = Saturday Mar 7 -> Monday Mar 9.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T10:00:00+08:00"), 3, DayCount::kCalendar),
            timeOf("2026-03-10T00:00:00+08:00"));
  // Sep 29 + 2 = Oct 1, a holiday -> past the whole holiday to Thu Oct 8.
  EXPECT_EQ(rules.deadline(timeOf("2026-09-29T10:00:00+08:00"), 2, DayCount::kCalendar),
            timeOf("2026-10-09T00:00:00+08:00"));
  // Sep 20 + 7 = Sunday Sep 27, an adjusted working day: no roll.
  EXPECT_EQ(rules.deadline(timeOf("2026-09-20T10:00:00+08:00"), 7, DayCount::kCalendar),
            timeOf("2026-09-28T00:00:00+08:00"));
  // A last day that is a working day does not move.
  EXPECT_EQ(rules.deadline(timeOf("2026-03-04T09:15:00+08:00"), 7, DayCount::kCalendar),
            timeOf("2026-03-12T00:00:00+08:00"));
}

ClocksConfig configWithOverrides() {
  ClocksConfig c;
  ClockOverride visit;  // channel only
  visit.channel = "visit";
  visit.procedural_reply_days = 3;
  ClockOverride proc_visit;  // agency and channel: listed before the agency-only one
  proc_visit.agency = "zunyi-procuratorate";
  proc_visit.channel = "visit";
  proc_visit.procedural_reply_days = 1;
  ClockOverride proc;  // agency only
  proc.agency = "zunyi-procuratorate";
  proc.procedural_reply_days = 5;
  proc.handling_days = 90;
  proc.day_count = DayCount::kWorking;
  c.overrides = {visit, proc_visit, proc};
  return c;
}

TEST(ClockRulesTest, NoMatchingOverrideGivesTheBaseRule) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  const StepRule r = rules.ruleFor(7, "other-agency", Channel::kLetter);
  EXPECT_EQ(r.days[idx(Step::kProceduralReply)], 7);
  EXPECT_EQ(r.days[idx(Step::kRouting)], 15);
  EXPECT_EQ(r.days[idx(Step::kHandling)], 60);
  EXPECT_EQ(r.days[idx(Step::kReview)], 30);
  EXPECT_EQ(r.days[idx(Step::kRecheck)], 30);
  EXPECT_EQ(r.day_count, DayCount::kCalendar);
}

TEST(ClockRulesTest, ChannelOverride) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  const StepRule r = rules.ruleFor(7, "other-agency", Channel::kVisit);
  EXPECT_EQ(r.days[idx(Step::kProceduralReply)], 3);
  EXPECT_EQ(r.days[idx(Step::kHandling)], 60);  // only the keys the override gives change
  EXPECT_EQ(r.day_count, DayCount::kCalendar);
}

TEST(ClockRulesTest, AgencyOverrideWithDayCount) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  const StepRule r = rules.ruleFor(3, "zunyi-procuratorate", Channel::kLetter);
  EXPECT_EQ(r.days[idx(Step::kProceduralReply)], 5);
  EXPECT_EQ(r.days[idx(Step::kHandling)], 90);
  EXPECT_EQ(r.days[idx(Step::kRouting)], 15);
  EXPECT_EQ(r.day_count, DayCount::kWorking);
}

TEST(ClockRulesTest, AgencyAndChannelOverrideIsTheMostSpecificAndWins) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  const StepRule r = rules.ruleFor(3, "zunyi-procuratorate", Channel::kVisit);
  EXPECT_EQ(r.days[idx(Step::kProceduralReply)], 1);  // both > agency (5) > channel (3)
  EXPECT_EQ(r.days[idx(Step::kHandling)], 90);        // from the agency override
  EXPECT_EQ(r.day_count, DayCount::kWorking);
}

TEST(ClockRulesTest, MostSpecificWinsWhateverTheListingOrder) {
  ClocksConfig c = configWithOverrides();
  std::reverse(c.overrides.begin(), c.overrides.end());
  ClockRules rules(c, std::nullopt);
  EXPECT_EQ(
      rules.ruleFor(3, "zunyi-procuratorate", Channel::kVisit).days[idx(Step::kProceduralReply)],
      1);
  EXPECT_EQ(
      rules.ruleFor(3, "zunyi-procuratorate", Channel::kPhone).days[idx(Step::kProceduralReply)],
      5);
  EXPECT_EQ(rules.ruleFor(4, "x", Channel::kVisit).days[idx(Step::kProceduralReply)], 3);
}

TEST(ClockRulesTest, AmongEquallySpecificOverridesTheFirstListedWins) {
  ClocksConfig c;
  ClockOverride first;
  first.agency = "a";
  first.handling_days = 45;
  ClockOverride second;
  second.agency = "a";
  second.handling_days = 50;
  second.review_days = 20;
  c.overrides = {first, second};
  ClockRules rules(c, std::nullopt);
  const StepRule r = rules.ruleFor(1, "a", Channel::kOnline);
  EXPECT_EQ(r.days[idx(Step::kHandling)], 45);
  EXPECT_EQ(r.days[idx(Step::kReview)], 20);  // only the second sets it
}

TEST(ClockRulesTest, RulesAreCachedPerAgencyAndChannel) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  // Interleave agencies and channels so the cache fills and is read back in another order.
  for (int round = 0; round < 2; ++round) {
    for (uint32_t id = 1; id <= 50; ++id) {
      const std::string name = id == 3 ? "zunyi-procuratorate" : "agency-" + std::to_string(id);
      const int expect_visit = id == 3 ? 1 : 3;
      const int expect_letter = id == 3 ? 5 : 7;
      ASSERT_EQ(rules.ruleFor(id, name, Channel::kVisit).days[idx(Step::kProceduralReply)],
                expect_visit);
      ASSERT_EQ(rules.ruleFor(id, name, Channel::kLetter).days[idx(Step::kProceduralReply)],
                expect_letter);
      ASSERT_EQ(rules.ruleFor(id, name, Channel::kUnknown).days[idx(Step::kProceduralReply)],
                expect_letter);
    }
  }
}

class DeadlineOfTest : public ::testing::Test {
 protected:
  Case acceptedCase(std::string_view agency, Channel channel, TimeMs start) {
    Case c;
    c.agency = strings_.intern(agency);
    c.channel = channel;
    c.startStep(Step::kHandling, start);
    c.startStep(Step::kProceduralReply, start);
    c.startStep(Step::kReview, start);
    return c;
  }
  StringInterner strings_;
  const TimeMs t0_ = timeOf("2026-03-04T09:15:00+08:00");
};

TEST_F(DeadlineOfTest, EachStepUsesItsOwnDays) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  const Case c = acceptedCase("a", Channel::kLetter, t0_);
  EXPECT_EQ(rules.deadlineOf(c, Step::kProceduralReply, strings_),
            timeOf("2026-03-12T00:00:00+08:00"));
  EXPECT_EQ(rules.deadlineOf(c, Step::kHandling, strings_), timeOf("2026-05-04T00:00:00+08:00"));
  EXPECT_EQ(rules.deadlineOf(c, Step::kReview, strings_), timeOf("2026-04-04T00:00:00+08:00"));
}

TEST_F(DeadlineOfTest, ExtensionAddsDaysToHandlingOnly) {
  ClockRules rules(ClocksConfig{}, std::nullopt);
  Case c = acceptedCase("a", Channel::kLetter, t0_);
  c.extension_days = 30;
  // 60 + 30 days from Mar 4: the last day is Jun 2.
  EXPECT_EQ(rules.deadlineOf(c, Step::kHandling, strings_), timeOf("2026-06-03T00:00:00+08:00"));
  EXPECT_EQ(rules.deadlineOf(c, Step::kProceduralReply, strings_),
            timeOf("2026-03-12T00:00:00+08:00"));
  EXPECT_EQ(rules.deadlineOf(c, Step::kReview, strings_), timeOf("2026-04-04T00:00:00+08:00"));
}

TEST_F(DeadlineOfTest, OverridesApplyByTheCasesAgencyAndChannel) {
  ClockRules rules(configWithOverrides(), std::nullopt);
  const Case proc = acceptedCase("zunyi-procuratorate", Channel::kVisit, t0_);
  // Procedural reply: 1 working day (agency+channel days, agency's day count): Thu Mar 5.
  EXPECT_EQ(rules.deadlineOf(proc, Step::kProceduralReply, strings_),
            timeOf("2026-03-06T00:00:00+08:00"));
  // Handling: 90 working days from Wed Mar 4 = 18 weeks: Wed Jul 8.
  EXPECT_EQ(rules.deadlineOf(proc, Step::kHandling, strings_), timeOf("2026-07-09T00:00:00+08:00"));
  const Case visit = acceptedCase("other", Channel::kVisit, t0_);
  EXPECT_EQ(rules.deadlineOf(visit, Step::kProceduralReply, strings_),
            timeOf("2026-03-08T00:00:00+08:00"));
}

}  // namespace
}  // namespace casewatch
