// The escalation_risk model and its features: each feature from the case state and the matter's
// contacts, the probability and tier from a model file, the top contributions named with numbers
// in both locales, actions, resolution on close, the model file's errors, and "off" when no file.
#include "models/escalation_risk/escalation_risk_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "models/stats/logistic_regression.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/worded_signal.h"
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using testing::worded;

using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::RecordingSignalSink;

constexpr TimeMs kDay = kMsPerDay;

size_t feature(std::string_view name) {
  const int i = escalationFeatureIndex(name);
  EXPECT_GE(i, 0) << name;
  return static_cast<size_t>(i);
}

class EscalationFeaturesTest : public ::testing::Test {
 protected:
  CaseUpdate apply(const CaseEvent& ev) {
    CaseUpdate u;
    if (ev.type != EventType::kVisit) u = cases_.apply(ev);
    builder_.observe(ev, u, cases_);
    return u;
  }
  EscalationFeatures at(std::string_view id, TimeMs t) {
    EscalationFeatures f;
    builder_.compute(cases_, cases_.find(id), t, f);
    return f;
  }

  const TimeMs t0_ = testing::timeOf("2026-03-02T09:00:00+08:00");
  CaseStore cases_;
  ClocksConfig clocks_;
  EscalationFeatureBuilder builder_{clocks_, 30};
};

TEST_F(EscalationFeaturesTest, NamesAreStableAndUnique) {
  const auto& names = escalationFeatureNames();
  EXPECT_EQ(names[0], "visit_intensity");
  EXPECT_EQ(names[1], "days_overdue");
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(escalationFeatureIndex(names[i]), static_cast<int>(i));
    // Every feature has its words in the templates (alerts/wording/messages.yaml).
    const LocalText words =
        AlertWording::builtin().say(Phrase(std::string("escalation_risk.feature.") += names[i]));
    EXPECT_FALSE(words.get("en").empty() || words.get("en")[0] == '[') << names[i];
    EXPECT_FALSE(words.get("zh-CN").empty() || words.get("zh-CN")[0] == '[') << names[i];
  }
  EXPECT_EQ(escalationFeatureIndex("nope"), -1);
}

TEST_F(EscalationFeaturesTest, EachFeatureComesFromTheCaseStateAndTheMattersContacts) {
  apply(EventBuilder::registered("C-1", t0_)
            .matter("m:wage")
            .category("wage_arrears")
            .channel(Channel::kVisit)
            .level(Level::kCity)
            .competentLevel(Level::kCounty)
            .groupSize(8));
  EscalationFeatures f = at("C-1", t0_);
  EXPECT_DOUBLE_EQ(f[feature("visit_intensity")], 1);
  EXPECT_DOUBLE_EQ(f[feature("log_group_size")], std::log(8.0));
  EXPECT_DOUBLE_EQ(f[feature("level_gap")], 1);
  EXPECT_DOUBLE_EQ(f[feature("channel_visit")], 1);
  EXPECT_DOUBLE_EQ(f[feature("channel_online")], 0);
  EXPECT_DOUBLE_EQ(f[feature("category_wage_arrears")], 1);
  EXPECT_DOUBLE_EQ(f[feature("category_land")], 0);
  EXPECT_DOUBLE_EQ(f[feature("days_overdue")], 0);
  EXPECT_DOUBLE_EQ(f[feature("not_upheld")], 0);

  // A visit on the matter 30 days later: the first contact has decayed to a half.
  apply(EventBuilder::of(EventType::kVisit, "", t0_ + 30 * kDay).matter("m:wage"));
  f = at("C-1", t0_ + 30 * kDay);
  EXPECT_NEAR(f[feature("visit_intensity")], 1.5, 1e-12);
  f = at("C-1", t0_ + 60 * kDay);
  EXPECT_NEAR(f[feature("visit_intensity")], 0.75, 1e-12);

  // Registered on day 0: the procedural reply (7 days) and routing (15 days) clocks run.
  f = at("C-1", t0_ + 10 * kDay);
  EXPECT_NEAR(f[feature("days_overdue")], 3, 1e-9);
  apply(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kDay));
  apply(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kDay));
  f = at("C-1", t0_ + 72 * kDay);  // handling: 60 days from acceptance
  EXPECT_NEAR(f[feature("days_overdue")], 10, 1e-9);

  apply(EventBuilder::of(EventType::kLeaderAssigned, "C-1", t0_ + 3 * kDay).leader("L-1"));
  apply(EventBuilder::of(EventType::kHearingHeld, "C-1", t0_ + 4 * kDay));
  apply(EventBuilder::of(EventType::kAidGranted, "C-1", t0_ + 5 * kDay));
  apply(EventBuilder::of(EventType::kReplied, "C-1", t0_ + 20 * kDay).outcome(Outcome::kNotUpheld));
  f = at("C-1", t0_ + 21 * kDay);
  EXPECT_DOUBLE_EQ(f[feature("leader_assigned")], 1);
  EXPECT_DOUBLE_EQ(f[feature("hearing_held")], 1);
  EXPECT_DOUBLE_EQ(f[feature("aid_granted")], 1);
  EXPECT_DOUBLE_EQ(f[feature("not_upheld")], 1);
  EXPECT_DOUBLE_EQ(f[feature("review_requested")], 0);
  EXPECT_DOUBLE_EQ(f[feature("days_overdue")], 0);
  apply(EventBuilder::of(EventType::kReviewRequested, "C-1", t0_ + 25 * kDay));
  apply(EventBuilder::of(EventType::kReviewDecided, "C-1", t0_ + 40 * kDay));
  f = at("C-1", t0_ + 41 * kDay);
  EXPECT_DOUBLE_EQ(f[feature("review_requested")], 1);  // ever requested
  EXPECT_DOUBLE_EQ(f[feature("not_upheld")], 0);        // the review upheld it
}

