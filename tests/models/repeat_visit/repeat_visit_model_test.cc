#include "models/repeat_visit/repeat_visit_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "connectors/pseudonym/pseudonymizer.h"
#include "models/stats/hawkes.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/model_feed.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/signal_builder.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch {
namespace {

using testing::worded;

using ::testing::Contains;
using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::reasonOf;
using testing::RecordingSignalSink;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;
constexpr PersonId kPerson = 0x5eed000000000042ULL;
constexpr int kOffsetMinutes = 8 * 60;

class RepeatVisitModelTest : public ::testing::Test {
 protected:
  RepeatVisitModelTest() { makeModel(RepeatVisitConfig{}); }

  void makeModel(const RepeatVisitConfig& config) {
    config_ = config;
    model_ = std::make_unique<RepeatVisitModel>(config_, kOffsetMinutes);
  }
  CaseUpdate feed(const CaseEvent& ev) { return testing::feedModel(*model_, store_, ctx_, ev); }
  void advance(TimeMs t) { model_->advanceTo(t, ctx_); }
  // Day `d` after t0, at 10:00 local + `minutes`.
  TimeMs day(double d, int minutes = 0) const {
    return t0_ + static_cast<TimeMs>(d * kDay) + TimeMs{minutes} * kMsPerMinute;
  }
  CaseEvent registration(const std::string& case_id, TimeMs ts, PersonId p = kPerson,
                         const std::string& matter = "m:wages-17") {
    return EventBuilder::registered(case_id, ts)
        .persons({p})
        .matter(matter)
        .category("wage_arrears");
  }
  CaseEvent visit(TimeMs ts, PersonId p = kPerson, const std::string& matter = "m:wages-17",
                  Level level = Level::kCounty) {
    return EventBuilder::of(EventType::kVisit, "", ts).persons({p}).matter(matter).level(level);
  }
  std::vector<Signal> personSignals(PersonId p = kPerson) const {
    return sink_.forSubject(Pseudonymizer::format(p));
  }
  double directLambda(const std::vector<TimeMs>& contacts, const std::vector<double>& weights,
                      TimeMs at) const {
    std::vector<double> t;
    for (TimeMs c : contacts) t.push_back(static_cast<double>(c) / kDay);
    const HawkesParams p{config_.hawkes_mu, config_.hawkes_alpha, config_.hawkes_beta};
    return hawkesIntensityDirect(p, t, weights, static_cast<double>(at) / kDay);
  }

  const TimeMs t0_ = timeOf("2026-03-02T10:00:00+08:00");
  RepeatVisitConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  ModelContext ctx_{store_, sink_, nullptr};
  std::unique_ptr<RepeatVisitModel> model_;
};

TEST_F(RepeatVisitModelTest, TheFirstContactIsNotAReturnAndOneDayCountsOnce) {
  feed(registration("C-1", day(0)));
  feed(visit(day(0, 30)));  // the same trip: the visit the case was registered from
  auto v = model_->pairForTest(kPerson, "m:wages-17");
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.contact_days, 1);
  EXPECT_EQ(v.returns_30d, 0);
  feed(visit(day(1)));
  feed(visit(day(1, 120)));  // twice on day 1: one return
  v = model_->pairForTest(kPerson, "m:wages-17");
  EXPECT_EQ(v.contact_days, 2);
  EXPECT_EQ(v.returns_30d, 1);
  EXPECT_TRUE(sink_.empty());
}

