#include "state/case_store.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/fakes/event_builder.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using testing::timeOf;

constexpr uint8_t bit(Step s) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(s));
}

class CaseStoreTest : public ::testing::Test {
 protected:
  const TimeMs t0_ = timeOf("2026-03-04T09:15:00+08:00");
  static constexpr TimeMs kDay = kMsPerDay;

  CaseUpdate apply(const CaseEvent& ev) { return store_.apply(ev); }
  CaseUpdate registerCase(const std::string& id = "C-1", std::string agency = "agency-a") {
    return apply(EventBuilder::registered(id, t0_).agency(std::move(agency)));
  }
  CaseUpdate event(EventType type, TimeMs ts, const std::string& id = "C-1") {
    return apply(EventBuilder::of(type, id, ts));
  }
  const Case& c(const std::string& id = "C-1") { return store_.at(store_.find(id)); }
  uint32_t agencyId(std::string_view name) const { return store_.strings().find(name); }
  int64_t open(Stage s, std::string_view agency) const {
    return store_.openCount(s, store_.strings().find(agency));
  }
  // Accept, then close with the handling clock still running (a case closed without a reply).
  void acceptAndClose(bool resolved, TimeMs close_at) {
    event(EventType::kAccepted, t0_ + kDay);
    apply(EventBuilder::of(EventType::kClosed, "C-1", close_at).resolved(resolved));
  }

  CaseStore store_;
};

TEST_F(CaseStoreTest, RegisteredCreatesTheCaseAndStartsProceduralReplyAndRouting) {
  const CaseEvent ev = EventBuilder::registered("C-1", t0_)
                           .persons({0xAA, 0xBB, 0xCC})
                           .groupSize(12)
                           .matter("m:wage-site-17")
                           .region("520302")
                           .agency("huichuan-hrss")
                           .category("wage_arrears")
                           .channel(Channel::kVisit)
                           .level(Level::kCounty)
                           .competentLevel(Level::kCity);
  const CaseUpdate u = apply(ev);
  ASSERT_NE(u.index, kNoCase);
  EXPECT_TRUE(u.created);
  EXPECT_FALSE(u.conflict);
  EXPECT_EQ(u.started_steps, bit(Step::kProceduralReply) | bit(Step::kRouting));
  EXPECT_EQ(u.satisfied_steps, 0);
  EXPECT_EQ(u.cleared_steps, 0);
  EXPECT_EQ(store_.find("C-1"), u.index);
  EXPECT_EQ(store_.caseId(u.index), "C-1");
  EXPECT_EQ(store_.size(), 1u);

  const Case& k = store_.at(u.index);
  EXPECT_EQ(k.stage, Stage::kRegistered);
  EXPECT_TRUE(k.open());
  EXPECT_TRUE(k.pending(Step::kProceduralReply));
  EXPECT_TRUE(k.pending(Step::kRouting));
  EXPECT_FALSE(k.pending(Step::kHandling));
  EXPECT_EQ(k.start(Step::kProceduralReply), t0_);
  EXPECT_EQ(k.start(Step::kRouting), t0_);
  EXPECT_EQ(k.registered_at, t0_);
  EXPECT_EQ(k.last_event_at, t0_);
  EXPECT_EQ(store_.strings().name(k.agency), "huichuan-hrss");
  EXPECT_EQ(store_.strings().name(k.region), "520302");
  EXPECT_EQ(store_.strings().name(k.category), "wage_arrears");
  EXPECT_EQ(store_.strings().name(k.matter), "m:wage-site-17");
  EXPECT_EQ(k.channel, Channel::kVisit);
  EXPECT_EQ(k.level, Level::kCounty);
  EXPECT_EQ(k.competent_level, Level::kCity);
  EXPECT_EQ(k.group_size, 12u);
  EXPECT_EQ(k.person_count, 3);
  PersonId storage = 0;
  const auto persons = store_.persons(u.index, storage);
  ASSERT_EQ(persons.size(), 3u);
  EXPECT_EQ(persons[0], 0xAAu);
  EXPECT_EQ(persons[2], 0xCCu);

  EXPECT_EQ(store_.openCases(), 1u);
  EXPECT_EQ(open(Stage::kRegistered, "huichuan-hrss"), 1);
}