// The handling history remembers what the case state forgets: a reply that came 10 days late
// leaves days_late_handling 10 and one deadline missed after it arrives (days_overdue is 0 again);
// a running overrun counts as it grows; contacts are counted per window and level; the decision's
// age grows with time.
TEST_F(EscalationFeaturesTest, TheHandlingHistoryOutlivesTheStep) {
  apply(EventBuilder::registered("C-1", t0_).matter("m:h").level(Level::kCounty));
  apply(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kDay));
  apply(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kDay));
  EscalationFeatures f = at("C-1", t0_ + 65 * kDay);  // handling running, 4 days past day 61
  EXPECT_NEAR(f[feature("days_late_handling")], 4, 1e-9);
  EXPECT_EQ(f[feature("deadlines_missed")], 1);
  EXPECT_NEAR(f[feature("days_since_registration")], 65, 1e-9);
  apply(
      EventBuilder::of(EventType::kVisit, "", t0_ + 66 * kDay).matter("m:h").level(Level::kCounty));
  apply(EventBuilder::of(EventType::kVisit, "", t0_ + 68 * kDay).matter("m:h").level(Level::kCity));
  apply(EventBuilder::of(EventType::kReplied, "C-1", t0_ + 71 * kDay)
            .outcome(Outcome::kPartlyUpheld));
  f = at("C-1", t0_ + 80 * kDay);
  EXPECT_EQ(f[feature("days_overdue")], 0);
  EXPECT_NEAR(f[feature("days_late_handling")], 10, 1e-6);
  EXPECT_EQ(f[feature("deadlines_missed")], 1);
  EXPECT_EQ(f[feature("days_late_procedural_reply")], 0);
  EXPECT_EQ(f[feature("partly_upheld")], 1);
  EXPECT_NEAR(f[feature("decision_age_days")], 9, 1e-9);
  EXPECT_EQ(f[feature("decided_within_30d")], 1);
  // The registration fell out of the 30-day window, not the 90-day one.
  EXPECT_EQ(f[feature("contacts_30d")], 1);
  EXPECT_EQ(f[feature("contacts_90d")], 2);
  EXPECT_EQ(f[feature("contacts_above_30d")], 1);
  EXPECT_EQ(f[feature("contacts_above_90d")], 1);
  f = at("C-1", t0_ + 200 * kDay);
  EXPECT_EQ(f[feature("decided_within_30d")], 0);
  EXPECT_EQ(f[feature("contacts_90d")], 0);
  // A snapshot of the builder gives the same features back.
  std::string bytes;
  ArchiveOut out(bytes);
  builder_.save(out);
  EscalationFeatureBuilder loaded(clocks_, 30);
  ArchiveIn in(bytes);
  ASSERT_TRUE(loaded.load(in));
  EscalationFeatures g;
  loaded.compute(cases_, cases_.find("C-1"), t0_ + 80 * kDay, g);
  EXPECT_EQ(g, at("C-1", t0_ + 80 * kDay));
  // Closing drops it.
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 90 * kDay).resolved(true));
  apply(EventBuilder::of(EventType::kReopened, "C-1", t0_ + 95 * kDay));
  EXPECT_EQ(at("C-1", t0_ + 96 * kDay)[feature("days_late_handling")], 0);
}