TEST_F(RepeatVisitModelTest, ThirdReturnIn30DaysIsYellowWithTheNumbers) {
  feed(registration("C-1", day(0)));
  feed(visit(day(5)));
  feed(visit(day(10)));
  EXPECT_TRUE(sink_.empty());
  feed(visit(day(15)));
  const auto sigs = personSignals();
  ASSERT_EQ(sigs.size(), 1u);
  const Signal& s = sigs[0];
  EXPECT_EQ(s.model, "repeat_visit");
  EXPECT_EQ(s.subject_kind, SubjectKind::kPerson);
  EXPECT_EQ(s.subject_id, Pseudonymizer::format(kPerson));  // a pseudonym, never the raw id
  EXPECT_EQ(s.tier, Tier::kYellow);
  ASSERT_NE(reasonOf(s, "returns_30d"), nullptr);
  EXPECT_EQ(reasonOf(s, "returns_30d")->number, 3);
  EXPECT_EQ(reasonOf(s, "returns_90d")->number, 3);
  // λ is the Hawkes intensity over the four contact days, as the direct sum gives it.
  const double lambda = directLambda({day(0), day(5), day(10), day(15)}, {}, day(15));
  EXPECT_NEAR(reasonOf(s, "lambda")->number, lambda, 1e-6);
  EXPECT_THAT(s.actions, Contains(Action::kAssignLeader));
  EXPECT_THAT(s.actions, Contains(Action::kScheduleHearing));
  EXPECT_THAT(s.actions, Contains(Action::kCheckAidEligibility));
  EXPECT_EQ(s.region, "520302");
  EXPECT_EQ(s.category, "wage_arrears");
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("3 return(s) in 30 days"));
  EXPECT_THAT(worded(s).summary.get("zh-CN"), HasSubstr("近30天3次"));
  EXPECT_THAT(worded(*reasonOf(s, "lambda")).text.get("zh-CN"), HasSubstr("λ="));
  EXPECT_GT(s.score, 0);
  EXPECT_LT(s.score, 1);
  for (const Reason& r : s.reasons) {
    EXPECT_FALSE(worded(r).text.get("en").empty()) << r.code;
    EXPECT_FALSE(worded(r).text.get("zh-CN").empty()) << r.code;
  }
}

TEST_F(RepeatVisitModelTest, NewRegistrationsOnTheSameMatterAreReturnsByAnyChannel) {
  feed(registration("C-1", day(0)));
  CaseEvent online = registration("C-2", day(3));
  online.channel = Channel::kOnline;
  feed(online);
  feed(visit(day(6)));
  CaseEvent letter = registration("C-3", day(9));
  letter.channel = Channel::kLetter;
  feed(letter);
  const auto sigs = personSignals();
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(reasonOf(sigs[0], "returns_30d")->number, 3);
  // Another matter of the same person is another pair.
  feed(registration("C-4", day(10), kPerson, "m:land-3"));
  EXPECT_EQ(model_->pairForTest(kPerson, "m:land-3").contact_days, 1);
}

TEST_F(RepeatVisitModelTest, TiersRiseWithCountsAndAreHeld) {
  feed(registration("C-1", day(0)));
  for (int d = 1; d <= 8; ++d) feed(visit(day(3 * d)));
  const auto sigs = personSignals();
  std::vector<Tier> tiers;
  for (const Signal& s : sigs) tiers.push_back(s.tier);
  // 3 returns: yellow; 5: orange; 8 (day 24, all within 30 days): red.
  ASSERT_EQ(tiers.size(), 6u);
  EXPECT_EQ(tiers[0], Tier::kYellow);
  EXPECT_EQ(tiers[2], Tier::kOrange);
  EXPECT_EQ(tiers[5], Tier::kRed);
  EXPECT_THAT(sigs.back().actions, Contains(Action::kNotifyLeadership));
  // Weeks later, returns in 30 days have fallen (days 24 and 51), but the tier is held until the
  // quiet period is over.
  advance(day(50));
  feed(visit(day(51)));
  EXPECT_EQ(personSignals().back().tier, Tier::kRed);
  EXPECT_EQ(reasonOf(personSignals().back(), "returns_30d")->number, 2);
}

TEST_F(RepeatVisitModelTest, ContactsAboveTheCompetentLevelWeighMoreInLambda) {
  CaseEvent reg = registration("C-1", day(0));
  reg.competent_level = Level::kCounty;
  feed(reg);
  // Visits at the city level (above the county), on consecutive days.
  std::vector<TimeMs> times = {day(0)};
  std::vector<double> weights = {1.0};
  for (int d = 1; d <= 3; ++d) {
    feed(visit(day(d), kPerson, "m:wages-17", Level::kCity));
    times.push_back(day(d));
    weights.push_back(config_.above_level_weight);
  }
  const auto view = model_->pairForTest(kPerson, "m:wages-17");
  EXPECT_NEAR(view.lambda, directLambda(times, weights, day(3)), 1e-6);
  EXPECT_GT(view.lambda, directLambda(times, {}, day(3)));
  // 3 returns in 3 days: yellow (λ = 0.243 with the weights, 0.175 without).
  const auto sigs = personSignals();
  ASSERT_FALSE(sigs.empty());
  ASSERT_NE(reasonOf(sigs.back(), "above_level_contacts"), nullptr);
  EXPECT_EQ(reasonOf(sigs.back(), "above_level_contacts")->number, 3);
}

