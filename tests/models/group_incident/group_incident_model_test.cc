#include "models/group_incident/group_incident_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/model_feed.h"
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
using testing::reasonOf;
using testing::RecordingSignalSink;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;
constexpr int kOffsetMinutes = 8 * 60;

class GroupIncidentModelTest : public ::testing::Test {
 protected:
  GroupIncidentModelTest() { makeModel(GroupIncidentConfig{}); }

  void makeModel(const GroupIncidentConfig& config) {
    config_ = config;
    model_ = std::make_unique<GroupIncidentModel>(config_, kOffsetMinutes);
  }
  CaseUpdate feed(const CaseEvent& ev) { return testing::feedModel(*model_, store_, ctx_, ev); }
  void advance(TimeMs t) { model_->advanceTo(t, ctx_); }
  TimeMs at(double d, int minutes = 0) const {
    return t0_ + static_cast<TimeMs>(d * kDay) + TimeMs{minutes} * kMsPerMinute;
  }
  CaseEvent registration(const std::string& case_id, TimeMs ts, std::vector<PersonId> persons,
                         const std::string& matter, const std::string& category = "wage_arrears",
                         const std::string& region = "520302") {
    return EventBuilder::registered(case_id, ts)
        .persons(std::move(persons))
        .matter(matter)
        .category(category)
        .region(region);
  }
  CaseEvent visit(TimeMs ts, std::vector<PersonId> persons, const std::string& matter,
                  const std::string& region = "520302") {
    return EventBuilder::of(EventType::kVisit, "", ts)
        .persons(std::move(persons))
        .matter(matter)
        .region(region);
  }
  // A quiet history: one single-person registration a day on its own matter, for `days` days.
  void quietHistory(int days, const std::string& category = "wage_arrears") {
    for (int d = 0; d < days; ++d) {
      feed(registration("H-" + category + "-" + std::to_string(d), at(d, 60),
                        {static_cast<PersonId>(900000 + d)}, "m:h-" + category + std::to_string(d),
                        category));
    }
  }

  // A Monday, 09:00 local.
  const TimeMs t0_ = timeOf("2026-03-02T09:00:00+08:00");
  GroupIncidentConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  ModelContext ctx_{store_, sink_, nullptr};
  std::unique_ptr<GroupIncidentModel> model_;
};

TEST_F(GroupIncidentModelTest, OneLargeGroupIsACollectivePetition) {
  CaseEvent reg = registration("C-1", at(0), {1, 2}, "m:site-1");
  reg.group_size = 8;
  feed(reg);
  ASSERT_EQ(sink_.size(), 1u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.model, "group_incident");
  EXPECT_EQ(s.subject_kind, SubjectKind::kMatter);
  EXPECT_EQ(s.subject_id, "m:site-1");
  EXPECT_EQ(s.region, "520302");
  EXPECT_EQ(s.category, "wage_arrears");
  EXPECT_EQ(s.agency, "agency-a");
  EXPECT_EQ(s.tier, Tier::kYellow);
  EXPECT_EQ(reasonOf(s, "group_size")->number, 8);
  EXPECT_EQ(reasonOf(s, "persons_24h")->number, 2);
  EXPECT_THAT(s.actions, ElementsAre(Action::kFixAtSource));
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("largest group 8"));
  EXPECT_THAT(worded(s).summary.get("zh-CN"), HasSubstr("单次最大群体8人"));
  // Four people is not a group signal.
  CaseEvent small = registration("C-2", at(0, 5), {3}, "m:site-2");
  small.group_size = 4;
  feed(small);
  EXPECT_TRUE(sink_.forSubject("m:site-2").empty());
}

