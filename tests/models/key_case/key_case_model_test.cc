#include "models/key_case/key_case_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/str_cat.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "daemon/components.h"
#include "daemon/pipeline.h"
#include "models/stability/stability_model.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/model_feed.h"
#include "tests/fakes/recording_model_metrics.h"
#include "tests/fakes/recording_output.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/signal_builder.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch {
namespace {

using testing::worded;

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::EventBuilder;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RecordingModelMetrics;
using testing::RecordingSignalSink;
using testing::SignalBuilder;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;
constexpr PersonId kPerson = 0x5eed000000000042ULL;

class KeyCaseModelTest : public ::testing::Test {
 protected:
  KeyCaseModelTest() { model_ = std::make_unique<KeyCaseModel>(config_); }

  void feed(const CaseEvent& ev) { testing::feedModel(*model_, store_, ctx_, ev); }
  void advance(TimeMs t) { model_->advanceTo(t, ctx_); }
  TimeMs day(double d) const { return t0_ + static_cast<TimeMs>(d * kDay); }
  EventBuilder registration(const std::string& id, double d) {
    return EventBuilder::registered(id, day(d));
  }
  CaseEvent event(EventType type, const std::string& id, double d) {
    return EventBuilder::of(type, id, day(d));
  }
  CaseIndex indexOf(const std::string& id) const { return store_.find(id); }
  bool ledgered(const std::string& id) const { return model_->ledgered(indexOf(id)); }
  std::vector<std::string> reasonsOf(const std::string& id) const {
    for (const auto& row : model_->ledger()) {
      if (row.index == indexOf(id)) return row.reasons;
    }
    return {};
  }
  // A collective case: on the ledger from its registration.
  void collective(const std::string& id, double d) {
    feed(registration(id, d).groupSize(8).build());
  }
  void close(const std::string& id, double d) {
    feed(EventBuilder::of(EventType::kClosed, id, day(d)).resolved(true).build());
  }
  // A repeat_visit person alert as that model emits it.
  Signal repeatSignal(PersonId p, const std::string& matter, Tier tier) const {
    return SignalBuilder("repeat_visit", SubjectKind::kPerson, Pseudonymizer::format(p))
        .tier(tier)
        .reason("matter", matter);
  }
  std::vector<Signal> keyCaseSignals(const std::string& id) const { return sink_.forSubject(id); }

  const TimeMs t0_ = timeOf("2026-03-04T09:00:00+08:00");
  KeyCaseConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  RecordingModelMetrics metrics_;
  RegionBoard board_;
  ModelContext ctx_{store_, sink_, &metrics_, &board_};
  std::unique_ptr<KeyCaseModel> model_;
};

TEST_F(KeyCaseModelTest, CollectiveCaseEntersWithItsGroupSize) {
  feed(registration("C-1", 0).groupSize(8).build());
  feed(registration("C-2", 0).groupSize(4).build());  // below collective_group_size (5)
  EXPECT_TRUE(ledgered("C-1"));
  EXPECT_FALSE(ledgered("C-2"));
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("group_size=8"));
  EXPECT_EQ(metrics_.key_cases["520302"], 1);
  EXPECT_EQ(board_.keyCases("520302"), 1);  // for the stability model
}

TEST_F(KeyCaseModelTest, CaseLodgedAboveItsCompetentLevelEnters) {
  feed(registration("C-1", 0).level(Level::kProvince).competentLevel(Level::kCounty).build());
  feed(registration("C-2", 0).level(Level::kCity).competentLevel(Level::kCity).build());
  feed(registration("C-3", 0).level(Level::kCity).build());  // competent level not given
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("lodged_above=province/county"));
  EXPECT_FALSE(ledgered("C-2"));
  EXPECT_FALSE(ledgered("C-3"));
}

TEST_F(KeyCaseModelTest, ReviewAndRecheckStagesEnter) {
  feed(registration("C-1", 0).build());
  feed(event(EventType::kAccepted, "C-1", 1));
  feed(EventBuilder::of(EventType::kReplied, "C-1", day(20)).outcome(Outcome::kNotUpheld));
  EXPECT_FALSE(ledgered("C-1"));
  feed(event(EventType::kReviewRequested, "C-1", 25));
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("stage=review"));
  const auto rows = model_->ledger();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].since, day(25));
  feed(EventBuilder::of(EventType::kReviewDecided, "C-1", day(40)).outcome(Outcome::kNotUpheld));
  feed(event(EventType::kRecheckRequested, "C-1", 45));
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("stage=recheck"));
}