TEST_F(CaseStoreTest, OnePersonIsStoredInlineAndGroupSizeDefaultsToPersons) {
  const CaseUpdate u = apply(EventBuilder::registered("C-1", t0_).persons({0x42}));
  PersonId storage = 0;
  const auto persons = store_.persons(u.index, storage);
  ASSERT_EQ(persons.size(), 1u);
  EXPECT_EQ(persons[0], 0x42u);
  EXPECT_EQ(store_.at(u.index).group_size, 1u);

  const CaseUpdate v = apply(EventBuilder::registered("C-2", t0_).persons({1, 2, 3, 4}));
  EXPECT_EQ(store_.at(v.index).group_size, 4u);
}

TEST_F(CaseStoreTest, ReRegistrationIsAConflictAndChangesNothing) {
  registerCase("C-1", "agency-a");
  const CaseUpdate u =
      apply(EventBuilder::registered("C-1", t0_ + 5 * kDay).agency("agency-b").category("land"));
  EXPECT_TRUE(u.conflict);
  EXPECT_FALSE(u.created);
  EXPECT_EQ(u.index, store_.find("C-1"));
  EXPECT_EQ(u.started_steps, 0);
  EXPECT_EQ(store_.size(), 1u);
  EXPECT_EQ(c().registered_at, t0_);
  EXPECT_EQ(c().start(Step::kRouting), t0_);
  EXPECT_EQ(c().last_event_at, t0_);
  EXPECT_EQ(store_.strings().name(c().agency), "agency-a");
  EXPECT_EQ(store_.strings().name(c().category), "other");
  EXPECT_EQ(store_.openCases(), 1u);
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 1);
}

TEST_F(CaseStoreTest, EventForAnUnknownCaseFindsNothing) {
  const CaseUpdate u = event(EventType::kAccepted, t0_, "nope");
  EXPECT_EQ(u.index, kNoCase);
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_EQ(store_.find("nope"), kNoCase);
}

TEST_F(CaseStoreTest, AcceptedSatisfiesRoutingAndStartsHandling) {
  registerCase();
  const TimeMs at = t0_ + 3 * kDay;
  const CaseUpdate u = event(EventType::kAccepted, at);
  EXPECT_EQ(u.stage_before, Stage::kRegistered);
  EXPECT_EQ(u.satisfied_steps, bit(Step::kRouting));
  EXPECT_EQ(u.started_steps, bit(Step::kHandling));
  EXPECT_EQ(c().stage, Stage::kAccepted);
  EXPECT_FALSE(c().pending(Step::kRouting));
  EXPECT_TRUE(c().pending(Step::kHandling));
  EXPECT_TRUE(c().pending(Step::kProceduralReply));  // acceptance is not the procedural reply
  EXPECT_EQ(c().start(Step::kHandling), at);
  EXPECT_EQ(store_.strings().name(c().agency), "agency-a");  // no agency given: unchanged
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 1);
  EXPECT_EQ(store_.openCases(), 1u);
}

TEST_F(CaseStoreTest, AcceptedByAnotherAgencyMovesTheCase) {
  registerCase("C-1", "agency-a");
  const CaseUpdate u =
      apply(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kDay).agency("agency-b"));
  EXPECT_EQ(u.agency_before, agencyId("agency-a"));
  EXPECT_EQ(c().agency, agencyId("agency-b"));
  EXPECT_EQ(open(Stage::kAccepted, "agency-b"), 1);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 0);
}

TEST_F(CaseStoreTest, RejectedAnswersThePetitionerAndClosesTheCase) {
  registerCase();
  const TimeMs at = t0_ + 2 * kDay;
  const CaseUpdate u =
      apply(EventBuilder::of(EventType::kRejected, "C-1", at).reason("no standing"));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kRouting) | bit(Step::kProceduralReply));
  EXPECT_EQ(u.cleared_steps, 0);
  EXPECT_EQ(c().stage, Stage::kRejected);
  EXPECT_FALSE(c().open());
  EXPECT_EQ(c().pending_steps, 0);
  EXPECT_EQ(c().closed_at, at);
  EXPECT_EQ(store_.openCases(), 0u);
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kRejected, "agency-a"), 0);  // closed stages are not counted
}

