#include "alerts/workflow/alert_workflow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "alerts/alert_json.h"
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

// --- lifecycle ---

TEST(AlertWorkflowTest, FireAcknowledgeUnacknowledgeResolve) {
  WorkflowHarness h;
  h.signal(Tier::kYellow, "C-1", kT0);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired));
  EXPECT_EQ(c[0].alert.status, AlertStatus::kFiring);
  EXPECT_EQ(c[0].actor, "casewatch");
  EXPECT_TRUE(c[0].notify);

  h.now() = kT0 + 5 * kMin;
  auto acked = h.workflow().acknowledge(kC1, "officer-li", "calling the agency");
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->status, AlertStatus::kAcknowledged);
  ASSERT_TRUE(acked->ack.has_value());
  EXPECT_EQ(acked->ack->by, "officer-li");
  EXPECT_EQ(acked->ack->at, kT0 + 5 * kMin);
  EXPECT_EQ(acked->ack->note, "calling the agency");
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kAcknowledged));
  EXPECT_EQ(c[0].actor, "officer-li");
  EXPECT_EQ(c[0].note, "calling the agency");
  EXPECT_EQ(c[0].at, kT0 + 5 * kMin);
  EXPECT_EQ(c[0].alert.status, AlertStatus::kAcknowledged);

  EXPECT_EQ(h.workflow().acknowledge(kC1, "officer-wang", "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(h.take(), IsEmpty());

  auto unacked = h.workflow().unacknowledge(kC1, "officer-li");
  ASSERT_TRUE(unacked.ok());
  EXPECT_EQ(unacked->status, AlertStatus::kFiring);
  EXPECT_FALSE(unacked->ack.has_value());
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUnacknowledged));
  EXPECT_EQ(c[0].actor, "officer-li");
  EXPECT_EQ(h.workflow().unacknowledge(kC1, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);

  auto resolved = h.workflow().resolve(kC1, "officer-li", "reply sent");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->status, AlertStatus::kResolved);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kResolved));
  EXPECT_EQ(c[0].actor, "officer-li");
  EXPECT_EQ(c[0].note, "reply sent");
  EXPECT_EQ(h.workflow().activeCount(), 0u);
  EXPECT_THAT(h.workflow().activeAlerts(), IsEmpty());

  // Resolved: a precondition failure, not an unknown alert.
  EXPECT_EQ(h.workflow().acknowledge(kC1, "x", "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.workflow().acknowledge("0123456789abcdef", "x", "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h.workflow().resolve("0123456789abcdef", "x", "").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AlertWorkflowTest, AManualResolutionHoldsUntilTheModelRatesTheRiskHigher) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  ASSERT_TRUE(h.workflow().resolve(kC1, "officer-li", "handled").ok());
  h.take();
  h.signal(Tier::kYellow, "C-1", kT0 + kMin);      // lower: stays resolved
  h.signal(Tier::kOrange, "C-1", kT0 + 2 * kMin);  // the same tier the officer saw
  EXPECT_THAT(h.take(), IsEmpty());
  EXPECT_THAT(h.persisted(), HasSubstr(kC1));  // kept across a restart

  h.signal(Tier::kRed, "C-1", kT0 + 3 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired));
  EXPECT_EQ(c[0].alert.tier, Tier::kRed);
  EXPECT_EQ(c[0].alert.starts_at, kT0 + 3 * kMin);
  EXPECT_THAT(c[0].note, HasSubstr("manual resolution"));
}

TEST(AlertWorkflowTest, TheModelResolvingAfterAManualResolutionPublishesNothing) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  ASSERT_TRUE(h.workflow().resolve(kC1, "officer-li", "handled").ok());
  h.take();
  h.signal(Tier::kNone, "C-1", kT0 + kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.signal(Tier::kYellow, "C-1", kT0 + 2 * kMin);  // a new risk later: a new alert
  EXPECT_THAT(kinds(h.take()), ElementsAre(ChangeKind::kFired));
}

TEST(AlertWorkflowTest, ResolutionByTheModelKeepsTheAcknowledgementOnRecord) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  ASSERT_TRUE(h.workflow().acknowledge(kC1, "officer-li", "on it").ok());
  h.take();
  h.signal(Tier::kNone, "C-1", kT0 + 10 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kResolved));
  EXPECT_EQ(c[0].alert.status, AlertStatus::kResolved);
  ASSERT_TRUE(c[0].alert.ack.has_value());
  EXPECT_EQ(c[0].alert.ack->by, "officer-li");
  EXPECT_EQ(c[0].actor, "casewatch");
}

// --- tiers: hysteresis ---