TEST_F(KeyCaseModelTest, SeveralOpenCasesOfOnePersonEnterTogether) {
  // Distinct matters: no repeat petition, only the count of open cases (person_open_cases = 3).
  feed(registration("C-1", 0).persons({kPerson}).matter("m:a").build());
  feed(registration("C-2", 1).persons({kPerson}).matter("m:b").build());
  EXPECT_EQ(model_->size(), 0u);
  feed(registration("C-3", 2).persons({kPerson}).matter("m:c").build());
  EXPECT_EQ(model_->size(), 3u);
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("person_open_cases=3"));
  EXPECT_THAT(reasonsOf("C-3"), ElementsAre("person_open_cases=3"));
  // A closed case no longer counts: a fourth after one closed makes three again.
  close("C-1", 3);
  feed(registration("C-4", 4).persons({kPerson}).matter("m:d").build());
  EXPECT_TRUE(ledgered("C-4"));
  // The reasons name no person.
  for (const auto& row : model_->ledger()) {
    for (const std::string& r : row.reasons) EXPECT_THAT(r, Not(HasSubstr("p_")));
  }
}

TEST_F(KeyCaseModelTest, RepeatVisitTierAtOrangeEnters) {
  config_.person_open_cases = 10;
  model_ = std::make_unique<KeyCaseModel>(config_);
  feed(registration("C-1", 0).persons({kPerson}).matter("m:wages").build());
  feed(registration("C-2", 0).persons({kPerson}).matter("m:other").build());
  model_->onSignal(repeatSignal(kPerson, "m:wages", Tier::kYellow), ctx_);
  EXPECT_EQ(model_->size(), 0u);
  model_->onSignal(repeatSignal(kPerson, "m:wages", Tier::kOrange), ctx_);
  EXPECT_TRUE(ledgered("C-1"));
  EXPECT_FALSE(ledgered("C-2"));  // another matter
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("repeat_visit_tier=orange"));
  model_->onSignal(repeatSignal(kPerson, "m:wages", Tier::kRed), ctx_);
  EXPECT_THAT(reasonsOf("C-1"), ElementsAre("repeat_visit_tier=red"));
  // A case registered later on the hot matter enters at once.
  feed(registration("C-3", 1).persons({kPerson}).matter("m:wages").build());
  EXPECT_TRUE(ledgered("C-3"));
  // Once the person's alert resolves, a new case on the matter does not enter by this rule.
  Signal gone = repeatSignal(kPerson, "m:wages", Tier::kNone);
  gone.reasons.clear();
  model_->onSignal(gone, ctx_);
  feed(registration("C-4", 2).persons({kPerson}).matter("m:wages").build());
  EXPECT_FALSE(ledgered("C-4"));
  EXPECT_TRUE(ledgered("C-1"));  // hysteresis: entered cases stay while open
}