TEST_F(CaseStoreTest, RejectedClearsOtherRunningClocks) {
  registerCase();
  event(EventType::kProceduralReply, t0_ + kDay);
  event(EventType::kReviewRequested, t0_ + 2 * kDay);  // an odd order, but a running clock
  const CaseUpdate u = event(EventType::kRejected, t0_ + 3 * kDay);
  EXPECT_EQ(u.satisfied_steps, bit(Step::kRouting));
  EXPECT_EQ(u.cleared_steps, bit(Step::kReview));
  EXPECT_EQ(c().pending_steps, 0);
  EXPECT_EQ(c().saved_steps, bit(Step::kReview));
}

TEST_F(CaseStoreTest, TransferredRestartsRoutingForTheReceivingAgency) {
  registerCase("C-1", "agency-a");
  const TimeMs at = t0_ + 4 * kDay;
  const CaseUpdate u = apply(
      EventBuilder::of(EventType::kTransferred, "C-1", at).toAgency("agency-b", Level::kCity));
  EXPECT_EQ(u.stage_before, Stage::kRegistered);
  EXPECT_EQ(u.agency_before, agencyId("agency-a"));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kRouting));
  EXPECT_EQ(u.started_steps, bit(Step::kRouting));
  EXPECT_EQ(u.cleared_steps, 0);
  EXPECT_EQ(c().stage, Stage::kTransferred);
  EXPECT_EQ(c().agency, agencyId("agency-b"));
  EXPECT_TRUE(c().pending(Step::kRouting));
  EXPECT_EQ(c().start(Step::kRouting), at);
  EXPECT_TRUE(c().pending(Step::kProceduralReply));
  EXPECT_EQ(c().start(Step::kProceduralReply), t0_);  // the petitioner's reply clock runs on
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kTransferred, "agency-b"), 1);
  EXPECT_EQ(store_.openCases(), 1u);
}

TEST_F(CaseStoreTest, TransferAfterAcceptanceStopsHandlingAndResetsExtensions) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  apply(EventBuilder::of(EventType::kExtended, "C-1", t0_ + 2 * kDay).days(20));
  const CaseUpdate u =
      apply(EventBuilder::of(EventType::kTransferred, "C-1", t0_ + 3 * kDay).toAgency("agency-b"));
  EXPECT_EQ(u.stage_before, Stage::kAccepted);
  EXPECT_EQ(u.cleared_steps, bit(Step::kHandling));
  EXPECT_EQ(u.satisfied_steps, 0);  // routing had already been decided
  EXPECT_EQ(u.started_steps, bit(Step::kRouting));
  EXPECT_FALSE(c().pending(Step::kHandling));
  EXPECT_EQ(c().extension_days, 0);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kTransferred, "agency-b"), 1);
}

TEST_F(CaseStoreTest, ProceduralReplyStopsOnlyItsClock) {
  registerCase();
  const CaseUpdate u = event(EventType::kProceduralReply, t0_ + kDay);
  EXPECT_EQ(u.satisfied_steps, bit(Step::kProceduralReply));
  EXPECT_EQ(u.started_steps, 0);
  EXPECT_EQ(c().stage, Stage::kRegistered);
  EXPECT_FALSE(c().pending(Step::kProceduralReply));
  EXPECT_TRUE(c().pending(Step::kRouting));
  // A second one satisfies nothing.
  EXPECT_EQ(event(EventType::kProceduralReply, t0_ + 2 * kDay).satisfied_steps, 0);
}

TEST_F(CaseStoreTest, ExtendedAddsDaysAndMovesTheHandlingDeadline) {
  registerCase();
  // Before acceptance there is no handling clock: the days are kept, no deadline moves.
  CaseUpdate u = apply(EventBuilder::of(EventType::kExtended, "C-1", t0_).days(5));
  EXPECT_FALSE(u.deadline_changed);
  event(EventType::kAccepted, t0_ + kDay);
  EXPECT_EQ(c().extension_days, 0);  // acceptance starts handling afresh
  u = apply(EventBuilder::of(EventType::kExtended, "C-1", t0_ + 2 * kDay).days(30));
  EXPECT_TRUE(u.deadline_changed);
  EXPECT_EQ(u.started_steps, 0);
  EXPECT_EQ(c().extension_days, 30);
  EXPECT_EQ(c().start(Step::kHandling), t0_ + kDay);  // the clock's start does not move
  u = apply(EventBuilder::of(EventType::kExtended, "C-1", t0_ + 3 * kDay).days(7));
  EXPECT_EQ(c().extension_days, 37);
  EXPECT_EQ(c().stage, Stage::kAccepted);
}