TEST(AlertWorkflowTest, ARiseShowsAtOnceAndClearsTheAcknowledgement) {
  WorkflowHarness h;
  h.signal(Tier::kYellow, "C-1", kT0);
  ASSERT_TRUE(h.workflow().acknowledge(kC1, "officer-li", "").ok());
  h.take();
  h.signal(Tier::kOrange, "C-1", kT0 + kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kTierChanged));
  EXPECT_EQ(c[0].alert.tier, Tier::kOrange);
  EXPECT_EQ(c[0].alert.status, AlertStatus::kFiring);
  EXPECT_FALSE(c[0].alert.ack.has_value());
  EXPECT_THAT(c[0].note, HasSubstr("officer-li"));
}

TEST(AlertWorkflowTest, AFallShowsOnlyAfterTheHold) {
  WorkflowHarness h;  // min_hold 30 minutes
  h.signal(Tier::kOrange, "C-1", kT0);
  h.take();
  h.signal(Tier::kYellow, "C-1", kT0 + kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  EXPECT_TRUE(h.workflow().holdPendingForTest(kC1));
  EXPECT_EQ(h.workflow().find(kC1)->tier, Tier::kOrange);
  h.advance(kT0 + 30 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 31 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kTierChanged));
  EXPECT_EQ(c[0].alert.tier, Tier::kYellow);
  EXPECT_EQ(c[0].at, kT0 + 31 * kMin);
  EXPECT_THAT(c[0].note, HasSubstr("held 30 min"));
  // The evidence is the model's latest.
  EXPECT_EQ(c[0].alert.reasons.front().text.get("en"), "evidence 2");
}

TEST(AlertWorkflowTest, AScoreHoveringAtAThresholdDoesNotFlap) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  h.take();
  for (int i = 1; i <= 20; ++i) {
    h.signal(i % 2 ? Tier::kYellow : Tier::kOrange, "C-1", kT0 + i * 5 * kMin);
  }
  h.advance(kT0 + 200 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());  // back at orange within every hold: nothing published
  EXPECT_EQ(h.workflow().find(kC1)->tier, Tier::kOrange);
}

TEST(AlertWorkflowTest, WithoutAHoldAFallShowsAtOnce) {
  auto o = testing::defaultOptions();
  o.workflow.min_hold_minutes = 0;
  WorkflowHarness h(o);
  h.signal(Tier::kOrange, "C-1", kT0);
  h.signal(Tier::kYellow, "C-1", kT0 + kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kTierChanged));
  EXPECT_EQ(c[1].alert.tier, Tier::kYellow);
}

TEST(AlertWorkflowTest, ResolutionIsImmediateEvenDuringAHold) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  h.signal(Tier::kYellow, "C-1", kT0 + kMin);
  h.signal(Tier::kNone, "C-1", kT0 + 2 * kMin);
  h.advance(kT0 + 60 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kResolved));
  EXPECT_EQ(c[1].at, kT0 + 2 * kMin);
}

// --- escalation timing (fake clock) ---

TEST(AlertWorkflowTest, AnUnacknowledgedRedAlertClimbsTheChain) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired));
  EXPECT_EQ(c[0].notice, "leadership");  // red: leadership is told at once

  h.advance(kT0 + 29 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 30 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.status, AlertStatus::kEscalated);
  ASSERT_TRUE(c[0].alert.escalation.has_value());
  EXPECT_EQ(c[0].alert.escalation->level, 1);
  EXPECT_EQ(c[0].alert.escalation->target, "section_chief");
  EXPECT_EQ(c[0].alert.escalation->at, kT0 + 30 * kMin);
  EXPECT_EQ(c[0].at, kT0 + 30 * kMin);
  EXPECT_EQ(c[0].actor, "casewatch");
  EXPECT_THAT(c[0].note, HasSubstr("section_chief"));

  h.advance(kT0 + 119 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 120 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.escalation->level, 2);
  EXPECT_EQ(c[0].alert.escalation->target, "leadership");

  // At the end of the chain: a reminder once a day.
  h.advance(kT0 + (120 + 1439) * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + (120 + 1440) * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUpdated));
  EXPECT_THAT(c[0].note, HasSubstr("reminder to leadership"));
  EXPECT_EQ(c[0].alert.escalation->level, 2);
}

TEST(AlertWorkflowTest, EscalationsAreStampedWithTheirDueTimeWhenTheClockJumps) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.take();
  h.advance(kT0 + 150 * kMin);  // one step of event time past both levels
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated, ChangeKind::kEscalated));
  EXPECT_EQ(c[0].at, kT0 + 30 * kMin);
  EXPECT_EQ(c[1].at, kT0 + 120 * kMin);
}