TEST_F(GroupIncidentModelTest, DistinctPersonsGrowOneAlertThatOnlyRises) {
  for (PersonId p = 1; p <= 30; ++p) {
    feed(visit(at(0, static_cast<int>(p) * 10), {p}, "m:site-7"));
    if (p == 10) feed(visit(at(0, 101), {3}, "m:site-7"));  // someone twice: still one person
  }
  const auto sigs = sink_.forSubject("m:site-7");
  ASSERT_FALSE(sigs.empty());
  std::vector<Tier> changes;
  for (const Signal& s : sigs) {
    EXPECT_EQ(s.subject_id, "m:site-7");
    if (changes.empty() || changes.back() != s.tier) changes.push_back(s.tier);
  }
  EXPECT_THAT(changes, ElementsAre(Tier::kYellow, Tier::kOrange, Tier::kRed));
  EXPECT_EQ(reasonOf(sigs.front(), "persons_24h")->number, 5);
  EXPECT_EQ(reasonOf(sigs.back(), "persons_24h")->number, 30);
  EXPECT_EQ(reasonOf(sigs.back(), "persons_7d")->number, 30);
  EXPECT_THAT(sigs.back().actions, ElementsAre(Action::kFixAtSource, Action::kNotifyLeadership));
  // The repeated person changed no number, so it brought no signal.
  EXPECT_EQ(sigs.size(), 26u);  // persons 5..30
  EXPECT_EQ(model_->openAlerts(), 1u);
}

TEST_F(GroupIncidentModelTest, SevenDayWindowCatchesASlowGathering) {
  for (int d = 0; d < 5; ++d) {
    for (PersonId k = 0; k < 2; ++k) {
      feed(visit(at(d, static_cast<int>(k)), {static_cast<PersonId>(d * 10 + k + 1)}, "m:slow"));
    }
  }
  const auto sigs = sink_.forSubject("m:slow");
  ASSERT_EQ(sigs.size(), 1u);  // the tenth person in 5 days; never 5 in 24 hours
  EXPECT_EQ(sigs[0].tier, Tier::kYellow);
  EXPECT_EQ(reasonOf(sigs[0], "persons_7d")->number, 10);
  EXPECT_LE(reasonOf(sigs[0], "persons_24h")->number, 4);
}

TEST_F(GroupIncidentModelTest, QuietMattersAndRegionsStayQuiet) {
  const std::vector<std::string> regions = {"520302", "520303", "520111"};
  const std::vector<std::string> categories = {"wage_arrears", "land", "other"};
  int n = 0;
  for (int d = 0; d < 60; ++d) {
    for (int k = 0; k < 9; ++k, ++n) {
      feed(registration("Q-" + std::to_string(n), at(d, k * 30),
                        {static_cast<PersonId>(n + 1), static_cast<PersonId>(n + 100000)},
                        "m:q-" + std::to_string(n), categories[k % 3], regions[k / 3]));
    }
  }
  EXPECT_TRUE(sink_.empty());
  EXPECT_EQ(model_->openAlerts(), 0u);
  EXPECT_EQ(model_->series(), 9u);
}