TEST_F(RepeatVisitModelTest, LambdaAloneCanRaiseTheTier) {
  RepeatVisitConfig c;
  c.yellow_returns_30d = 100;  // counts out of the way
  c.orange_returns_30d = 100;
  c.red_returns_30d = 100;
  c.red_returns_90d = 100;
  makeModel(c);
  feed(registration("C-1", day(0)));
  feed(visit(day(1)));
  feed(visit(day(2)));
  EXPECT_TRUE(sink_.empty());  // λ = 0.002 + 0.05 (e^-.2 + e^-.1 + 1) = 0.138
  for (int d = 3; d <= 5; ++d) feed(visit(day(d)));
  // λ at day 5 = 0.002 + 0.05 Σ e^{-0.1 k}, k = 0..5 = 0.239: still below 0.25; day 6: 0.266.
  EXPECT_TRUE(sink_.empty());
  feed(visit(day(6)));
  ASSERT_EQ(personSignals().size(), 1u);
  EXPECT_EQ(personSignals()[0].tier, Tier::kYellow);
  EXPECT_GE(reasonOf(personSignals()[0], "lambda")->number, c.yellow_lambda);
}

TEST_F(RepeatVisitModelTest, ResolvesAfterTheQuietPeriodThroughTheQueue) {
  RepeatVisitConfig c;
  c.matter_min_returns_90d = 1000;  // no matter tracking: the queue holds the person alert only
  makeModel(c);
  feed(registration("C-1", day(0)));
  for (int d : {2, 4, 6}) feed(visit(day(d)));
  ASSERT_EQ(personSignals().size(), 1u);
  EXPECT_EQ(model_->openAlerts(), 1u);
  EXPECT_EQ(model_->queued(), 1u);  // one entry per open alert
  advance(day(6 + 29));
  EXPECT_EQ(personSignals().size(), 1u);  // not yet: 29 quiet days
  feed(visit(day(35)));                   // a return restarts the quiet period
  advance(day(35 + 29));
  EXPECT_EQ(personSignals().back().tier, Tier::kYellow);
  advance(day(35 + 31));
  const std::vector<Signal> all = personSignals();
  const Signal& last = all.back();
  EXPECT_EQ(last.tier, Tier::kNone);
  ASSERT_NE(reasonOf(last, "days_since_return"), nullptr);
  EXPECT_GE(reasonOf(last, "days_since_return")->number, 30);
  EXPECT_LT(reasonOf(last, "lambda")->number, config_.yellow_lambda);
  EXPECT_THAT(worded(last).summary.get("en"), HasSubstr("subsided"));
  EXPECT_EQ(model_->openAlerts(), 0u);
  // The pair is remembered after resolution: the next return is counted, not a first contact.
  feed(visit(day(70)));
  EXPECT_EQ(model_->pairForTest(kPerson, "m:wages-17").contact_days, 6);
}

TEST_F(RepeatVisitModelTest, ALateVisitIsCountedOnceAndExactly) {
  feed(registration("C-1", day(0)));
  feed(visit(day(10)));
  feed(visit(day(5)));  // arrives late
  feed(visit(day(5)));  // and again (a duplicate from another source)
  const auto v = model_->pairForTest(kPerson, "m:wages-17");
  EXPECT_EQ(v.contact_days, 3);
  EXPECT_EQ(v.returns_30d, 2);
  EXPECT_NEAR(v.lambda, directLambda({day(0), day(5), day(10)}, {}, day(10)), 1e-6);
}

TEST_F(RepeatVisitModelTest, AMatterThatKeepsComingBackFromSeveralPersons) {
  const std::vector<PersonId> persons = {101, 202, 303};
  int n = 0;
  for (PersonId p : persons) {
    feed(registration("C-" + std::to_string(++n), day(0), p, "m:site-9"));
  }
  for (int round = 1; round <= 2; ++round) {
    for (PersonId p : persons) feed(visit(day(round * 7), p, "m:site-9"));
  }
  const auto matter = sink_.forSubject("m:site-9");
  ASSERT_EQ(matter.size(), 1u);
  EXPECT_EQ(matter[0].subject_kind, SubjectKind::kMatter);
  EXPECT_EQ(matter[0].tier, Tier::kYellow);
  EXPECT_EQ(reasonOf(matter[0], "persons_returning")->number, 3);
  EXPECT_THAT(matter[0].actions, Contains(Action::kFixAtSource));
  // No person reached a personal tier (two returns each).
  for (PersonId p : persons) EXPECT_TRUE(personSignals(p).empty());
  // 90 days after the second return of each, they no longer count: the matter alert resolves.
  advance(day(7 + 89));
  EXPECT_EQ(sink_.forSubject("m:site-9").size(), 1u);
  advance(day(7 + 91));
  const auto after = sink_.forSubject("m:site-9");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].tier, Tier::kNone);
  EXPECT_EQ(model_->openAlerts(), 0u);
}