TEST(AlertWorkflowTest, OrangeEscalatesAfterFourAndTwentyFourHoursYellowNever) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  h.signal(Tier::kYellow, "C-2", kT0);
  h.signal(Tier::kBlue, "C-3", kT0);
  auto c = h.take();
  EXPECT_EQ(c[0].notice, "");
  h.advance(kT0 + 239 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 240 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.subject_id, "C-1");
  EXPECT_EQ(c[0].alert.escalation->target, "section_chief");
  h.advance(kT0 + 24 * 60 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.escalation->target, "leadership");
  h.advance(kT0 + 30 * 24 * 60 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());  // orange: no reminders
}

TEST(AlertWorkflowTest, AcknowledgementStopsTheEscalationAndTakingItBackResumesIt) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.now() = kT0 + 10 * kMin;
  ASSERT_TRUE(h.workflow().acknowledge(kC1, "officer-li", "").ok());
  h.take();
  h.advance(kT0 + 300 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());

  ASSERT_TRUE(h.workflow().unacknowledge(kC1, "officer-li").ok());
  auto c = h.take();
  // Overdue at once: both levels, stamped when they became possible (the take-back).
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUnacknowledged, ChangeKind::kEscalated,
                                    ChangeKind::kEscalated));
  EXPECT_EQ(c[1].at, kT0 + 300 * kMin);
  EXPECT_EQ(c[2].alert.escalation->target, "leadership");
}

TEST(AlertWorkflowTest, ARiseRestartsTheEscalationClock) {
  WorkflowHarness h;
  h.signal(Tier::kOrange, "C-1", kT0);
  h.signal(Tier::kRed, "C-1", kT0 + 200 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kTierChanged));
  EXPECT_EQ(c[1].notice, "leadership");
  h.advance(kT0 + 229 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());  // orange's 4 hours no longer apply
  h.advance(kT0 + 230 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.escalation->level, 1);
}

TEST(AlertWorkflowTest, AResolvedAlertNeverEscalates) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.signal(Tier::kNone, "C-1", kT0 + 29 * kMin);
  h.advance(kT0 + 600 * kMin);
  EXPECT_THAT(kinds(h.take()), ElementsAre(ChangeKind::kFired, ChangeKind::kResolved));
  EXPECT_EQ(h.workflow().timersQueued(), 0u);
}

TEST(AlertWorkflowTest, DueTimersFireBeforeTheNextBookChange) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  // The next book change comes 26 hours later with no advance in between.
  AlertBook& book = h.book();
  h.now() = kT0 + 26 * 60 * kMin;
  auto c = book.apply(testing::makeSignal(Tier::kNone, "C-1", kT0 + 26 * 60 * kMin));
  ASSERT_TRUE(c.has_value());
  h.workflow().onBookChange(std::move(*c));
  EXPECT_THAT(kinds(h.take()),
              ElementsAre(ChangeKind::kFired, ChangeKind::kEscalated, ChangeKind::kEscalated,
                          ChangeKind::kUpdated, ChangeKind::kResolved));
}

TEST(AlertWorkflowTest, WhatABookChangeMakesDueFiresAtOnce) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "P-1", kT0, "repeat_visit", SubjectKind::kPerson, "M-1");
  h.signal(Tier::kYellow, "M-1", kT0 + kMin, "group_incident", SubjectKind::kMatter);
  h.take();
  // Grouped, P-1 does not escalate; when the group goes it is overdue, and escalates with no
  // further advance of the clock (the order does not depend on batching).
  AlertBook& book = h.book();
  h.now() = kT0 + 40 * kMin;
  auto c = book.apply(testing::makeSignal(Tier::kNone, "M-1", kT0 + 40 * kMin, "group_incident",
                                          SubjectKind::kMatter));
  ASSERT_TRUE(c.has_value());
  h.workflow().onBookChange(std::move(*c));
  EXPECT_THAT(kinds(h.take()),
              ElementsAre(ChangeKind::kResolved, ChangeKind::kUpdated, ChangeKind::kEscalated));
}

// --- silences ---

Silence silenceOf(std::vector<SilenceMatcher> matchers, TimeMs ends_at,
                  std::string comment = "maintenance") {
  Silence s;
  s.matchers = std::move(matchers);
  s.ends_at = ends_at;
  s.comment = std::move(comment);
  return s;
}