TEST_F(KeyCaseModelTest, AReloadKeepsEntryTimesOwnerClocksAndEntriesWhoseRuleNoLongerHolds) {
  config_.person_open_cases = 10;
  model_ = std::make_unique<KeyCaseModel>(config_);
  feed(registration("C-1", 0).persons({kPerson}).matter("m:wages").build());
  advance(day(5));
  model_->onSignal(repeatSignal(kPerson, "m:wages", Tier::kOrange), ctx_);  // enters on day 5
  feed(event(EventType::kAccepted, "C-1", 6));  // an owner action; no leader: unowned
  feed(EventBuilder::of(EventType::kVisit, "C-1", day(7)).persons({kPerson}).matter("m:wages"));
  advance(day(8));
  ASSERT_EQ(keyCaseSignals("C-1").back().tier, Tier::kYellow);
  // The repeat alert has resolved since: no rule holds now, but the case stays (hysteresis).
  Signal gone = repeatSignal(kPerson, "m:wages", Tier::kNone);
  gone.reasons.clear();
  model_->onSignal(gone, ctx_);
  ASSERT_TRUE(ledgered("C-1"));

  // The reload: a new instance (under the same configuration) takes over.
  KeyCaseModel reloaded(config_);
  sink_.clear();
  reloaded.inherit(*model_);
  reloaded.rebuild(day(9), ctx_);
  model_.reset();  // the previous instance is gone after the reload
  const auto rows = reloaded.ledger();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(store_.caseId(rows[0].index), "C-1");
  EXPECT_EQ(rows[0].since, day(5));  // not the reload time
  EXPECT_THAT(rows[0].reasons, ElementsAre("repeat_visit_tier=orange"));
  // Its alert is re-raised as it stood; the unowned events go on counting from two.
  ASSERT_FALSE(keyCaseSignals("C-1").empty());
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kYellow);
  reloaded.advanceTo(day(10), ctx_);
  const CaseEvent third = EventBuilder::of(EventType::kVisit, "C-1", day(10)).persons({kPerson});
  reloaded.onEvent(third, store_.apply(third), ctx_);
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kOrange);  // unowned_orange_events = 3
  // The owner's idle clock runs from the acceptance on day 6, not from the reload.
  reloaded.advanceTo(day(6 + 30) + 1, ctx_);
  const std::vector<Signal> after = keyCaseSignals("C-1");
  double idle_days = -1;
  for (const Reason& r : after.back().reasons) {
    if (r.code == "days_since_owner_action") idle_days = r.number;
  }
  EXPECT_EQ(idle_days, 30);
  EXPECT_THAT(keyCaseSignals("C-1").back().actions, Contains(Action::kNotifyLeadership));
  EXPECT_EQ(metrics_.key_cases["520302"], 1);
}

TEST_F(KeyCaseModelTest, LeavesOnlyAfterClosedAndQuietForExitDays) {
  collective("C-1", 0);
  close("C-1", 10);
  advance(day(10 + 89));
  EXPECT_TRUE(ledgered("C-1"));
  EXPECT_EQ(metrics_.key_cases["520302"], 1);
  advance(day(10 + 90) + 1);
  EXPECT_FALSE(ledgered("C-1"));
  EXPECT_EQ(metrics_.key_cases["520302"], 0);
  EXPECT_EQ(board_.keyCases("520302"), 0);
  EXPECT_LE(model_->queued(), 1u);
}

TEST_F(KeyCaseModelTest, ReopenInsideTheQuietWindowKeepsIt) {
  collective("C-1", 0);
  close("C-1", 10);
  feed(event(EventType::kReopened, "C-1", 50));
  advance(day(10 + 91));
  EXPECT_TRUE(ledgered("C-1"));  // open again
  close("C-1", 120);
  advance(day(120 + 89));
  EXPECT_TRUE(ledgered("C-1"));  // the window restarted at the second close
  advance(day(120 + 91));
  EXPECT_FALSE(ledgered("C-1"));
}

TEST_F(KeyCaseModelTest, ActivityAfterTheCloseRestartsTheQuietWindow) {
  collective("C-1", 0);
  close("C-1", 10);
  // A visit naming the closed case (the petitioner came back) is activity.
  feed(EventBuilder::of(EventType::kVisit, "C-1", day(60)).persons({kPerson}).matter("m:x"));
  advance(day(10 + 91));
  EXPECT_TRUE(ledgered("C-1"));
  advance(day(60 + 91));
  EXPECT_FALSE(ledgered("C-1"));
}