TEST_F(CaseStoreTest, RepliedSatisfiesHandlingAndProceduralReply) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  const CaseUpdate u = apply(
      EventBuilder::of(EventType::kReplied, "C-1", t0_ + 9 * kDay).outcome(Outcome::kPartlyUpheld));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kHandling) | bit(Step::kProceduralReply));
  EXPECT_EQ(c().stage, Stage::kReplied);
  EXPECT_EQ(c().last_outcome, Outcome::kPartlyUpheld);
  EXPECT_EQ(c().pending_steps, 0);
  EXPECT_TRUE(c().open());
  EXPECT_EQ(open(Stage::kReplied, "agency-a"), 1);
}

TEST_F(CaseStoreTest, ReviewAndRecheckRequestsAndDecisions) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  event(EventType::kReplied, t0_ + 10 * kDay);

  CaseUpdate u = event(EventType::kReviewRequested, t0_ + 12 * kDay);
  EXPECT_EQ(u.started_steps, bit(Step::kReview));
  EXPECT_EQ(c().stage, Stage::kReview);
  EXPECT_EQ(c().start(Step::kReview), t0_ + 12 * kDay);
  EXPECT_EQ(open(Stage::kReview, "agency-a"), 1);

  u = apply(EventBuilder::of(EventType::kReviewDecided, "C-1", t0_ + 20 * kDay)
                .outcome(Outcome::kNotUpheld));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kReview));
  EXPECT_EQ(c().stage, Stage::kReplied);
  EXPECT_EQ(c().last_outcome, Outcome::kNotUpheld);
  EXPECT_FALSE(c().pending(Step::kReview));

  u = event(EventType::kRecheckRequested, t0_ + 25 * kDay);
  EXPECT_EQ(u.started_steps, bit(Step::kRecheck));
  EXPECT_EQ(c().stage, Stage::kRecheck);
  EXPECT_EQ(open(Stage::kRecheck, "agency-a"), 1);
  EXPECT_EQ(open(Stage::kReview, "agency-a"), 0);

  u = apply(EventBuilder::of(EventType::kRecheckDecided, "C-1", t0_ + 40 * kDay)
                .outcome(Outcome::kUpheld));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kRecheck));
  EXPECT_EQ(c().stage, Stage::kReplied);
  EXPECT_EQ(c().last_outcome, Outcome::kUpheld);
  EXPECT_EQ(c().pending_steps, 0);
  EXPECT_EQ(open(Stage::kRecheck, "agency-a"), 0);
  EXPECT_EQ(open(Stage::kReplied, "agency-a"), 1);
}

TEST_F(CaseStoreTest, LeaderHearingAidAndSettlementAreRecordedWithoutMovingClocks) {
  registerCase();
  const Case before = c();
  CaseUpdate u =
      apply(EventBuilder::of(EventType::kLeaderAssigned, "C-1", t0_ + kDay).leader("official-9"));
  EXPECT_EQ(u.started_steps | u.satisfied_steps | u.cleared_steps, 0);
  EXPECT_EQ(store_.strings().name(c().leader), "official-9");
  EXPECT_EQ(c().flags & Case::kHearingHeld, 0);

  event(EventType::kHearingHeld, t0_ + 2 * kDay);
  EXPECT_NE(c().flags & Case::kHearingHeld, 0);
  EXPECT_EQ(c().flags & Case::kAidGranted, 0);

  apply(EventBuilder::of(EventType::kAidGranted, "C-1", t0_ + 3 * kDay).amount(5000));
  EXPECT_NE(c().flags & Case::kAidGranted, 0);
  EXPECT_EQ(c().flags & Case::kSettled, 0);

  u = event(EventType::kSettled, t0_ + 4 * kDay);
  EXPECT_NE(c().flags & Case::kSettled, 0);
  EXPECT_EQ(u.started_steps | u.satisfied_steps | u.cleared_steps, 0);
  EXPECT_NE(c().flags & Case::kHearingHeld, 0);  // flags accumulate
  EXPECT_EQ(c().stage, before.stage);
  EXPECT_EQ(c().pending_steps, before.pending_steps);
  EXPECT_EQ(c().last_event_at, t0_ + 4 * kDay);
}