TEST(AlertWorkflowTest, ASilenceMutesMatchingAlertsUntilItEnds) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0);
  h.signal(Tier::kRed, "C-2", kT0);
  h.take();
  auto s = h.workflow().addSilence(
      silenceOf({{"subject_id", "C-1", false}, {"alertname", "CaseOverdue", false}},
                kT0 + 60 * kMin),
      "officer-li");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created_by, "officer-li");
  EXPECT_EQ(s->starts_at, kT0);
  EXPECT_EQ(s->id.size(), 16u);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kSilenced));
  EXPECT_EQ(c[0].alert.subject_id, "C-1");
  EXPECT_EQ(c[0].alert.status, AlertStatus::kSilenced);
  EXPECT_EQ(c[0].alert.silenced_by, s->id);
  EXPECT_EQ(c[0].actor, "officer-li");
  EXPECT_THAT(c[0].note, HasSubstr("maintenance"));
  ASSERT_THAT(h.workflow().silences(), ::testing::SizeIs(1));
  EXPECT_THAT(h.persisted(), HasSubstr(s->id));

  // Silenced: no escalation; the other alert escalates.
  h.advance(kT0 + 59 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.subject_id, "C-2");

  // The silence ends: back, and overdue at once.
  h.advance(kT0 + 60 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUnsilenced, ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.subject_id, "C-1");
  EXPECT_EQ(c[0].alert.status, AlertStatus::kFiring);
  EXPECT_TRUE(c[0].notify);
  EXPECT_EQ(c[1].at, kT0 + 60 * kMin);
}

TEST(AlertWorkflowTest, ANewAlertUnderASilenceIsRecordedButNotNotified) {
  WorkflowHarness h;
  ASSERT_TRUE(
      h.workflow()
          .addSilence(silenceOf({{"subject_id", "C-[0-9]+", true}}, kT0 + 60 * kMin), "officer-li")
          .ok());
  h.signal(Tier::kYellow, "C-7", kT0 + kMin);
  h.signal(Tier::kYellow, "XC-7", kT0 + kMin);  // anchored: no match
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kFired));
  EXPECT_EQ(c[0].alert.status, AlertStatus::kSilenced);
  EXPECT_FALSE(c[0].notify);
  EXPECT_EQ(c[1].alert.status, AlertStatus::kFiring);
  EXPECT_TRUE(c[1].notify);
}

TEST(AlertWorkflowTest, ExpiringASilenceByHand) {
  WorkflowHarness h;
  h.signal(Tier::kYellow, "C-1", kT0);
  auto s = h.workflow().addSilence(silenceOf({{"tier", "yellow", false}}, kT0 + 600 * kMin),
                                   "officer-li");
  ASSERT_TRUE(s.ok());
  h.take();
  h.now() = kT0 + 10 * kMin;
  ASSERT_TRUE(h.workflow().expireSilence(s->id, "officer-wang").ok());
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUnsilenced));
  EXPECT_EQ(c[0].actor, "officer-wang");
  EXPECT_EQ(h.workflow().silences()[0].expired_by, "officer-wang");
  EXPECT_EQ(h.workflow().expireSilence(s->id, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.workflow().expireSilence("nope", "x").code(), absl::StatusCode::kNotFound);
}

TEST(AlertWorkflowTest, ASilenceOnTierFollowsTheShownTier) {
  WorkflowHarness h;
  ASSERT_TRUE(
      h.workflow().addSilence(silenceOf({{"tier", "yellow", false}}, kT0 + 600 * kMin), "li").ok());
  h.signal(Tier::kYellow, "C-1", kT0);
  h.signal(Tier::kRed, "C-1", kT0 + kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kTierChanged));
  EXPECT_EQ(c[0].alert.status, AlertStatus::kSilenced);
  EXPECT_EQ(c[1].alert.status, AlertStatus::kFiring);
  EXPECT_TRUE(c[1].notify);
}

TEST(AlertWorkflowTest, AFutureSilenceStartsOnTime) {
  WorkflowHarness h;
  h.signal(Tier::kYellow, "C-1", kT0);
  Silence s = silenceOf({{"model", "overdue", false}}, kT0 + 120 * kMin);
  s.starts_at = kT0 + 60 * kMin;
  ASSERT_TRUE(h.workflow().addSilence(s, "li").ok());
  h.take();
  h.advance(kT0 + 59 * kMin);
  EXPECT_THAT(h.take(), IsEmpty());
  h.advance(kT0 + 60 * kMin);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kSilenced));
  EXPECT_EQ(c[0].actor, "casewatch");
}

