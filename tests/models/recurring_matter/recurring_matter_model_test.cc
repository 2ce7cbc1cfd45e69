#include "models/recurring_matter/recurring_matter_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/model_feed.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/signal_builder.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch {
namespace {

using ::testing::Contains;
using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::reasonOf;
using testing::RecordingSignalSink;
using testing::timeOf;
using testing::worded;

constexpr TimeMs kDay = kMsPerDay;
constexpr int kOffsetMinutes = 8 * 60;
constexpr const char* kMatter = "m:site-9";

class RecurringMatterModelTest : public ::testing::Test {
 protected:
  RecurringMatterModelTest() { model_ = makeModel(); }

  std::unique_ptr<RecurringMatterModel> makeModel() const {
    return std::make_unique<RecurringMatterModel>(config_, kOffsetMinutes);
  }
  void feed(const CaseEvent& ev) { testing::feedModel(*model_, store_, ctx_, ev); }
  void advance(TimeMs t) { model_->advanceTo(t, ctx_); }
  TimeMs day(double d) const { return t0_ + static_cast<TimeMs>(d * kDay); }

  // Each contact from a new person: an anonymous hotline or online form gives a new id each time.
  CaseEvent registration(TimeMs ts, const std::string& matter = kMatter,
                         Channel channel = Channel::kPhone, const std::string& category = "land") {
    const std::string id = "C-" + std::to_string(++cases_);
    return EventBuilder::registered(id, ts)
        .persons({EventBuilder::personOf(id)})
        .matter(matter)
        .category(category)
        .channel(channel);
  }
  CaseEvent visit(TimeMs ts, const std::string& matter = kMatter) {
    return EventBuilder::of(EventType::kVisit, "", ts)
        .persons({EventBuilder::personOf("visitor-" + std::to_string(++cases_))})
        .matter(matter);
  }
  std::vector<Signal> matterSignals(const std::string& matter = kMatter) const {
    return sink_.forSubject(matter);
  }

