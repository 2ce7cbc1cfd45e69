// The daemon's metrics as a scrape sees them (the registry's Collect()): names, label sets, values,
// and that no case or person id ever becomes a label value.
#include "daemon/telemetry/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/metric_values.h"

namespace casewatch {
namespace {

using testing::counterValue;
using testing::EventBuilder;
using testing::MetricLabels;

constexpr char kCaseId[] = "C-SECRET-0042";

// Drives every kind of figure once, on a case state holding one registered case.
class MetricsTest : public ::testing::Test {
 protected:
  MetricsTest() : metrics_({"feed-a"}) {
    const CaseEvent reg = EventBuilder::registered(kCaseId, "2026-03-04T09:15:00+08:00")
                              .agency("agency-x")
                              .region("520302")
                              .build();
    person_ = reg.persons.at(0);
    const CaseUpdate u = cases_.apply(reg);
    agency_ = cases_.at(u.index).agency;
    region_ = cases_.at(u.index).region;
    metrics_.setAgencyNames(cases_.strings());

    std::array<uint64_t, kEventTypeCount> by_type{};
    by_type[static_cast<size_t>(EventType::kRegistered)] = 3;
    metrics_.eventsIn(0, by_type);
    metrics_.rejected(0, RejectReason{}, 2);
    metrics_.duplicates(0, 1);
    metrics_.alertChange("overdue", "fired", Tier::kRed);
    metrics_.alertChange("overdue", "fired", Tier::kRed);
    metrics_.caseClosed(region_, agency_, true, Satisfaction::kSatisfied);
    metrics_.reviewRequested(region_, agency_, Step::kReview);
    metrics_.sourceEvents(0, "court-system", 3);
    metrics_.deadlineBreached(region_, agency_, Step{});
    metrics_.stepCompleted(region_, agency_, Step{}, true);
    metrics_.keyCases("520302", 2);
    metrics_.stabilityIndex("520302", 87.5);
    metrics_.setOpenCases(cases_);
    metrics_.setStateFigures(1, 1, 1000, 0, 0);
    metrics_.configReload(true);
  }