TEST(AlertWorkflowTest, BadSilencesAreRefusedWithTheField) {
  WorkflowHarness h;
  auto bad = [&](Silence s) { return h.workflow().addSilence(std::move(s), "li").status(); };
  EXPECT_THAT(std::string(bad(silenceOf({}, kT0 + kMin)).message()), HasSubstr("matchers"));
  EXPECT_THAT(std::string(bad(silenceOf({{"colour", "red", false}}, kT0 + kMin)).message()),
              HasSubstr("matchers[0].name"));
  EXPECT_THAT(std::string(bad(silenceOf({{"model", "(", true}}, kT0 + kMin)).message()),
              HasSubstr("matchers[0].value"));
  EXPECT_THAT(std::string(bad(silenceOf({{"model", ".*", true}}, kT0 + kMin)).message()),
              HasSubstr("empty"));
  EXPECT_THAT(std::string(bad(silenceOf({{"model", "overdue", false}}, kT0)).message()),
              HasSubstr("ends_at"));
  EXPECT_THAT(std::string(bad(silenceOf({{"model", "overdue", false}}, kT0 + kMin, "")).message()),
              HasSubstr("comment"));
  EXPECT_EQ(bad(silenceOf({}, kT0 + kMin)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(h.workflow().silences(), IsEmpty());
}

// --- grouping and inhibition ---

TEST(AlertWorkflowTest, AGroupIncidentGathersTheRepeatVisitsOnItsMatter) {
  WorkflowHarness h;
  const std::string p1 = WorkflowHarness::id("P-1", "repeat_visit", SubjectKind::kPerson);
  const std::string p2 = WorkflowHarness::id("P-2", "repeat_visit", SubjectKind::kPerson);
  const std::string other = WorkflowHarness::id("P-3", "repeat_visit", SubjectKind::kPerson);
  const std::string group = WorkflowHarness::id("M-1", "group_incident", SubjectKind::kMatter);
  h.signal(Tier::kRed, "P-1", kT0, "repeat_visit", SubjectKind::kPerson, "M-1");
  h.signal(Tier::kRed, "P-3", kT0, "repeat_visit", SubjectKind::kPerson, "M-9");
  h.take();
  h.signal(Tier::kOrange, "M-1", kT0 + kMin, "group_incident", SubjectKind::kMatter);
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kUpdated));
  EXPECT_EQ(c[0].alert.group_id, group);  // a group is its own group
  EXPECT_EQ(c[1].alert.alert_id, p1);
  EXPECT_EQ(c[1].alert.group_id, group);
  EXPECT_FALSE(c[1].notify);  // bookkeeping
  EXPECT_THAT(c[1].note, HasSubstr("grouped under"));

  h.signal(Tier::kYellow, "P-2", kT0 + 2 * kMin, "repeat_visit", SubjectKind::kPerson, "M-1");
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired));
  EXPECT_EQ(c[0].alert.group_id, group);
  EXPECT_EQ(h.workflow().find(other)->group_id, "");

  // Members escalate only through their group: only P-3 (ungrouped, red) climbs at 30 min.
  h.advance(kT0 + 31 * kMin);
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.alert_id, other);

  h.signal(Tier::kNone, "M-1", kT0 + 40 * kMin, "group_incident", SubjectKind::kMatter);
  h.advance(kT0 + 40 * kMin);  // the batch ends
  c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kResolved, ChangeKind::kUpdated,
                                    ChangeKind::kUpdated, ChangeKind::kEscalated));
  EXPECT_EQ(h.workflow().find(p1)->group_id, "");
  EXPECT_EQ(h.workflow().find(p2)->group_id, "");
  // P-1 is red and was unacknowledged all along: ungrouped, it escalates at once.
  EXPECT_EQ(c[3].alert.alert_id, p1);
  EXPECT_EQ(c[3].at, kT0 + 40 * kMin);
}

TEST(AlertWorkflowTest, ARedAlertInhibitsLowerTiersOfOtherModelsOnTheSameSubject) {
  WorkflowHarness h;
  const std::string key = WorkflowHarness::id("C-1", "key_case");
  h.signal(Tier::kOrange, "C-1", kT0, "key_case");
  h.signal(Tier::kOrange, "C-2", kT0, "key_case");
  h.take();
  h.signal(Tier::kRed, "C-1", kT0 + kMin, "overdue");
  auto c = h.take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kFired, ChangeKind::kUpdated));
  EXPECT_EQ(c[0].alert.inhibited_by, "");
  EXPECT_EQ(c[1].alert.alert_id, key);
  EXPECT_EQ(c[1].alert.inhibited_by, kC1);
  EXPECT_EQ(c[1].alert.status, AlertStatus::kFiring);  // the status stays
  EXPECT_FALSE(c[1].notify);

  // Inhibited: the key_case alert on C-1 does not escalate; the one on C-2 does (at 4 h).
  h.advance(kT0 + 241 * kMin);
  for (const AlertChange& ch : h.take()) EXPECT_NE(ch.alert.alert_id, key) << ch.note;

  // The red alert goes: the inhibition lifts and people hear of the alert again.
  h.advance(kT0 + 300 * kMin);
  h.take();
  h.signal(Tier::kNone, "C-1", kT0 + 300 * kMin, "overdue");
  c = h.take();
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0].kind, ChangeKind::kResolved);
  EXPECT_EQ(c[1].kind, ChangeKind::kUpdated);
  EXPECT_EQ(c[1].alert.alert_id, key);
  EXPECT_EQ(c[1].alert.inhibited_by, "");
  EXPECT_TRUE(c[1].notify);
}