TEST_F(EscalationFeaturesTest, MatterKeepsItsOpenCasesOnly) {
  apply(EventBuilder::registered("C-1", t0_).matter("m:x"));
  apply(EventBuilder::registered("C-2", t0_ + kDay).matter("m:x"));
  EXPECT_EQ(builder_.casesOfMatter("m:x").size(), 2u);
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 2 * kDay).resolved(true));
  ASSERT_EQ(builder_.casesOfMatter("m:x").size(), 1u);
  EXPECT_EQ(builder_.casesOfMatter("m:x")[0], cases_.find("C-2"));
  builder_.rebuild(cases_);
  EXPECT_EQ(builder_.casesOfMatter("m:x").size(), 1u);
  EXPECT_NEAR(at("C-2", t0_ + kDay)[feature("visit_intensity")], 1 + std::pow(0.5, 1.0 / 30),
              1e-12);
}

// A model whose probability is driven by not_upheld and days_overdue.
EscalationModelFile testModel() {
  EscalationModelFile m;
  m.intercept = -3;
  m.horizon_days = 30;
  m.coefficients[feature("not_upheld")] = 2.5;
  m.coefficients[feature("days_overdue")] = 0.1;
  m.coefficients[feature("leader_assigned")] = -0.8;
  return m;
}

class EscalationRiskModelTest : public ::testing::Test {
 protected:
  // Case C-2, accepted on day 1 and never answered, under testModel(): η = −3 + 0.1 · (t − 61
  // days), blue (0.2) from 16.1 days overdue (day 77.1), red (0.7) from 38.5 (day 99.5); rescored
  // at each whole day from the registration, so blue at day 78 and red at day 100.
  void expectBlueOnDay78AndRedOnDay100(EscalationRiskModel& model) {
    model.advanceTo(t0_ + 77 * kDay, ctx_);
    EXPECT_TRUE(sink_.empty());
    model.advanceTo(t0_ + 200 * kDay, ctx_);
    ASSERT_FALSE(sink_.empty());
    EXPECT_EQ(sink_.signals().front().tier, Tier::kBlue);
    EXPECT_EQ(sink_.signals().front().at, t0_ + 78 * kDay);
    const auto red = std::find_if(sink_.signals().begin(), sink_.signals().end(),
                                  [](const Signal& x) { return x.tier == Tier::kRed; });
    ASSERT_NE(red, sink_.signals().end());
    EXPECT_EQ(red->at, t0_ + 100 * kDay);
    EXPECT_NEAR(red->score, logistic(-3 + 0.1 * 39), 1e-9);
  }
  void apply(const CaseEvent& ev) {
    CaseUpdate u;
    if (ev.type != EventType::kVisit) u = cases_.apply(ev);
    model_.onEvent(ev, u, ctx_);
  }
  const TimeMs t0_ = testing::timeOf("2026-03-02T09:00:00+08:00");
  CaseStore cases_;
  RecordingSignalSink sink_;
  ModelContext ctx_{cases_, sink_, nullptr};
  EscalationRiskConfig config_;
  ClocksConfig clocks_;
  EscalationRiskModel model_{config_, clocks_, testModel()};
};