  const TimeMs t0_ = timeOf("2026-03-02T10:00:00+08:00");
  RecurringMatterConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  ModelContext ctx_{store_, sink_, nullptr};
  std::unique_ptr<RecurringMatterModel> model_;
  int cases_ = 0;
};

TEST_F(RecurringMatterModelTest, AnonymousContactsOverWeeksRaiseAMatterAlertWithTheNumbers) {
  feed(registration(day(0), kMatter, Channel::kLetter));
  feed(registration(day(0.1)));  // the same day: still no return
  for (int d = 3; d <= 9; d += 3) feed(d == 6 ? visit(day(d)) : registration(day(d)));
  EXPECT_TRUE(sink_.empty()) << "three return days are below min_returns_30d";
  feed(registration(day(12), kMatter, Channel::kOnline));

  auto sigs = matterSignals();
  ASSERT_EQ(sigs.size(), 1u);
  const Signal& s = sigs[0];
  EXPECT_EQ(s.model, "recurring_matter");
  EXPECT_EQ(s.subject_kind, SubjectKind::kMatter);
  EXPECT_EQ(s.subject_id, kMatter);
  EXPECT_EQ(s.region, "520302");
  EXPECT_EQ(s.category, "land");
  EXPECT_EQ(s.agency, "agency-a");
  // 4 return days in 12 days against 0.5 per 90 days: NB(1, 0.5·12/90) gives
  // P(X ≥ 4) = (m/(1+m))^4 = 1.53e-5, doubled for the two tests: yellow (≤ 1e-3, > 1e-5).
  EXPECT_EQ(s.tier, Tier::kYellow);
  const double m = 0.5 * 12 / 90;
  EXPECT_NEAR(reasonOf(s, "p_value")->number, 2 * std::pow(m / (1 + m), 4), 1e-9);
  EXPECT_NEAR(s.score, 1 - reasonOf(s, "p_value")->number, 1e-12);
  EXPECT_EQ(reasonOf(s, "returns_30d")->number, 4);
  EXPECT_EQ(reasonOf(s, "returns_90d")->number, 4);
  EXPECT_EQ(reasonOf(s, "channels_90d")->number, 4);           // letter, phone, visit, online
  EXPECT_DOUBLE_EQ(reasonOf(s, "baseline_90d")->number, 0.5);  // the prior: nothing completed
  EXPECT_NEAR(reasonOf(s, "ratio_90d")->number, 4 / m, 1e-9);
  EXPECT_THAT(s.actions, Contains(Action::kAssignLeader));
  EXPECT_THAT(s.actions, Contains(Action::kScheduleHearing));
  EXPECT_THAT(s.actions, Contains(Action::kFixAtSource));
  EXPECT_THAT(s.actions, Contains(Action::kJointVisit));  // the README's contract extension
  EXPECT_EQ(reasonOf(s, "joint_visit")->string_value, "agency-a");
  const auto w = worded(s);
  EXPECT_THAT(w.summary.get("en"), HasSubstr("Matter m:site-9 keeps coming back"));
  EXPECT_THAT(w.summary.get("zh-CN"), HasSubstr("反复被信访"));
  EXPECT_THAT(w.reason("channels_90d")->text.get("en"), HasSubstr("visit, letter, online, phone"));
  EXPECT_THAT(w.reason("baseline_90d")->text.get("en"), HasSubstr("land matter in region 520302"));
  EXPECT_THAT(w.reason("joint_visit")->text.get("en"),
              HasSubstr("a joint visit by the agencies involved (agency-a)"));
  EXPECT_THAT(w.reason("joint_visit")->text.get("zh-CN"), HasSubstr("联合下访"));
  const AlertWording& wording = AlertWording::builtin();
  EXPECT_EQ(wording.actionText(Action::kJointVisit, "en"),
            "Visit jointly with the agencies involved");
  EXPECT_EQ(wording.actionText(Action::kJointVisit, "zh-CN"), "相关部门联合下访");

  // The tier rises with each further return day: orange at 5, red at 8 (p ≤ 1e-7).
  for (int d = 15; d <= 24; d += 3) feed(registration(day(d)));
  sigs = matterSignals();
  EXPECT_EQ(sigs[1].tier, Tier::kOrange);
  EXPECT_EQ(sigs.back().tier, Tier::kRed);
  EXPECT_THAT(sigs.back().actions, Contains(Action::kNotifyLeadership));
  EXPECT_EQ(model_->openAlerts(), 1u);
}

TEST_F(RecurringMatterModelTest, OrdinaryMattersStayQuiet) {
  // Three returns in a month, four spread over three months: no alert.
  feed(registration(day(0), "m:a"));
  for (int d : {2, 9, 20}) feed(registration(day(d), "m:a"));
  feed(registration(day(0), "m:b"));
  for (int d : {20, 45, 70, 88}) feed(visit(day(d), "m:b"));
  advance(day(120));
  EXPECT_TRUE(sink_.empty());
  const auto j = model_->judgementForTest("m:b");
  ASSERT_TRUE(j);
  EXPECT_EQ(model_->judgementForTest("m:unknown"), std::nullopt);
}

TEST_F(RecurringMatterModelTest, ResolvesAfterQuietDaysOnceTheCountsNoLongerStandOut) {
  feed(registration(day(0)));
  for (int d = 2; d <= 10; d += 2) feed(registration(day(d)));
  ASSERT_FALSE(sink_.empty());
  ASSERT_EQ(model_->openAlerts(), 1u);
  advance(day(40));  // 30 days after the last return: not yet past the quiet days
  EXPECT_NE(sink_.last().tier, Tier::kNone);
  advance(day(42));
  const Signal& r = sink_.last();
  EXPECT_EQ(r.tier, Tier::kNone);
  EXPECT_EQ(r.subject_id, kMatter);
  EXPECT_GE(reasonOf(r, "days_since_return")->number, 31);
  EXPECT_THAT(worded(r).summary.get("en"), HasSubstr("has subsided"));
  EXPECT_EQ(model_->openAlerts(), 0u);
  EXPECT_EQ(model_->queued(), 0u);
}

TEST_F(RecurringMatterModelTest, TheBaselineLearnsFromCompletedMattersOfTheRegionsCategory) {
  // Forty busy land matters, three return days each in their first 90 days.
  for (int i = 0; i < 40; ++i) {
    const std::string m = "m:busy-" + std::to_string(i);
    feed(registration(day(0), m));
    for (int d : {20, 50, 80}) feed(visit(day(d), m));
  }
  advance(day(95));
  EXPECT_EQ(model_->waiting(), 0u);
  // The same four return days in twelve days: in the busy category the mean is
  // (40·3 + 50·0.5) / (40·f + 50), f the decay of the completions, and they no longer stand out.
  feed(registration(day(100), "m:new"));
  for (int d = 103; d <= 112; d += 3) feed(registration(day(d), "m:new"));
  const auto j = model_->judgementForTest("m:new");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->returns_30d, 4);
  EXPECT_GT(j->mean_90d, 1.5);
  EXPECT_LT(j->mean_90d, 1.7);
  EXPECT_GT(j->p, config_.yellow_p);
  EXPECT_TRUE(matterSignals("m:new").empty());
  // In another category of the region, nothing completed: the prior, and the same counts alert.
  feed(registration(day(100), "m:other", Channel::kPhone, "wage_arrears"));
  for (int d = 103; d <= 112; d += 3) {
    feed(registration(day(d), "m:other", Channel::kPhone, "wage_arrears"));
  }
  ASSERT_FALSE(matterSignals("m:other").empty());
  EXPECT_EQ(matterSignals("m:other").back().tier, Tier::kYellow);
}