TEST(AlertWorkflowTest, InhibitionNeedsALowerTierAndAnotherModel) {
  WorkflowHarness h;
  h.signal(Tier::kRed, "C-1", kT0, "key_case");
  h.signal(Tier::kRed, "C-1", kT0, "overdue");
  EXPECT_EQ(h.workflow().find(kC1)->inhibited_by, "");
  EXPECT_EQ(h.workflow().find(WorkflowHarness::id("C-1", "key_case"))->inhibited_by, "");
  auto o = testing::defaultOptions();
  o.inhibition.enabled = false;
  WorkflowHarness off(o);
  off.signal(Tier::kYellow, "C-1", kT0, "key_case");
  off.signal(Tier::kRed, "C-1", kT0, "overdue");
  EXPECT_EQ(off.workflow().find(WorkflowHarness::id("C-1", "key_case"))->inhibited_by, "");
}

// --- restart ---

// Runs `script` on a first workflow, keeps what it last published per alert (the store's
// `alerts` rows) and its state, then replays the same book history into a second workflow in
// recovery and reconciles it at `restart_at`.
struct Restart {
  std::vector<AlertChange> after;
  std::unique_ptr<WorkflowHarness> second;
};

// How the reconciliation is given the stored alerts: whole, or as start-up reads them (without
// their evidence, made whole from their JSON when published whole).
enum class StoredAs { kWhole, kWithoutEvidence };

template <typename Script, typename Replay>
Restart restart(Script script, Replay replay, TimeMs restart_at,
                WorkflowOptions options = testing::defaultOptions(),
                StoredAs as = StoredAs::kWhole) {
  WorkflowHarness first(options);
  script(first);
  std::map<std::string, Alert> rows;
  for (const AlertChange& c : first.changes()) rows[c.alert.alert_id] = c.alert;
  std::vector<Alert> stored;
  for (auto& [id, a] : rows) {
    if (a.active()) stored.push_back(a);
  }
  Restart r;
  r.second = std::make_unique<WorkflowHarness>(options);
  WorkflowHarness& h = *r.second;
  EXPECT_TRUE(h.workflow().loadState(first.workflow().stateJson()).ok());
  h.workflow().setRecovering(true);
  replay(h);
  h.take();  // decided again during the replay; the App skips what was already published
  h.now() = restart_at;
  if (as == StoredAs::kWhole) {
    h.workflow().reconcile(std::move(stored), restart_at);
  } else {
    std::map<std::string, std::string> json;
    for (Alert& a : stored) {
      json[a.alert_id] = alertToJson(a, AlertJsonOptions{});
      auto light = alertFromJson(json[a.alert_id], AlertJsonRead::kWithoutEvidence);
      EXPECT_TRUE(light.ok());
      a = *light;
    }
    h.workflow().reconcile(std::move(stored), restart_at, [&](Alert& a) {
      auto whole = alertFromJson(json.at(a.alert_id));
      ASSERT_TRUE(whole.ok());
      a = *whole;
    });
  }
  r.after = h.take();
  return r;
}