TEST_F(CaseStoreTest, ClosedResolvedSavesTheRunningClocks) {
  registerCase();
  const TimeMs at = t0_ + 5 * kDay;
  acceptAndClose(true, at);
  EXPECT_EQ(c().stage, Stage::kClosed);
  EXPECT_FALSE(c().open());
  EXPECT_NE(c().flags & Case::kResolved, 0);
  EXPECT_EQ(c().closed_at, at);
  EXPECT_EQ(c().pending_steps, 0);
  EXPECT_EQ(c().saved_steps, bit(Step::kHandling));
  EXPECT_EQ(store_.openCases(), 0u);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 0);
}

TEST_F(CaseStoreTest, ClosedUnresolvedWithSatisfaction) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  event(EventType::kReplied, t0_ + 5 * kDay);
  const CaseUpdate u = apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 6 * kDay)
                                 .resolved(false, Satisfaction::kUnsatisfied));
  EXPECT_EQ(u.stage_before, Stage::kReplied);
  EXPECT_EQ(u.cleared_steps, 0);
  EXPECT_EQ(c().flags & Case::kResolved, 0);
  EXPECT_EQ(c().satisfaction, Satisfaction::kUnsatisfied);
  EXPECT_EQ(c().saved_steps, 0);
  EXPECT_EQ(open(Stage::kReplied, "agency-a"), 0);
  EXPECT_EQ(store_.openCases(), 0u);
}

TEST_F(CaseStoreTest, ClosingCountsAsTheProceduralReply) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  const CaseUpdate u =
      apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 2 * kDay).resolved(true));
  EXPECT_EQ(u.satisfied_steps, bit(Step::kProceduralReply));
  EXPECT_EQ(u.cleared_steps, bit(Step::kHandling));
}

TEST_F(CaseStoreTest, ReopenedRestoresTheClocksPendingAtClose) {
  registerCase();
  event(EventType::kProceduralReply, t0_ + kDay);
  const TimeMs accepted_at = t0_ + 2 * kDay;
  event(EventType::kAccepted, accepted_at);
  apply(EventBuilder::of(EventType::kExtended, "C-1", t0_ + 3 * kDay).days(10));
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 4 * kDay).resolved(true));

  const CaseUpdate u =
      apply(EventBuilder::of(EventType::kReopened, "C-1", t0_ + 30 * kDay).reason("appeal"));
  EXPECT_EQ(u.stage_before, Stage::kClosed);
  EXPECT_EQ(u.started_steps, bit(Step::kHandling));
  EXPECT_EQ(c().pending_steps, bit(Step::kHandling));
  EXPECT_EQ(c().start(Step::kHandling), accepted_at);  // the original start, not the reopening
  EXPECT_EQ(c().extension_days, 10);                   // ... with its extension
  EXPECT_EQ(c().saved_steps, 0);
  EXPECT_EQ(c().stage, Stage::kAccepted);
  EXPECT_TRUE(c().open());
  EXPECT_NE(c().flags & Case::kReopened, 0);
  EXPECT_EQ(c().flags & Case::kResolved, 0);
  EXPECT_EQ(store_.openCases(), 1u);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 1);
}

TEST_F(CaseStoreTest, ReopenedBeforeRoutingGoesBackToRegistered) {
  registerCase();
  event(EventType::kProceduralReply, t0_ + kDay);
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 2 * kDay).resolved(false));
  EXPECT_EQ(c().saved_steps, bit(Step::kRouting));
  const CaseUpdate u = event(EventType::kReopened, t0_ + 3 * kDay);
  EXPECT_EQ(u.started_steps, bit(Step::kRouting));
  EXPECT_EQ(c().stage, Stage::kRegistered);
  EXPECT_EQ(c().start(Step::kRouting), t0_);
  EXPECT_EQ(open(Stage::kRegistered, "agency-a"), 1);
}