TEST_F(RecurringMatterModelTest, ItsStateShowsTheGatesAndHowMuchOfTheBaselineIsLearnt) {
  auto state = nlohmann::json::parse(model_->stateJson());
  EXPECT_EQ(state["baseline"]["series_learnt"], 0);
  EXPECT_EQ(state["gates"]["yellow_p"], config_.yellow_p);
  EXPECT_EQ(state["gates"]["min_returns_30d"], config_.min_returns_30d);
  // Sixty land matters complete their first 90 days: more than the prior's 50, so learnt.
  for (int i = 0; i < 60; ++i) {
    const std::string m = "m:done-" + std::to_string(i);
    feed(registration(day(0), m));
    feed(visit(day(30), m));
  }
  state = nlohmann::json::parse(model_->stateJson());
  EXPECT_EQ(state["waiting_for_baseline"], 60);
  advance(day(95));
  state = nlohmann::json::parse(model_->stateJson());
  EXPECT_EQ(state["waiting_for_baseline"], 0);
  EXPECT_EQ(state["baseline"]["series"], 1);
  EXPECT_EQ(state["baseline"]["series_learnt"], 1);
  EXPECT_GT(state["baseline"]["completed_matters_weight"].get<double>(), 50.0);
}

TEST_F(RecurringMatterModelTest, TheMattersOwnPastRaisesItsBaselineFor30Days) {
  // A matter that has drawn a steady stream for three months: the 30-day test judges the last
  // month against its own earlier rate (14 return days in 58 days, shrunk toward the category:
  // Gamma(1 + 14, 180 + 58), 180 = k/λ), the 90-day test against the category alone.
  feed(registration(day(0)));
  for (int d = 4; d <= 88; d += 4) feed(registration(day(d)));
  const auto j = model_->judgementForTest(kMatter);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->returns_30d, 8);
  EXPECT_EQ(j->returns_90d, 22);
  EXPECT_NEAR(j->expected_30d, 15.0 / 238 * 30, 1e-9);
  EXPECT_NEAR(j->expected_90d, 0.5 / 90 * 88, 1e-9);
  EXPECT_GT(j->p30, 1e6 * j->p90);
  EXPECT_EQ(j->tier, Tier::kRed);
}

TEST_F(RecurringMatterModelTest, ASnapshotContinuesExactly) {
  feed(registration(day(0)));
  for (int d = 2; d <= 8; d += 2) feed(registration(day(d)));
  feed(registration(day(1), "m:quiet"));
  feed(visit(day(5), "m:quiet"));
  ASSERT_EQ(model_->openAlerts(), 1u);

  std::string saved;
  ArchiveOut out(saved);
  ASSERT_TRUE(model_->saveState(out));
  auto loaded = makeModel();
  ArchiveIn in(saved);
  ASSERT_TRUE(loaded->loadState(in));
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(loaded->matters(), model_->matters());
  EXPECT_EQ(loaded->openAlerts(), 1u);

  // The same events after the snapshot give the same signals.
  RecordingSignalSink other;
  ModelContext other_ctx{store_, other, nullptr};
  const size_t before = sink_.size();
  for (int d : {10, 12, 95, 130}) {
    const CaseEvent ev = registration(day(d));
    model_->advanceTo(ev.ts, ctx_);
    loaded->advanceTo(ev.ts, other_ctx);
    const CaseUpdate u = store_.apply(ev);
    model_->onEvent(ev, u, ctx_);
    loaded->onEvent(ev, u, other_ctx);
  }
  ASSERT_EQ(other.size(), sink_.size() - before);
  for (size_t i = 0; i < other.size(); ++i) {
    EXPECT_EQ(other.signals()[i].tier, sink_.signals()[before + i].tier) << i;
    EXPECT_EQ(other.signals()[i].score, sink_.signals()[before + i].score) << i;
  }
}

TEST_F(RecurringMatterModelTest, RebuildFromTheCaseStateRaisesTheSameAlert) {
  feed(registration(day(0)));
  for (int d = 2; d <= 10; d += 2) feed(registration(day(d)));
  const Tier tier = sink_.last().tier;
  ASSERT_NE(tier, Tier::kNone);
  auto rebuilt = makeModel();
  rebuilt->inherit(*model_);
  RecordingSignalSink other;
  ModelContext other_ctx{store_, other, nullptr};
  rebuilt->rebuild(day(11), other_ctx);
  ASSERT_EQ(other.forSubject(kMatter).size(), 1u);
  EXPECT_EQ(other.forSubject(kMatter)[0].tier, tier);
  EXPECT_EQ(rebuilt->openAlerts(), 1u);
}

TEST_F(RecurringMatterModelTest, ForgetDropsPurgedCasesMattersOnceNothingIsLeftInTheWindows) {
  feed(registration(day(0), "m:old"));
  feed(registration(day(3), "m:old"));
  feed(registration(day(0), "m:lone"));
  feed(registration(day(95), "m:live"));
  feed(registration(day(97), "m:live"));
  ASSERT_EQ(model_->matters(), 3u);
  ForgottenCases f;
  for (const char* id : {"C-1", "C-2", "C-3", "C-4"}) f.cases.insert(store_.find(id));
  model_->forget(f, ctx_);
  EXPECT_EQ(model_->matters(), 1u);  // m:live still has returns in its windows
  EXPECT_TRUE(model_->judgementForTest("m:live"));
  EXPECT_FALSE(model_->judgementForTest("m:old"));
}

}  // namespace
}  // namespace casewatch
