// AlertWorkflow::applyPolicy: a reload's new workflow policy under running alerts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/workflow/alert_workflow.h"
#include "tests/alerts/workflow/workflow_fixture.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kinds;
using testing::kMin;
using testing::kT0;
using testing::WorkflowHarness;

const std::string kC1 = WorkflowHarness::id("C-1");
const std::string kC2 = WorkflowHarness::id("C-2");

TEST(AlertWorkflowPolicyTest, AShorterChainEscalatesAtOnceWhatIsNowOverdue) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.advance(kT0 + 15 * kMin);
  EXPECT_THAT(kinds(h.take()), ElementsAre(ChangeKind::kFired));  // level 1 is due at 30 min

  WorkflowOptions faster = testing::defaultOptions();
  faster.escalation.red.after_minutes = {10, 60};
  EXPECT_EQ(h.workflow().applyPolicy(faster, h.now()), 1u);
  h.advance(h.now());
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.escalation->level, 1);
  EXPECT_EQ(c[0].at, kT0 + 15 * kMin);  // when it first could happen: the reload
  h.advance(kT0 + 59 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 60 * kMin);  // level 2 on the new chain's time, from the tier's start
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.escalation->target, "leadership");
}

TEST(AlertWorkflowPolicyTest, ALongerChainWaitsAndNothingDoneIsUndone) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.signal(Tier::kRed, "C-2", kT0);
  h.advance(kT0 + 31 * kMin);  // both at level 1
  h.now() = kT0 + 32 * kMin;
  ASSERT_TRUE(h.workflow().acknowledge(kC2, "officer-li", "on it").ok());
  h.take();

  WorkflowOptions slower = testing::defaultOptions();
  slower.escalation.red.after_minutes = {30, 600};
  h.workflow().applyPolicy(slower, h.now());
  EXPECT_THAT(h.take(), IsEmpty());  // nothing to say: levels reached and the ack stay
  EXPECT_EQ(h.workflow().find(kC1)->escalation->level, 1);
  ASSERT_TRUE(h.workflow().find(kC2)->ack.has_value());
  EXPECT_EQ(h.workflow().find(kC2)->ack->by, "officer-li");

  h.advance(kT0 + 121 * kMin);  // the old chain's level 2 is no longer due
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 600 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.alert_id, kC1);  // the acknowledged one stays quiet
}

TEST(AlertWorkflowPolicyTest, GroupingTurnedOffReleasesTheMembersWhichThenEscalate) {
  WorkflowHarness h;
  const std::string p1 = WorkflowHarness::id("P-1", "repeat_visit", SubjectKind::kPerson);
  h.signal(Tier::kRed, "P-1", kT0, "repeat_visit", SubjectKind::kPerson, "M-1");
  h.signal(Tier::kOrange, "M-1", kT0 + kMin, "group_incident", SubjectKind::kMatter);
  h.take();
  ASSERT_NE(h.workflow().find(p1)->group_id, "");
  h.advance(kT0 + 40 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());  // a member does not escalate

  WorkflowOptions ungrouped = testing::defaultOptions();
  ungrouped.grouping.enabled = false;
  h.workflow().applyPolicy(ungrouped, h.now());
  auto c = h.take();
  // The member and the group itself (a group is its own group) both lose their group.
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUpdated, ChangeKind::kUpdated));
  for (const AlertChange& u : c) {
    EXPECT_EQ(u.alert.group_id, "");
    EXPECT_THAT(u.note, HasSubstr("no longer grouped"));
  }
  EXPECT_EQ(h.workflow().find(p1)->group_id, "");
  h.advance(h.now());
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));  // overdue since 30 min
  EXPECT_EQ(c[0].alert.alert_id, p1);
}

TEST(AlertWorkflowPolicyTest, APendingDowngradeFollowsTheNewHold) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.signal(Tier::kOrange, "C-1", kT0 + kMin);  // held for 30 min by default
  h.take();
  WorkflowOptions quick = testing::defaultOptions();
  quick.workflow.min_hold_minutes = 5;
  h.workflow().applyPolicy(quick, kT0 + 2 * kMin);
  h.advance(kT0 + 5 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 6 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kTierChanged));
  EXPECT_EQ(c[0].alert.tier, Tier::kOrange);
}

TEST(AlertWorkflowPolicyTest, SilencesSurviveAPolicyChange) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.take();
  Silence s;
  s.matchers = {{"subject_id", "C-1", false}};
  s.ends_at = kT0 + 600 * kMin;
  s.comment = "agency on site";
  ASSERT_TRUE(h.workflow().addSilence(s, "officer-li").ok());
  h.take();
  WorkflowOptions other = testing::defaultOptions();
  other.escalation.red.after_minutes = {5, 10};
  h.workflow().applyPolicy(other, kT0 + 20 * kMin);
  h.advance(kT0 + 100 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());  // silenced: no escalation under the new chain either
  EXPECT_EQ(h.workflow().silences().size(), 1u);
  EXPECT_NE(h.workflow().find(kC1)->silenced_by, "");
}

}  // namespace
}  // namespace casewatch