TEST_F(CaseStoreTest, ReopenedWithNoSavedClocksStartsHandlingAnew) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  apply(EventBuilder::of(EventType::kExtended, "C-1", t0_ + 2 * kDay).days(15));
  event(EventType::kReplied, t0_ + 10 * kDay);
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 11 * kDay).resolved(true));
  EXPECT_EQ(c().saved_steps, 0);

  const TimeMs at = t0_ + 40 * kDay;
  const CaseUpdate u = event(EventType::kReopened, at);
  EXPECT_EQ(u.started_steps, bit(Step::kHandling));
  EXPECT_EQ(c().pending_steps, bit(Step::kHandling));
  EXPECT_EQ(c().start(Step::kHandling), at);
  EXPECT_EQ(c().extension_days, 0);
  EXPECT_EQ(c().stage, Stage::kAccepted);
  EXPECT_NE(c().flags & Case::kReopened, 0);
}

TEST_F(CaseStoreTest, ReopeningARejectedCase) {
  registerCase();
  event(EventType::kRejected, t0_ + kDay);
  const CaseUpdate u = event(EventType::kReopened, t0_ + 2 * kDay);
  EXPECT_EQ(u.started_steps, bit(Step::kHandling));
  EXPECT_TRUE(c().open());
  EXPECT_EQ(store_.openCases(), 1u);
}

TEST_F(CaseStoreTest, ReopeningAnOpenCaseDoesNothing) {
  registerCase();
  event(EventType::kAccepted, t0_ + kDay);
  const Case before = c();
  const CaseUpdate u = event(EventType::kReopened, t0_ + 2 * kDay);
  EXPECT_EQ(u.started_steps, 0);
  EXPECT_EQ(c().pending_steps, before.pending_steps);
  EXPECT_EQ(c().start(Step::kHandling), before.start(Step::kHandling));
  EXPECT_EQ(c().stage, Stage::kAccepted);
  EXPECT_EQ(c().flags & Case::kReopened, 0);
  EXPECT_EQ(store_.openCases(), 1u);
  EXPECT_EQ(open(Stage::kAccepted, "agency-a"), 1);
}