TEST(AlertWorkflowTest, AcknowledgementsAndEscalationsSurviveARestart) {
  auto history = [](WorkflowHarness& h) {
    h.signal(Tier::kRed, "C-1", kT0);
    h.signal(Tier::kRed, "C-2", kT0);
  };
  Restart r = restart(
      [&](WorkflowHarness& h) {
        history(h);
        h.advance(kT0 + 40 * kMin);  // both escalated to level 1
        h.now() = kT0 + 45 * kMin;
        ASSERT_TRUE(h.workflow().acknowledge(kC1, "officer-li", "on it").ok());
      },
      history, kT0 + 50 * kMin);
  EXPECT_THAT(r.after, IsEmpty());  // nothing differs from the store
  const Alert* c1 = r.second->workflow().find(kC1);
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->status, AlertStatus::kAcknowledged);
  ASSERT_TRUE(c1->ack.has_value());
  EXPECT_EQ(c1->ack->by, "officer-li");
  ASSERT_TRUE(c1->escalation.has_value());
  EXPECT_EQ(c1->escalation->level, 1);
  const std::string c2 = WorkflowHarness::id("C-2");
  EXPECT_EQ(r.second->workflow().find(c2)->escalation->level, 1);

  // After the restart: C-2 climbs on at 2 h; C-1 (acknowledged) does not.
  r.second->advance(kT0 + 121 * kMin);
  auto c = r.second->take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kEscalated));
  EXPECT_EQ(c[0].alert.alert_id, c2);
  EXPECT_EQ(c[0].alert.escalation->level, 2);
  EXPECT_EQ(c[0].at, kT0 + 120 * kMin);
}

TEST(AlertWorkflowTest, RemindersResumeWhereTheyWereAfterARestart) {
  // Red, unacknowledged: leadership at 2 h, reminders a day later each; the restart comes between
  // the second reminder and the third.
  constexpr TimeMs kFirst = kT0 + (120 + 1440) * kMin;
  constexpr TimeMs kSecond = kFirst + 1440 * kMin;
  auto history = [](WorkflowHarness& h) { h.signal(Tier::kRed, "C-1", kT0); };
  Restart r = restart(
      [&](WorkflowHarness& h) {
        history(h);
        h.advance(kSecond + kMin);
        const std::vector<AlertChange> c = h.changes();
        ASSERT_FALSE(c.empty());
        EXPECT_EQ(c.back().kind, ChangeKind::kUpdated);
        EXPECT_EQ(c.back().alert.escalation->reminded_at, kSecond);
      },
      history, kSecond + 2 * kMin);
  EXPECT_THAT(r.after, IsEmpty());  // no reminder sent again
  r.second->advance(kSecond + 1439 * kMin);
  EXPECT_THAT(r.second->take(), IsEmpty());
  r.second->advance(kSecond + 1440 * kMin);
  auto c = r.second->take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUpdated));
  EXPECT_EQ(c[0].at, kSecond + 1440 * kMin);
  EXPECT_EQ(c[0].alert.escalation->at, kT0 + 120 * kMin);  // still when leadership was told
}

TEST(AlertWorkflowTest, RemindersOfAChainOfOneResumeWhereTheyWereAfterARestart) {
  // Yellow goes to the duty officer only, with an hourly reminder: no escalation object, so the
  // workflow's state keeps the latest reminder. The restart comes between the second and third.
  WorkflowOptions options = testing::defaultOptions();
  options.escalation.yellow.renotify_minutes = 60;
  auto history = [](WorkflowHarness& h) { h.signal(Tier::kYellow, "C-1", kT0); };
  Restart r = restart(
      [&](WorkflowHarness& h) {
        history(h);
        h.advance(kT0 + 121 * kMin);
        const std::vector<AlertChange> c = h.changes();
        ASSERT_THAT(kinds(c),
                    ElementsAre(ChangeKind::kFired, ChangeKind::kUpdated, ChangeKind::kUpdated));
        EXPECT_FALSE(c.back().alert.escalation.has_value());
        EXPECT_THAT(h.persisted(), HasSubstr("\"reminded\""));
      },
      history, kT0 + 125 * kMin, options);
  EXPECT_THAT(r.after, IsEmpty());  // the second reminder is not sent again
  r.second->advance(kT0 + 179 * kMin);
  EXPECT_THAT(r.second->take(), IsEmpty());
  r.second->advance(kT0 + 180 * kMin);
  auto c = r.second->take();
  ASSERT_THAT(kinds(c), ElementsAre(ChangeKind::kUpdated));
  EXPECT_EQ(c[0].at, kT0 + 180 * kMin);
  EXPECT_THAT(c[0].note, HasSubstr("reminder to duty_officer"));
}

TEST(AlertWorkflowTest, SilencesAndManualResolutionsSurviveARestart) {
  Silence s = silenceOf({{"subject_id", "C-2", false}}, kT0 + 600 * kMin);
  auto history = [](WorkflowHarness& h) {
    h.signal(Tier::kYellow, "C-1", kT0);
    h.signal(Tier::kYellow, "C-2", kT0);
  };
  Restart r = restart(
      [&](WorkflowHarness& h) {
        history(h);
        ASSERT_TRUE(h.workflow().resolve(kC1, "officer-li", "done").ok());
        ASSERT_TRUE(h.workflow().addSilence(s, "officer-li").ok());
      },
      history, kT0 + 10 * kMin);
  EXPECT_THAT(r.after, IsEmpty());
  EXPECT_EQ(r.second->workflow().find(kC1), nullptr);  // stays resolved
  EXPECT_EQ(r.second->workflow().activeCount(), 1u);
  EXPECT_EQ(r.second->workflow().find(WorkflowHarness::id("C-2"))->status, AlertStatus::kSilenced);
  ASSERT_THAT(r.second->workflow().silences(), ::testing::SizeIs(1));
  EXPECT_EQ(r.second->workflow().silences()[0].created_by, "officer-li");
}

