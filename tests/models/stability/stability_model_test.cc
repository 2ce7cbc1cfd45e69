#include "models/stability/stability_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_model_metrics.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/signal_builder.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch {
namespace {

using testing::worded;

using ::testing::Contains;
using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::RecordingModelMetrics;
using testing::RecordingSignalSink;
using testing::SignalBuilder;
using testing::timeOf;

constexpr char kRegion[] = "520302";

class StabilityModelTest : public ::testing::Test {
 protected:
  StabilityModelTest() { model_ = std::make_unique<StabilityModel>(config_); }

  void feed(const CaseEvent& ev) {
    const CaseUpdate u = store_.apply(ev);
    model_->onEvent(ev, u, ctx_);
  }
  // Another model's alert on `subject` in `region`.
  void alert(std::string_view model, const std::string& subject, Tier tier,
             const std::string& region = kRegion) {
    // A resolution need not repeat the region.
    const Signal s = SignalBuilder(model, SubjectKind::kCase, subject)
                         .tier(tier)
                         .region(tier == Tier::kNone ? "" : region);
    model_->onSignal(s, ctx_);
  }
  void openCases(int n, const std::string& region = kRegion) {
    for (int i = 0; i < n; ++i) {
      feed(EventBuilder::registered(region + "-c" + std::to_string(opened_++), t0_)
               .region(region)
               .build());
    }
  }
  std::vector<Signal> regionSignals(const std::string& region = kRegion) const {
    return sink_.forSubject(region);
  }
  static double indexOf(double pressure, double scale = 40) {
    return 100 * std::exp(-pressure / scale);
  }