TEST_F(EscalationRiskModelTest, ScoresTiersAndNamesTheTopContributions) {
  apply(EventBuilder::registered("C-1", t0_).category("wage_arrears"));
  EXPECT_TRUE(sink_.empty());  // p = logistic(-3) = 0.047
  apply(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kDay));
  EXPECT_TRUE(sink_.empty());
  // Not upheld: p = logistic(-0.5) = 0.378: yellow (0.35).
  apply(EventBuilder::of(EventType::kReplied, "C-1", t0_ + 20 * kDay).outcome(Outcome::kNotUpheld));
  ASSERT_EQ(sink_.size(), 1u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.model, "escalation_risk");
  EXPECT_EQ(s.subject_kind, SubjectKind::kCase);
  EXPECT_EQ(s.subject_id, "C-1");
  EXPECT_EQ(s.tier, Tier::kYellow);
  EXPECT_NEAR(s.score, logistic(-0.5), 1e-12);
  EXPECT_EQ(s.category, "wage_arrears");
  ASSERT_NE(sink_.lastReason("p_escalation"), nullptr);
  const Reason* top = sink_.lastReason("not_upheld");
  ASSERT_NE(top, nullptr);
  EXPECT_DOUBLE_EQ(top->number, 1);
  EXPECT_THAT(worded(*top).text.get("en"), HasSubstr("coefficient 2.500"));
  EXPECT_THAT(worded(*top).text.get("en"), HasSubstr("+2.50 to the log-odds"));
  EXPECT_THAT(worded(*top).text.get("zh-CN"), HasSubstr("最近一次答复不予支持"));
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("within 30 days"));
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("not_upheld +2.50"));
  EXPECT_THAT(worded(s).summary.get("zh-CN"), HasSubstr("越级信访"));
  EXPECT_THAT(s.actions,
              ::testing::ElementsAre(Action::kReviewCase, Action::kAssignLeader,
                                     Action::kScheduleHearing, Action::kCheckAidEligibility));
  // A leader lowers it below yellow but above blue (0.2): tier blue, then the close resolves.
  apply(EventBuilder::of(EventType::kLeaderAssigned, "C-1", t0_ + 21 * kDay).leader("L"));
  ASSERT_EQ(sink_.size(), 2u);
  EXPECT_EQ(sink_.last().tier, Tier::kBlue);
  EXPECT_NEAR(sink_.last().score, logistic(-1.3), 1e-12);
  EXPECT_EQ(model_.openAlerts(), 1u);
  apply(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 22 * kDay).resolved(false));
  ASSERT_EQ(sink_.size(), 3u);
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  EXPECT_EQ(model_.openAlerts(), 0u);
}

TEST_F(EscalationRiskModelTest, OverdueCaseIsRedAndAsksForAReply) {
  apply(EventBuilder::registered("C-2", t0_));
  apply(EventBuilder::of(EventType::kProceduralReply, "C-2", t0_ + kDay));
  apply(EventBuilder::of(EventType::kAccepted, "C-2", t0_ + kDay));
  // 60 days handling from day 1: on day 101 it is 40 days overdue: η = -3 + 4 = 1, p = 0.73.
  apply(EventBuilder::of(EventType::kHearingHeld, "C-2", t0_ + 101 * kDay));
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kRed);
  EXPECT_NEAR(sink_.last().reasons[1].number, 40, 1e-6);
  EXPECT_EQ(sink_.last().reasons[1].code, "days_overdue");
  EXPECT_THAT(sink_.last().actions, ::testing::Contains(Action::kReplyNow));
  EXPECT_THAT(sink_.last().actions, ::testing::Contains(Action::kNotifyLeadership));
}

// With no event at all, the clock moves the score: a handling step running past its deadline
// turns the case red on the daily rescoring, at that day's features; cost is what falls due.
TEST_F(EscalationRiskModelTest, TheDailyRescoringMovesTheScoreWithoutAnEvent) {
  apply(EventBuilder::registered("C-2", t0_));
  apply(EventBuilder::of(EventType::kProceduralReply, "C-2", t0_ + kDay));
  apply(EventBuilder::of(EventType::kAccepted, "C-2", t0_ + kDay));
  expectBlueOnDay78AndRedOnDay100(model_);
}