  CaseStore cases_;
  Metrics metrics_;
  uint64_t person_ = 0;
  uint32_t agency_ = 0;
  uint32_t region_ = 0;
};

TEST_F(MetricsTest, NamesFollowTheConvention) {
  const auto families = metrics_.registry()->Collect();
  ASSERT_FALSE(families.empty());
  for (const auto& f : families) {
    EXPECT_EQ(f.name.rfind("casewatch_", 0), 0u) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    if (f.type == prometheus::MetricType::Counter) {
      EXPECT_TRUE(f.name.ends_with("_total")) << f.name;
    } else {
      EXPECT_FALSE(f.name.ends_with("_total")) << f.name;
    }
  }
}

TEST_F(MetricsTest, LabelsComeFromASmallFixedSetAndNeverNameACaseOrPerson) {
  const std::set<std::string> allowed = {
      "feed",     "type",         "reason",  "outcome", "model",      "change",  "agency",
      "resolved", "satisfaction", "stage",   "step",    "timeliness", "result",  "status",
      "region",   "tier",         "version", "level",   "source",     "category"};
  const std::string person_decimal = std::to_string(person_);
  size_t values_seen = 0;
  for (const auto& f : metrics_.registry()->Collect()) {
    for (const auto& m : f.metric) {
      for (const auto& l : m.label) {
        ++values_seen;
        EXPECT_TRUE(allowed.count(l.name)) << f.name << " has label " << l.name;
        EXPECT_EQ(l.value.find(kCaseId), std::string::npos) << f.name << "{" << l.name << "}";
        EXPECT_EQ(l.value.find("C-SECRET"), std::string::npos) << f.name;
        EXPECT_NE(l.value, person_decimal) << f.name << "{" << l.name << "}";
      }
    }
  }
  EXPECT_GT(values_seen, 0u);
}

TEST_F(MetricsTest, CountersReadBackWithTheirLabels) {
  const prometheus::Registry& r = *metrics_.registry();
  EXPECT_EQ(counterValue(r, "casewatch_ingest_events_total",
                         {{"feed", "feed-a"}, {"type", "case.registered"}}),
            3);
  EXPECT_EQ(counterValue(r, "casewatch_ingest_events_total",
                         {{"feed", "feed-a"}, {"type", "case.accepted"}}),
            0);
  EXPECT_EQ(counterValue(r, "casewatch_ingest_duplicates_total", {{"feed", "feed-a"}}), 1);
  EXPECT_EQ(counterValue(r, "casewatch_alert_changes_total",
                         {{"model", "overdue"}, {"change", "fired"}, {"tier", "red"}}),
            2);
  EXPECT_EQ(counterValue(r, "casewatch_agency_cases_closed_total",
                         {{"region", "520302"}, {"agency", "agency-x"}, {"resolved", "true"}}),
            1);
  EXPECT_EQ(counterValue(r, "casewatch_agency_reviews_requested_total",
                         {{"region", "520302"}, {"agency", "agency-x"}, {"level", "review"}}),
            1);
  EXPECT_EQ(counterValue(r, "casewatch_agency_steps_completed_total",
                         {{"region", "520302"},
                          {"agency", "agency-x"},
                          {"step", "procedural_reply"},
                          {"timeliness", "on_time"}}),
            1);
  EXPECT_EQ(counterValue(r, "casewatch_ingest_source_events_total",
                         {{"feed", "feed-a"}, {"source", "court-system"}}),
            3);
}

AlertReason reason(std::string code, double number) {
  AlertReason r;
  r.code = std::move(code);
  r.number = number;
  return r;
}

TEST_F(MetricsTest, ActiveAlertFiguresBecomeGaugesAndEmptiedSeriesReadZero) {
  Alert overdue;
  overdue.model = "overdue";
  overdue.tier = Tier::kRed;
  overdue.region = "520302";
  overdue.agency = "agency-x";
  overdue.reasons.push_back(reason("handling_days_overdue", 3));
  overdue.reasons.push_back(reason("procedural_reply_days_left", 1));
  Alert incident;
  incident.model = "group_incident";
  incident.tier = Tier::kOrange;
  incident.region = "520302";
  incident.category = "wage_arrears";
  Alert key_case;
  key_case.model = "key_case";
  key_case.tier = Tier::kYellow;
  key_case.region = "520303";
  key_case.reasons.push_back(reason("unowned_events", 2));
  ActiveAlertFigures figures;
  for (const Alert* a : {&overdue, &incident, &key_case}) figures.add(*a);
  metrics_.setActiveAlerts(figures);

  const prometheus::Registry& r = *metrics_.registry();
  using testing::gaugeValue;
  EXPECT_EQ(gaugeValue(r, "casewatch_alerts_active", {{"model", "overdue"}, {"tier", "red"}}), 1);
  EXPECT_EQ(gaugeValue(r, "casewatch_alerts_active_by_region",
                       {{"model", "group_incident"}, {"tier", "orange"}, {"region", "520302"}}),
            1);
  EXPECT_EQ(gaugeValue(r, "casewatch_overdue_cases",
                       {{"region", "520302"}, {"agency", "agency-x"}, {"step", "handling"}}),
            1);
  EXPECT_EQ(
      gaugeValue(r, "casewatch_overdue_cases",
                 {{"region", "520302"}, {"agency", "agency-x"}, {"step", "procedural_reply"}}),
      0);
  EXPECT_EQ(gaugeValue(r, "casewatch_group_incidents_active",
                       {{"region", "520302"}, {"category", "wage_arrears"}}),
            1);
  EXPECT_EQ(gaugeValue(r, "casewatch_key_cases_unowned", {{"region", "520303"}}), 1);

  metrics_.setActiveAlerts(ActiveAlertFigures{});
  EXPECT_EQ(gaugeValue(r, "casewatch_overdue_cases",
                       {{"region", "520302"}, {"agency", "agency-x"}, {"step", "handling"}}),
            0);
  EXPECT_EQ(gaugeValue(r, "casewatch_alerts_active", {{"model", "overdue"}, {"tier", "red"}}), 0);
}

TEST_F(MetricsTest, OpenCasesAreCountedByAgencyName) {
  double open = 0;
  for (const auto& f : metrics_.registry()->Collect()) {
    if (f.name != "casewatch_cases_open") continue;
    for (const auto& m : f.metric) {
      MetricLabels labels;
      for (const auto& l : m.label) labels[l.name] = l.value;
      EXPECT_EQ(labels.count("stage"), 1u);
      if (labels["agency"] == "agency-x") open += m.gauge.value;
    }
  }
  EXPECT_EQ(open, 1);
}

TEST(MetricsServeTest, ServesOnAnEphemeralLoopbackPort) {
  Metrics metrics({"feed-a"});
  ASSERT_TRUE(metrics.serve("127.0.0.1:0").ok());
  EXPECT_NE(metrics.port(), 0);
}

}  // namespace
}  // namespace casewatch