TEST(AlertWorkflowTest, ARestartPublishesOnlyWhatDiffers) {
  Restart r = restart(
      [](WorkflowHarness& h) {
        h.signal(Tier::kYellow, "C-1", kT0);
        h.signal(Tier::kYellow, "C-2", kT0);
      },
      [](WorkflowHarness& h) {
        // The journal holds more than was published: C-2 resolved, C-3 fired, C-1 rose.
        h.signal(Tier::kOrange, "C-1", kT0);
        h.signal(Tier::kYellow, "C-2", kT0);
        h.signal(Tier::kNone, "C-2", kT0 + kMin);
        h.signal(Tier::kYellow, "C-3", kT0 + kMin);
      },
      kT0 + 5 * kMin);
  ASSERT_EQ(r.after.size(), 3u);
  std::map<std::string, ChangeKind> by_subject;
  for (const AlertChange& c : r.after) by_subject[c.alert.subject_id] = c.kind;
  EXPECT_EQ(by_subject["C-1"], ChangeKind::kTierChanged);
  EXPECT_EQ(by_subject["C-2"], ChangeKind::kResolved);
  EXPECT_EQ(by_subject["C-3"], ChangeKind::kFired);
}

TEST(AlertWorkflowTest, StoredAlertsReadWithoutEvidenceReconcileToTheSameChanges) {
  // As start-up reads them (daemon/store/stored_active_alerts.h): C-2, resolved while the
  // daemon was down, is published whole, its texts from its stored JSON.
  auto script = [](WorkflowHarness& h) {
    h.signal(Tier::kYellow, "C-1", kT0);
    h.signal(Tier::kYellow, "C-2", kT0);
    h.signal(Tier::kRed, "C-4", kT0);
    h.advance(kT0 + 40 * kMin);  // C-4 escalated
  };
  auto replay = [](WorkflowHarness& h) {
    h.signal(Tier::kOrange, "C-1", kT0);
    h.signal(Tier::kYellow, "C-2", kT0);
    h.signal(Tier::kNone, "C-2", kT0 + kMin);
    h.signal(Tier::kYellow, "C-3", kT0 + kMin);
    h.signal(Tier::kRed, "C-4", kT0);
    h.advance(kT0 + 40 * kMin);
  };
  const TimeMs at = kT0 + 45 * kMin;
  Restart whole = restart(script, replay, at);
  Restart light =
      restart(script, replay, at, testing::defaultOptions(), StoredAs::kWithoutEvidence);
  ASSERT_EQ(light.after.size(), whole.after.size());
  ASSERT_EQ(whole.after.size(), 3u);
  for (size_t i = 0; i < whole.after.size(); ++i) {
    EXPECT_EQ(alertChangeToJson(light.after[i], AlertJsonOptions{}),
              alertChangeToJson(whole.after[i], AlertJsonOptions{}));
    if (whole.after[i].kind == ChangeKind::kResolved) {
      EXPECT_FALSE(light.after[i].alert.summary.get("en").empty());
    }
  }
  const std::string c4 = WorkflowHarness::id("C-4");
  ASSERT_TRUE(light.second->workflow().find(c4)->escalation.has_value());
}

TEST(AlertWorkflowTest, TimersFireWhileRecoveringAsTheyDidLive) {
  WorkflowHarness live;
  live.signal(Tier::kRed, "C-1", kT0);
  live.signal(Tier::kOrange, "C-2", kT0 + 10 * kMin);
  live.advance(kT0 + 300 * kMin);
  WorkflowHarness replay;
  replay.workflow().setRecovering(true);
  replay.signal(Tier::kRed, "C-1", kT0);
  replay.signal(Tier::kOrange, "C-2", kT0 + 10 * kMin);
  replay.advance(kT0 + 300 * kMin);
  const auto a = live.take(), b = replay.take();
  ASSERT_EQ(kinds(a), kinds(b));
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].alert.alert_id, b[i].alert.alert_id);
    EXPECT_EQ(a[i].at, b[i].at);
  }
}

}  // namespace
}  // namespace casewatch