// Learning, the model keeps no rescoring queue until a fit is accepted (it would only pop and
// push back); the first use after one queues the open cases, which the daily rescoring then moves
// as it moves a pinned model's.
TEST_F(EscalationRiskModelTest, AFitAcceptedWhileLearningStartsTheDailyRescoring) {
  EscalationRiskConfig learning_config;
  learning_config.learn.enabled = true;
  EscalationRiskModel learner(learning_config, clocks_, std::nullopt);
  learner.startLearning();
  ASSERT_TRUE(learner.learning());
  auto apply_to_learner = [&](const CaseEvent& ev) { learner.onEvent(ev, cases_.apply(ev), ctx_); };
  apply_to_learner(EventBuilder::registered("C-2", t0_));
  apply_to_learner(EventBuilder::of(EventType::kProceduralReply, "C-2", t0_ + kDay));
  apply_to_learner(EventBuilder::of(EventType::kAccepted, "C-2", t0_ + kDay));
  apply_to_learner(EventBuilder::registered("C-3", t0_ + 2 * kDay));
  apply_to_learner(EventBuilder::of(EventType::kClosed, "C-3", t0_ + 3 * kDay));
  learner.advanceTo(t0_ + 60 * kDay, ctx_);
  EXPECT_TRUE(sink_.empty());  // no fit: no signal
  EscalationFitRecord fit;
  fit.accepted = true;
  fit.model = testModel();
  learner.useFit(fit);
  // As a pinned model's; the closed case is not scored.
  expectBlueOnDay78AndRedOnDay100(learner);
  for (const Signal& x : sink_.signals()) EXPECT_EQ(x.subject_id, "C-2");
}

// Through restarts before the first fit: a learner's snapshot holds no rescoring queue (it stands
// still and misses the cases opened meanwhile), so the learner loaded from it queues every open
// case when the fit comes, a case opened after a snapshot that did hold a queue (one saved while a
// model scored) included.
TEST_F(EscalationRiskModelTest,
       ALearnerRestartedBeforeItsFirstFitRescoresEveryOpenCaseOnceItComes) {
  apply(EventBuilder::registered("C-2", t0_));
  apply(EventBuilder::of(EventType::kProceduralReply, "C-2", t0_ + kDay));
  apply(EventBuilder::of(EventType::kAccepted, "C-2", t0_ + kDay));
  std::string with_queue;
  ArchiveOut out1(with_queue);
  ASSERT_TRUE(model_.saveState(out1));  // C-2 queued

  EscalationRiskConfig learning_config;
  learning_config.learn.enabled = true;
  auto learner = [&] {
    auto m = std::make_unique<EscalationRiskModel>(learning_config, clocks_, std::nullopt);
    m->startLearning();
    return m;
  };
  auto first = learner();
  ArchiveIn in1(with_queue);
  ASSERT_TRUE(first->loadState(in1));
  for (const CaseEvent& ev :
       {EventBuilder::registered("C-5", t0_ + 2 * kDay).build(),
        EventBuilder::of(EventType::kProceduralReply, "C-5", t0_ + 3 * kDay).build(),
        EventBuilder::of(EventType::kAccepted, "C-5", t0_ + 3 * kDay).build()}) {
    first->onEvent(ev, cases_.apply(ev), ctx_);
  }
  first->advanceTo(t0_ + 60 * kDay, ctx_);
  std::string without_queue;
  ArchiveOut out2(without_queue);
  ASSERT_TRUE(first->saveState(out2));

  auto second = learner();
  ArchiveIn in2(without_queue);
  ASSERT_TRUE(second->loadState(in2));
  EscalationFitRecord fit;
  fit.accepted = true;
  fit.model = testModel();
  second->useFit(fit);
  second->advanceTo(t0_ + 200 * kDay, ctx_);
  for (const char* id : {"C-2", "C-5"}) {
    EXPECT_TRUE(std::any_of(sink_.signals().begin(), sink_.signals().end(), [&](const Signal& x) {
      return x.subject_id == id && x.tier == Tier::kRed;
    })) << id;
  }
}