TEST_F(KeyCaseModelTest, NewActivityWithoutALeaderAlertsUntilOneIsAssigned) {
  collective("C-1", 0);
  EXPECT_TRUE(keyCaseSignals("C-1").empty());  // entering is not yet activity
  feed(event(EventType::kAccepted, "C-1", 1));
  auto s = keyCaseSignals("C-1");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.back().tier, Tier::kYellow);
  EXPECT_EQ(s.back().model, "key_case");
  EXPECT_EQ(s.back().subject_kind, SubjectKind::kCase);
  EXPECT_THAT(s.back().actions, Contains(Action::kAssignLeader));
  const Reason* r = sink_.lastReason("unowned_events");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->number, 1);
  EXPECT_THAT(worded(*r).text.get("zh-CN"), HasSubstr("包案领导"));
  ASSERT_NE(sink_.lastReason("ledger_reasons"), nullptr);
  EXPECT_EQ(sink_.lastReason("ledger_reasons")->string_value, "group_size=8");
  EXPECT_THAT(worded(s.back()).summary.get("en"), HasSubstr("no leader assigned"));
  EXPECT_FALSE(worded(s.back()).summary.get("zh-CN").empty());

  feed(event(EventType::kProceduralReply, "C-1", 2));
  feed(EventBuilder::of(EventType::kVisit, "C-1", day(3)).persons({kPerson}).matter("m:x"));
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kOrange);  // 3 events
  EXPECT_EQ(sink_.lastReason("unowned_events")->number, 3);

  feed(EventBuilder::of(EventType::kLeaderAssigned, "C-1", day(4)).leader("leader-7"));
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kNone);
  const auto rows = model_->ledger();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].last_activity, day(4));
  // With a leader, activity raises nothing.
  const size_t before = sink_.size();
  feed(event(EventType::kHearingHeld, "C-1", 5));
  EXPECT_EQ(sink_.size(), before);
}

TEST_F(KeyCaseModelTest, OwnerIdleForNDaysAlertsOrangeThenRed) {
  collective("C-1", 0);
  feed(EventBuilder::of(EventType::kLeaderAssigned, "C-1", day(1)).leader("leader-7"));
  advance(day(1 + 29));
  EXPECT_TRUE(keyCaseSignals("C-1").empty());
  advance(day(1 + 30));
  auto s = keyCaseSignals("C-1");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.back().tier, Tier::kOrange);
  EXPECT_THAT(s.back().actions, ElementsAre(Action::kNotifyLeadership, Action::kScheduleHearing));
  const Reason* r = sink_.lastReason("days_since_owner_action");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->number, 30);
  EXPECT_THAT(worded(*r).text.get("en"), HasSubstr("leader leader-7"));
  EXPECT_THAT(worded(*r).text.get("zh-CN"), HasSubstr("30天未办理"));
  advance(day(1 + 60));
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kRed);
  // The owner acts: the alert resolves, and the idle clock restarts from that action.
  feed(event(EventType::kHearingHeld, "C-1", 62));
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kNone);
  const size_t n = keyCaseSignals("C-1").size();
  advance(day(62 + 29));
  EXPECT_EQ(keyCaseSignals("C-1").size(), n);
  advance(day(62 + 30));
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kOrange);
  // Closing the case ends the alert.
  close("C-1", 95);
  EXPECT_EQ(keyCaseSignals("C-1").back().tier, Tier::kNone);
  EXPECT_LE(model_->queued(), 2u);
}