  const TimeMs t0_ = timeOf("2026-03-04T09:00:00+08:00");
  int opened_ = 0;
  StabilityConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  RecordingModelMetrics metrics_;
  ModelContext ctx_{store_, sink_, &metrics_};
  std::unique_ptr<StabilityModel> model_;
};

TEST_F(StabilityModelTest, CalmRegionReadsOneHundredAndRaisesNothing) {
  openCases(20);
  const auto v = model_->region(kRegion);
  EXPECT_TRUE(v.known);
  EXPECT_EQ(v.open_cases, 20);
  EXPECT_DOUBLE_EQ(v.index, 100);
  EXPECT_TRUE(sink_.empty());
}

TEST_F(StabilityModelTest, IndexFollowsTheDocumentedFormula) {
  openCases(10);
  alert("repeat_visit", "p_1", Tier::kRed);           // 8
  alert("overdue", "C-1", Tier::kOrange);             // 4, and overdue
  alert("overdue", "C-2", Tier::kYellow);             // 2, not yet overdue
  alert("group_incident", "m:site-17", Tier::kBlue);  // 1 × collective_factor 3
  const auto v = model_->region(kRegion);
  // 10 open cases: the densities divide by min_open_cases = 100.
  const double pressure = 100.0 * (8 + 4 + 2) / 100 + 3 * 1 + 20.0 * 1 / 100;
  EXPECT_NEAR(v.pressure, pressure, 1e-9);
  EXPECT_NEAR(v.index, indexOf(pressure), 1e-9);
  EXPECT_EQ(v.overdue, 1);
  EXPECT_EQ(v.collective, 1);
  EXPECT_EQ(v.alerts[static_cast<size_t>(Tier::kRed)], 1);
  EXPECT_NEAR(metrics_.stability[kRegion], v.index, 0.01);
}

TEST_F(StabilityModelTest, OverdueShareHasAFlooredDenominator) {
  openCases(2);
  alert("overdue", "C-1", Tier::kRed);
  // 1 overdue of 2 open cases, divided by min_open_cases = 100: 20 × 0.01, plus red 8 per 100.
  EXPECT_NEAR(model_->region(kRegion).pressure, 8.2, 1e-9);
}

TEST_F(StabilityModelTest, AlertChangesAndResolutionsMoveTheCounters) {
  alert("overdue", "C-1", Tier::kYellow);
  alert("overdue", "C-1", Tier::kRed);  // same alert, new tier: counted once
  EXPECT_EQ(model_->heldAlerts(), 1u);
  EXPECT_NEAR(model_->region(kRegion).index, indexOf(8 + 20.0 / 100), 1e-9);
  alert("overdue", "C-1", Tier::kNone);
  EXPECT_EQ(model_->heldAlerts(), 0u);
  EXPECT_DOUBLE_EQ(model_->region(kRegion).index, 100);
  alert("overdue", "C-9", Tier::kNone);  // never held: ignored
  EXPECT_EQ(model_->heldAlerts(), 0u);
  // Its own signals are not counted.
  Signal own;
  own.model = StabilityModel::kName;
  own.subject_kind = SubjectKind::kRegion;
  own.subject_id = kRegion;
  own.region = kRegion;
  own.tier = Tier::kRed;
  model_->onSignal(own, ctx_);
  EXPECT_EQ(model_->heldAlerts(), 0u);
}

TEST_F(StabilityModelTest, RegionAlertCrossesTiersWithHysteresis) {
  // Orange alerts of 4 points each: index = 100·exp(−4n/40).
  // n=2: 81.9 (blue), n=4: 67.0 (yellow), n=7: 49.7 (orange), n=13: 27.3 (red).
  int n = 0;
  auto to = [&](int count) {
    while (n < count) alert("repeat_visit", "p_" + std::to_string(n++), Tier::kOrange);
    while (n > count) alert("repeat_visit", "p_" + std::to_string(--n), Tier::kNone);
  };
  to(1);
  EXPECT_TRUE(regionSignals().empty());  // 90.5
  to(2);
  ASSERT_EQ(regionSignals().size(), 1u);
  EXPECT_EQ(regionSignals().back().tier, Tier::kBlue);
  to(4);
  EXPECT_EQ(regionSignals().back().tier, Tier::kYellow);
  to(7);
  EXPECT_EQ(regionSignals().back().tier, Tier::kOrange);
  to(13);
  const Signal red = regionSignals().back();
  EXPECT_EQ(red.tier, Tier::kRed);
  EXPECT_EQ(red.subject_kind, SubjectKind::kRegion);
  EXPECT_THAT(red.actions, Contains(Action::kNotifyLeadership));
  const Reason* idx = sink_.lastReason("stability_index");
  ASSERT_NE(idx, nullptr);
  EXPECT_NEAR(idx->number, indexOf(52), 1e-9);
  EXPECT_THAT(worded(*idx).text.get("zh-CN"), HasSubstr("稳定指数"));
  ASSERT_NE(sink_.lastReason("open_alerts"), nullptr);
  EXPECT_EQ(sink_.lastReason("open_alerts")->number, 13);
  const size_t signals = regionSignals().size();
  // 12 alerts: 30.1, above red's bound (30) but within the hysteresis (35): still red.
  to(12);
  EXPECT_EQ(regionSignals().size(), signals);
  // 10 alerts: 36.8 > 35: orange.
  to(10);
  EXPECT_EQ(regionSignals().back().tier, Tier::kOrange);
  to(0);
  EXPECT_EQ(regionSignals().back().tier, Tier::kNone);
  EXPECT_DOUBLE_EQ(metrics_.stability[kRegion], 100);
}

TEST_F(StabilityModelTest, LedgerSizeFromTheRegionBoardAddsPressure) {
  RegionBoard board;
  ctx_.regions = &board;
  openCases(5);
  board.setKeyCases(kRegion, 6);  // as the key_case model publishes it
  model_->advanceTo(t0_ + kMsPerHour, ctx_);
  auto v = model_->region(kRegion);
  EXPECT_EQ(v.key_cases, 6);
  EXPECT_NEAR(v.pressure, 6 * config_.ledger_weight, 1e-9);
  EXPECT_NEAR(v.index, indexOf(6), 1e-9);
  // Read on the next event too, and the region alert names the ledger.
  board.setKeyCases(kRegion, 20);
  openCases(1);
  v = model_->region(kRegion);
  EXPECT_EQ(v.key_cases, 20);
  ASSERT_FALSE(regionSignals().empty());
  EXPECT_EQ(regionSignals().back().tier, Tier::kYellow);  // 100·exp(−20/40) = 60.7
  ASSERT_NE(sink_.lastReason("key_cases"), nullptr);
  EXPECT_EQ(sink_.lastReason("key_cases")->number, 20);
}

TEST_F(StabilityModelTest, CaseLevelAlertsAreDensitiesInALargeRegion) {
  // 40 orange alerts: alarming among 100 open cases, not among 10,000.
  openCases(10000, "520399");
  for (int i = 0; i < 40; ++i) {
    alert("overdue", "L-" + std::to_string(i), Tier::kOrange, "520399");
    alert("overdue", "S-" + std::to_string(i), Tier::kOrange, "520398");
  }
  const auto large = model_->region("520399");
  EXPECT_NEAR(large.pressure, 100.0 * 160 / 10000 + 20.0 * 40 / 10000, 1e-9);
  EXPECT_GT(large.index, 95);
  EXPECT_TRUE(regionSignals("520399").empty());
  EXPECT_NEAR(model_->region("520398").pressure, 160 + 20.0 * 40 / 100, 1e-9);
  EXPECT_EQ(regionSignals("520398").back().tier, Tier::kRed);
  // A collective petition counts in full whatever the region's size.
  alert("group_incident", "m:site-9", Tier::kRed, "520399");
  EXPECT_NEAR(model_->region("520399").pressure, 1.6 + 0.08 + 24, 1e-9);
}

TEST_F(StabilityModelTest, RegionsAreIndependent) {
  alert("repeat_visit", "p_1", Tier::kRed, "520302");
  alert("repeat_visit", "p_2", Tier::kRed, "520303");
  alert("repeat_visit", "p_2", Tier::kNone);
  EXPECT_LT(model_->region("520302").index, 100);
  EXPECT_DOUBLE_EQ(model_->region("520303").index, 100);
  EXPECT_EQ(model_->regions(), 2u);
}

TEST_F(StabilityModelTest, RebuildRecountsOpenCasesAndKeepsReRaisedAlerts) {
  openCases(30);
  feed(EventBuilder::of(EventType::kClosed, "520302-c0", t0_).resolved(true));
  StabilityModel rebuilt(config_);
  // The models listed before re-raise their alerts into it before its rebuild.
  rebuilt.onSignal(
      SignalBuilder("overdue", SubjectKind::kCase, "520302-c1").tier(Tier::kRed).region(kRegion),
      ctx_);
  rebuilt.rebuild(t0_, ctx_);
  const auto v = rebuilt.region(kRegion);
  EXPECT_EQ(v.open_cases, 29);
  EXPECT_EQ(v.overdue, 1);
  EXPECT_NEAR(v.pressure, 8 + 20.0 / 100, 1e-9);
  EXPECT_EQ(model_->region(kRegion).open_cases, 29);
}

}  // namespace
}  // namespace casewatch