TEST_F(EscalationRiskModelTest, RebuildAfterAReloadRaisesTheSameAlertsFromTheCaseState) {
  apply(EventBuilder::registered("C-3", t0_).matter("m:3"));
  apply(EventBuilder::registered("C-4", t0_ + kDay).matter("m:3"));
  apply(EventBuilder::of(EventType::kReplied, "C-3", t0_ + 5 * kDay).outcome(Outcome::kNotUpheld));
  ASSERT_EQ(sink_.size(), 1u);
  const Signal before = sink_.last();
  // A reload builds a new model and rebuilds it from the case state.
  RecordingSignalSink rebuilt;
  ModelContext ctx{cases_, rebuilt, nullptr};
  EscalationRiskModel fresh(config_, clocks_, testModel());
  fresh.rebuild(t0_ + 5 * kDay, ctx);
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_EQ(rebuilt.last().subject_id, "C-3");
  EXPECT_EQ(rebuilt.last().tier, before.tier);
  EXPECT_NEAR(rebuilt.last().score, before.score, 1e-12);
  EXPECT_EQ(fresh.openAlerts(), 1u);
  // The matter's contacts came back from the registrations: a visit on it rescores both cases.
  const CaseEvent visit = EventBuilder::of(EventType::kVisit, "", t0_ + 6 * kDay).matter("m:3");
  fresh.onEvent(visit, CaseUpdate{}, ctx);
  EXPECT_EQ(fresh.openAlerts(), 1u);
}

TEST(EscalationRiskModelOffTest, NoModelFileMeansNoSignalsAndNoState) {
  CaseStore cases;
  RecordingSignalSink sink;
  ModelContext ctx{cases, sink, nullptr};
  EscalationRiskModel model(EscalationRiskConfig{}, ClocksConfig{}, std::nullopt);
  EXPECT_FALSE(model.enabled());
  const CaseEvent ev = EventBuilder::registered("C-1", testing::timeOf("2026-03-02T09:00:00Z"));
  model.onEvent(ev, cases.apply(ev), ctx);
  model.rebuild(0, ctx);
  EXPECT_TRUE(sink.empty());
}

TEST(EscalationModelFileTest, ParsesCoefficientsAndRejectsBadFiles) {
  auto m = parseEscalationModelFile(
      R"({"horizon_days": 30, "coefficients": {"intercept": -2, "not_upheld": 1.5},
          "std_errors": {"intercept": 0.1}, "auc": 0.8})");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->horizon_days, 30);
  EXPECT_DOUBLE_EQ(m->intercept, -2);
  EXPECT_DOUBLE_EQ(m->coefficients[feature("not_upheld")], 1.5);
  EXPECT_DOUBLE_EQ(m->coefficients[feature("days_overdue")], 0);

  auto unknown = parseEscalationModelFile(
      R"({"horizon_days": 30, "coefficients": {"intercept": 1, "shoe_size": 2}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("coefficients.shoe_size"));
  auto no_intercept =
      parseEscalationModelFile(R"({"horizon_days": 30, "coefficients": {"not_upheld": 2}})");
  EXPECT_THAT(no_intercept.status().message(), HasSubstr("coefficients.intercept"));
  auto no_horizon = parseEscalationModelFile(R"({"coefficients": {"intercept": 1}})");
  EXPECT_THAT(no_horizon.status().message(), HasSubstr("horizon_days"));
  auto not_number =
      parseEscalationModelFile(R"({"horizon_days": 3, "coefficients": {"intercept": "x"}})");
  EXPECT_THAT(not_number.status().message(), HasSubstr("coefficients.intercept"));
  EXPECT_FALSE(parseEscalationModelFile("{").ok());
}

TEST(EscalationModelFileTest, TheShippedModelFileLoadsAndTheFactoryNamesTheKey) {
  auto shipped = loadEscalationModelFile(CASEWATCH_SOURCE_DIR "/config/escalation_model.json");
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_GT(shipped->horizon_days, 0);
  EscalationRiskConfig config;
  config.model_file = "/nonexistent/model.json";
  auto made = EscalationRiskModel::create(config, ClocksConfig{});
  ASSERT_FALSE(made.ok());
  EXPECT_THAT(made.status().message(), HasSubstr("models.escalation_risk.model_file"));
  config.model_file = "";
  EXPECT_TRUE(EscalationRiskModel::create(config, ClocksConfig{}).ok());
}

}  // namespace
}  // namespace casewatch