TEST_F(KeyCaseModelTest, RebuildRecomputesTheLedgerFromTheCaseState) {
  collective("C-1", 0);
  feed(registration("C-2", 0).level(Level::kCity).competentLevel(Level::kCounty).build());
  feed(registration("C-3", 0).build());
  feed(event(EventType::kAccepted, "C-1", 1));  // unowned activity: yellow
  collective("C-4", 0);
  close("C-4", 2);
  collective("C-5", 0);
  close("C-5", 3);
  advance(day(3 + 91));  // C-5 left the ledger; C-4 too
  collective("C-6", 94);
  close("C-6", 95);  // closed, inside its quiet window

  KeyCaseModel rebuilt(config_);
  sink_.clear();
  rebuilt.rebuild(day(96), ctx_);
  std::vector<std::string> want, got;
  for (const auto& row : model_->ledger()) {
    want.push_back(strCat(store_.caseId(row.index), ":", row.reasons.front()));
  }
  for (const auto& row : rebuilt.ledger()) {
    got.push_back(strCat(store_.caseId(row.index), ":", row.reasons.front()));
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_THAT(got,
              ElementsAre("C-1:group_size=8", "C-2:lodged_above=city/county", "C-6:group_size=8"));
  // C-1's open alert is re-raised (the model's idle alert is due too: no action in 95 days).
  bool c1 = false;
  for (const Signal& s : sink_.signals())
    c1 = c1 || (s.subject_id == "C-1" && s.tier != Tier::kNone);
  EXPECT_TRUE(c1);
  EXPECT_EQ(metrics_.key_cases["520302"], 3);
}

// The whole path: repeat_visit's person alert reaches the key_case model through the pipeline.
TEST(KeyCasePipelineTest, RepeatPetitionerReachesTheLedgerThroughRepeatVisitSignals) {
  Config config;
  config.clock = ClockSource::kEvent;
  KeyCaseConfig key_case;
  key_case.person_open_cases = 10;
  config.models.set(key_case);
  testing::RecordingOutput out;
  Pipeline pipeline(config, nullptr, nullptr, out);
  auto models = buildModels(config.models, config.clocks);
  ASSERT_TRUE(models.ok());
  pipeline.setModels(std::move(*models));
  ASSERT_NE(pipeline.model<KeyCaseModel>(), nullptr);
  const TimeMs t0 = timeOf("2026-03-04T10:00:00+08:00");
  auto ingest = [&](const CaseEvent& ev) {
    DecodedBatch batch;
    batch.feed = "test-feed";
    batch.events = {ev};
    pipeline.ingest(batch);
  };
  CaseEvent reg = EventBuilder::registered("R-1", t0).persons({kPerson}).matter("m:wages-9");
  reg.event_id = "e-0";
  ingest(reg);
  EXPECT_EQ(pipeline.model<KeyCaseModel>()->size(), 0u);
  // Returns on five days within a month: repeat_visit orange (orange_returns_30d = 5).
  for (int d = 1; d <= 5; ++d) {
    CaseEvent v = EventBuilder::of(EventType::kVisit, "", t0 + d * 3 * kDay)
                      .persons({kPerson})
                      .matter("m:wages-9");
    v.event_id = strCat("v-", d);
    ingest(v);
  }
  const KeyCaseModel* kc = pipeline.model<KeyCaseModel>();
  ASSERT_EQ(kc->size(), 1u);
  EXPECT_THAT(kc->ledger()[0].reasons.front(), HasSubstr("repeat_visit_tier="));
}

// A reload (new models from the component table) keeps the ledger: repeat_visit is rebuilt first
// and re-raises its alerts, which key_case reads before its own rebuild; stability reads both.
TEST(KeyCasePipelineTest, ReloadKeepsTheLedgerAndTheStabilityIndex) {
  Config config;
  config.clock = ClockSource::kEvent;
  KeyCaseConfig key_case;
  key_case.person_open_cases = 100;
  config.models.set(key_case);
  testing::RecordingOutput out;
  Pipeline pipeline(config, nullptr, nullptr, out);
  auto models = buildModels(config.models, config.clocks);
  ASSERT_TRUE(models.ok());
  pipeline.setModels(std::move(*models));
  const TimeMs t0 = timeOf("2026-03-04T10:00:00+08:00");
  // Six cases of one person on one matter, three days apart: five returns in 30 days (orange).
  for (int d = 0; d <= 5; ++d) {
    CaseEvent reg = EventBuilder::registered(strCat("R-", d), t0 + d * 3 * kDay)
                        .persons({kPerson})
                        .matter("m:land-3");
    reg.event_id = strCat("e-", d);
    DecodedBatch batch;
    batch.feed = "test-feed";
    batch.events = {reg};
    pipeline.ingest(batch);
  }
  auto rows = [&] {
    std::vector<std::string> out_rows;
    for (const auto& row : pipeline.model<KeyCaseModel>()->ledger()) {
      std::string reasons;
      for (const std::string& r : row.reasons) reasons += r + ";";
      out_rows.push_back(strCat(pipeline.cases().caseId(row.index), ":", reasons));
    }
    std::sort(out_rows.begin(), out_rows.end());
    return out_rows;
  };
  const std::vector<std::string> before = rows();
  ASSERT_EQ(before.size(), 6u);
  EXPECT_THAT(before[0], HasSubstr("repeat_visit_tier="));
  const double index_before = pipeline.model<StabilityModel>()->region("520302").index;
  EXPECT_LT(index_before, 100);

  auto reloaded = buildModels(config.models, config.clocks);
  ASSERT_TRUE(reloaded.ok());
  pipeline.setModels(std::move(*reloaded));
  EXPECT_EQ(rows(), before);
  EXPECT_NEAR(pipeline.model<StabilityModel>()->region("520302").index, index_before, 1e-9);
}

}  // namespace
}  // namespace casewatch