TEST_F(GroupIncidentModelTest, AnAberrationInTheRegionRaisesTheTierByOne) {
  quietHistory(35);
  ASSERT_TRUE(sink_.empty());
  // Day 35: a registration on the burst matter, then six more persons visit.
  feed(registration("B-1", at(35, 60), {501}, "m:burst"));
  for (PersonId p = 502; p <= 507; ++p)
    feed(visit(at(35, 60 + static_cast<int>(p - 500)), {p}, "m:burst"));
  const auto sigs = sink_.forSubject("m:burst");
  ASSERT_FALSE(sigs.empty());
  const Signal& s = sigs.back();
  // 7 persons in 24 hours is yellow by itself; the series is out of the ordinary: orange.
  EXPECT_EQ(reasonOf(s, "persons_24h")->number, 7);
  EXPECT_EQ(s.tier, Tier::kOrange);
  const Reason* observed = reasonOf(s, "observed_today");
  ASSERT_NE(observed, nullptr);
  EXPECT_EQ(observed->number, 7);
  // The category in words, in both languages (the templates' category.* entries).
  EXPECT_THAT(worded(*observed).text.get("en"), HasSubstr("on wage arrears matters"));
  EXPECT_THAT(worded(*observed).text.get("zh-CN"), HasSubstr("欠薪类"));
  // EARS C2 over a history of ones: mean 1, sd 0 floored at ears_min_sigma 1: 1 + 3.09 = 4.09.
  const Reason* ears = reasonOf(s, "ears_statistic");
  ASSERT_NE(ears, nullptr);
  EXPECT_NEAR(ears->number, (7 - 1) / 1.0, 1e-9);
  EXPECT_THAT(worded(*ears).text.get("en"), HasSubstr("upper bound 4.09"));
  EXPECT_THAT(worded(*ears).text.get("en"), HasSubstr("aberration"));
  const Reason* cusum = reasonOf(s, "cusum_statistic");
  ASSERT_NE(cusum, nullptr);  // 35 days of history: past the 28-day warm-up
  EXPECT_NEAR(cusum->number, 7 * std::log(2.0) - 1, 1e-9);
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("out of the ordinary"));
  EXPECT_THAT(worded(s).summary.get("zh-CN"), HasSubstr("明显高于预期"));
  const auto j = model_->seriesForTest("520302", "wage_arrears");
  ASSERT_TRUE(j.has_value());
  EXPECT_TRUE(j->ears_alarm);
  EXPECT_NEAR(j->ears_upperbound, 1 + earsZ(0.001), 1e-9);

  // The same day without the history: yellow only (no baseline to be out of).
  RecordingSignalSink fresh_sink;
  CaseStore fresh_store;
  ModelContext fresh{fresh_store, fresh_sink, nullptr};
  GroupIncidentModel control(config_, kOffsetMinutes);
  auto play = [&](const CaseEvent& ev) {
    control.advanceTo(ev.ts, fresh);
    control.onEvent(ev, fresh_store.apply(ev), fresh);
  };
  play(registration("B-1", at(35, 60), {501}, "m:burst"));
  for (PersonId p = 502; p <= 507; ++p)
    play(visit(at(35, 60 + static_cast<int>(p - 500)), {p}, "m:burst"));
  ASSERT_FALSE(fresh_sink.empty());
  EXPECT_EQ(fresh_sink.last().tier, Tier::kYellow);
  EXPECT_EQ(reasonOf(fresh_sink.last(), "ears_statistic"), nullptr);
}

TEST_F(GroupIncidentModelTest, ResolvesAfterQuietDaysWithoutAContact) {
  CaseEvent reg = registration("C-1", at(0), {1}, "m:site-1");
  reg.group_size = 12;
  feed(reg);
  feed(visit(at(2), {2}, "m:site-1"));
  advance(at(2 + 6.9));
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  advance(at(2 + 7.01));
  const Signal& s = sink_.last();
  EXPECT_EQ(s.tier, Tier::kNone);
  EXPECT_EQ(s.subject_id, "m:site-1");
  ASSERT_NE(reasonOf(s, "days_since_contact"), nullptr);
  EXPECT_EQ(reasonOf(s, "days_since_contact")->number, 7);
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("subsided"));
  EXPECT_EQ(model_->openAlerts(), 0u);
}

TEST_F(GroupIncidentModelTest, VisitsBeforeTheCategoryIsKnownJoinTheSeriesThatDay) {
  feed(visit(at(0, 0), {1}, "m:x"));
  feed(visit(at(0, 5), {2}, "m:x"));
  feed(visit(at(0, 10), {3}, "m:x"));
  EXPECT_FALSE(model_->seriesForTest("520302", "land").has_value());
  feed(registration("C-1", at(0, 20), {4}, "m:x", "land"));
  auto j = model_->seriesForTest("520302", "land");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->observed, 4);
  feed(visit(at(0, 30), {5}, "m:x"));  // the matter's category is known now
  EXPECT_EQ(model_->seriesForTest("520302", "land")->observed, 5);
}

TEST_F(GroupIncidentModelTest, RebuildRecoversOpenAlertsFromTheCaseState) {
  CaseEvent reg = registration("C-1", at(0), {1, 2, 3}, "m:site-1");
  reg.group_size = 40;
  feed(reg);
  ASSERT_EQ(sink_.last().tier, Tier::kYellow);
  RecordingSignalSink after;
  ModelContext ctx2{store_, after, nullptr};
  GroupIncidentModel fresh(config_, kOffsetMinutes);
  fresh.rebuild(at(1), ctx2);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.last().subject_id, "m:site-1");
  EXPECT_EQ(after.last().tier, Tier::kYellow);
  EXPECT_EQ(fresh.openAlerts(), 1u);
}

}  // namespace
}  // namespace casewatch