TEST_F(RepeatVisitModelTest, PairsUntouchedForTwoGenerationsAreForgotten) {
  feed(registration("C-1", day(0), 1, "m:a"));
  feed(registration("C-2", day(0), 2, "m:b"));
  advance(day(95));  // a new generation starts: both pairs are in the previous one
  feed(visit(day(100), 1, "m:a"));
  EXPECT_EQ(model_->pairForTest(1, "m:a").contact_days, 2);  // found in the previous generation
  advance(day(186));  // the next generation: the pair not touched since day 0 is dropped
  EXPECT_FALSE(model_->pairForTest(2, "m:b").known);
  feed(visit(day(186), 2, "m:b"));
  EXPECT_EQ(model_->pairForTest(2, "m:b").contact_days, 1);  // a first contact again
  feed(visit(day(187), 1, "m:a"));
  EXPECT_EQ(model_->pairForTest(1, "m:a").contact_days, 3);  // touched on day 100: kept
}

TEST_F(RepeatVisitModelTest, QuietPairsCostNoQueueEntries) {
  for (PersonId p = 1; p <= 1000; ++p) {
    feed(registration("Q-" + std::to_string(p), day(static_cast<double>(p) / 100), p,
                      "m:q-" + std::to_string(p)));
  }
  EXPECT_EQ(model_->queued(), 0u);
  advance(day(400));
  EXPECT_TRUE(sink_.empty());
}

TEST_F(RepeatVisitModelTest, RebuildRecoversFromTheCaseRegistrations) {
  feed(registration("C-1", day(0)));
  CaseEvent r2 = registration("C-2", day(3));
  CaseEvent r3 = registration("C-3", day(6));
  CaseEvent r4 = registration("C-4", day(9));
  feed(r2);
  feed(r3);
  feed(r4);
  ASSERT_EQ(personSignals().size(), 1u);
  // A reload: a new model instance rebuilt from the case state reports the open alert once.
  RecordingSignalSink after;
  ModelContext ctx2{store_, after, nullptr};
  RepeatVisitModel fresh(config_, kOffsetMinutes);
  fresh.rebuild(day(9), ctx2);
  const auto sigs = after.forSubject(Pseudonymizer::format(kPerson));
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0].tier, Tier::kYellow);
  EXPECT_EQ(fresh.pairForTest(kPerson, "m:wages-17").returns_30d, 3);
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

// Retention (Model::forget): a forgotten person's pairs go, tracked or first contact, and their
// open person alert resolves; another person's stay.
TEST_F(RepeatVisitModelTest, ForgetDropsAForgottenPersonsPairsAndResolvesTheirAlert) {
  feed(registration("C-1", day(0)));
  feed(visit(day(5)));
  feed(visit(day(10)));
  feed(visit(day(15)));
  feed(registration("C-2", day(1), 2, "m:other"));
  feed(visit(day(2), 2, "m:other"));
  feed(registration("C-3", day(3), kPerson, "m:first-contact-only"));
  ASSERT_EQ(personSignals().size(), 1u);
  ASSERT_TRUE(model_->pairForTest(kPerson, "m:first-contact-only").known);
  ForgottenCases f;
  f.cases = {store_.find("C-1"), store_.find("C-3")};
  f.persons = {kPerson};
  model_->forget(f, ctx_);
  EXPECT_FALSE(model_->pairForTest(kPerson, "m:wages-17").known);
  EXPECT_FALSE(model_->pairForTest(kPerson, "m:first-contact-only").known);
  EXPECT_TRUE(model_->pairForTest(2, "m:other").known);
  const auto sigs = personSignals();
  ASSERT_EQ(sigs.size(), 2u);
  EXPECT_EQ(sigs[1].tier, Tier::kNone);
  // The model goes on: the person's next contact is a first contact again.
  feed(visit(day(20)));
  EXPECT_EQ(model_->pairForTest(kPerson, "m:wages-17").contact_days, 1);
}

}  // namespace
}  // namespace casewatch