TEST_F(CaseStoreTest, VisitChangesNothing) {
  registerCase();
  const Case before = c();
  CaseUpdate u = apply(EventBuilder::of(EventType::kVisit, "C-1", t0_ + kDay));
  EXPECT_EQ(u.index, store_.find("C-1"));
  EXPECT_EQ(u.started_steps | u.satisfied_steps | u.cleared_steps, 0);
  EXPECT_EQ(c().last_event_at, before.last_event_at);
  EXPECT_EQ(c().stage, before.stage);
  // A visit without a case id, or for an unknown case, creates nothing.
  u = apply(EventBuilder::of(EventType::kVisit, "", t0_ + kDay));
  EXPECT_EQ(u.index, kNoCase);
  u = apply(EventBuilder::of(EventType::kVisit, "C-9", t0_ + kDay));
  EXPECT_EQ(u.index, kNoCase);
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(CaseStoreTest, LastEventTimeNeverMovesBackwards) {
  registerCase();
  event(EventType::kHearingHeld, t0_ + 5 * kDay);
  event(EventType::kProceduralReply, t0_ + 2 * kDay);  // arrives late
  EXPECT_EQ(c().last_event_at, t0_ + 5 * kDay);
}

TEST_F(CaseStoreTest, OpenCountsPerStageAndAgencyAddUp) {
  registerCase("C-1", "a");
  registerCase("C-2", "a");
  registerCase("C-3", "b");
  registerCase("C-4", "b");
  registerCase("C-5", "c");
  event(EventType::kAccepted, t0_ + kDay, "C-2");
  event(EventType::kAccepted, t0_ + kDay, "C-3");
  apply(EventBuilder::of(EventType::kTransferred, "C-4", t0_ + kDay).toAgency("a"));
  event(EventType::kRejected, t0_ + kDay, "C-5");

  EXPECT_EQ(store_.openCases(), 4u);
  EXPECT_EQ(open(Stage::kRegistered, "a"), 1);
  EXPECT_EQ(open(Stage::kAccepted, "a"), 1);
  EXPECT_EQ(open(Stage::kTransferred, "a"), 1);
  EXPECT_EQ(open(Stage::kAccepted, "b"), 1);
  EXPECT_EQ(open(Stage::kRegistered, "b"), 0);
  EXPECT_EQ(open(Stage::kRegistered, "c"), 0);

  std::map<std::pair<Stage, std::string>, int64_t> seen;
  int64_t total = 0;
  store_.forEachOpenCount([&](Stage s, uint32_t agency, int64_t n) {
    EXPECT_GE(n, 0);
    if (n != 0) seen[{s, std::string(store_.strings().name(agency))}] = n;
    total += n;
  });
  EXPECT_EQ(total, 4);
  EXPECT_EQ(seen.size(), 4u);

  // Every case closed: all counts drop to zero.
  for (const char* id : {"C-1", "C-2", "C-3", "C-4"}) {
    apply(EventBuilder::of(EventType::kClosed, id, t0_ + 2 * kDay).resolved(true));
  }
  EXPECT_EQ(store_.openCases(), 0u);
  store_.forEachOpenCount([&](Stage, uint32_t, int64_t n) { EXPECT_EQ(n, 0); });
}

TEST_F(CaseStoreTest, StageAndStepNames) {
  EXPECT_EQ(stageName(Stage::kRegistered), "registered");
  EXPECT_EQ(stageName(Stage::kRejected), "rejected");
  EXPECT_EQ(stepName(Step::kProceduralReply), "procedural_reply");
  EXPECT_EQ(stepName(Step::kRouting), "routing");
  EXPECT_EQ(stepName(Step::kHandling), "handling");
  EXPECT_EQ(stepName(Step::kReview), "review");
  EXPECT_EQ(stepName(Step::kRecheck), "recheck");
}

TEST_F(CaseStoreTest, ApproximateBytesGrowsWithCases) {
  const size_t empty = store_.approximateBytes();
  for (int i = 0; i < 100; ++i) registerCase("C-" + std::to_string(i));
  EXPECT_GT(store_.approximateBytes(), empty + 100 * sizeof(Case) - 1);
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

// Retention: a closed case is forgotten as a tombstone; an open one never is; the snapshot keeps
// the tombstone (its id stays unknown) and the indices of the cases after it.
TEST_F(CaseStoreTest, ForgetLeavesATombstoneOnlyForClosedCasesAndSurvivesASnapshot) {
  apply(EventBuilder::registered("GONE", t0_).persons({11, 12, 13}));
  apply(EventBuilder::registered("OPEN", t0_));
  apply(EventBuilder::of(EventType::kClosed, "GONE", t0_ + kDay));
  const CaseIndex gone = store_.find("GONE");
  const CaseIndex open = store_.find("OPEN");
  EXPECT_FALSE(store_.forget(open));
  EXPECT_TRUE(store_.forget(gone));
  EXPECT_FALSE(store_.forget(gone));  // already forgotten
  EXPECT_EQ(store_.find("GONE"), kNoCase);
  EXPECT_EQ(store_.caseId(gone), "");
  EXPECT_FALSE(store_.at(gone).flags & Case::kExists);
  EXPECT_FALSE(store_.at(gone).open());
  PersonId first = 0;
  EXPECT_TRUE(store_.persons(gone, first).empty());
  EXPECT_EQ(store_.size(), 2u);
  EXPECT_EQ(store_.known(), 1u);
  EXPECT_EQ(store_.openCases(), 1u);

  std::string body;
  ArchiveOut out(body);
  store_.save(out);
  CaseStore loaded;
  ArchiveIn in(body);
  ASSERT_TRUE(loaded.load(in));
  EXPECT_EQ(loaded.find("GONE"), kNoCase);
  EXPECT_EQ(loaded.find("OPEN"), open);
  EXPECT_EQ(loaded.known(), 1u);
  // A new case with the forgotten id is a new case, in a new slot.
  loaded.apply(EventBuilder::registered("GONE", t0_ + 2 * kDay));
  EXPECT_EQ(loaded.find("GONE"), 2u);
  EXPECT_EQ(loaded.known(), 2u);
}

}  // namespace
}  // namespace casewatch
