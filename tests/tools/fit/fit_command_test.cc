// `casewatch fit`: the CSV fit against R's glm, every kind of bad input named by its line or
// column with exit code 2, the history fit on feedgen's feed (AUC on held-out cases ≥ 0.8, a
// MODEL.json the daemon loads), and the Hawkes fit on the same feed.
#include "tools/fit/fit_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "models/escalation_risk/escalation_risk_model.h"
#include "tests/fakes/file_contents.h"
#include "tests/source_paths.h"
#include "tools/feedgen/feedgen_command.h"

namespace casewatch::fit {
namespace {

using casewatch::testing::readFile;
using ::testing::HasSubstr;

EscalationFitRun csvRun() {
  EscalationFitRun run;
  run.features = "-";
  run.holdout = 0;
  return run;
}

// tests/testdata/fit/glm_known.csv is the data of tests/models/stats/logistic_regression_test.cc
// (MatchesRGlmToOneInAMillion; columns reordered, y in the middle); the numbers are R's glm.
TEST(FitEscalationCsvTest, MatchesRGlmOnAPreparedTable) {
  auto out = fitEscalationFromCsv(csvRun(), readFile(CASEWATCH_TESTDATA_DIR "/fit/glm_known.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  const auto j = nlohmann::json::parse(*out);
  EXPECT_EQ(j["features"], nlohmann::json({"x1", "x2", "x3"}));
  EXPECT_NEAR(j["coefficients"]["intercept"].get<double>(), -0.923811680176, 1e-6);
  EXPECT_NEAR(j["coefficients"]["x1"].get<double>(), 1.299084049687, 1e-6);
  EXPECT_NEAR(j["coefficients"]["x2"].get<double>(), -1.398831061776, 1e-6);
  EXPECT_NEAR(j["coefficients"]["x3"].get<double>(), 0.489021117363, 1e-6);
  EXPECT_NEAR(j["std_errors"]["intercept"].get<double>(), 0.668919077069, 1e-6);
  EXPECT_NEAR(j["std_errors"]["x3"].get<double>(), 0.207396225384, 1e-6);
  EXPECT_TRUE(j["horizon_days"].is_null());
  EXPECT_TRUE(j["auc"].is_null());  // nothing held out
  EXPECT_EQ(j["training"]["rows"], 60);
}

TEST(FitEscalationCsvTest, HoldoutGivesAucAndCalibration) {
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 400; ++i) {
    const double a = (i * 37 % 100) / 10.0, b = (i * 11 % 7);
    const double p = 1 / (1 + std::exp(-(a - 5 + 0.2 * b)));
    csv += std::to_string(a) + "," + std::to_string(b) + "," +
           ((i * 7919 % 1000) / 1000.0 < p ? "1" : "0") + "\n";
  }
  EscalationFitRun run = csvRun();
  run.holdout = 0.25;
  run.seed = 3;
  auto out = fitEscalationFromCsv(run, csv);
  ASSERT_TRUE(out.ok()) << out.status();
  const auto j = nlohmann::json::parse(*out);
  ASSERT_TRUE(j["auc"].is_number());
  EXPECT_GT(j["auc"].get<double>(), 0.8);
  EXPECT_EQ(j["calibration"].size(), 10u);
  EXPECT_EQ(j["holdout"]["rows"].get<int>() + j["training"]["rows"].get<int>(), 400);
  EXPECT_EQ(*out, *fitEscalationFromCsv(run, csv));  // seeded: the same split
}

TEST(FitEscalationCsvTest, BadInputNamesTheLineOrColumn) {
  auto err = [](const std::string& csv) {
    auto out = fitEscalationFromCsv(csvRun(), csv);
    EXPECT_FALSE(out.ok());
    return std::string(out.status().message());
  };
  EXPECT_THAT(err("a,b\n1,2\n"), HasSubstr("line 1: the header has no column \"y\""));
  EXPECT_THAT(err("a,y\n1,0\n2,1\n3,x\n"), HasSubstr("line 4, column \"y\": \"x\""));
  EXPECT_THAT(err("a,y\n1,0\nn/a,1\n"), HasSubstr("line 3, column \"a\": \"n/a\" is not"));
  EXPECT_THAT(err("a,y\n1,0\n2,2\n"), HasSubstr("line 3, column \"y\": \"2\" is not 0 or 1"));
  EXPECT_THAT(err("a,y\n1,0\n2\n"), HasSubstr("line 3: expected 2 fields"));
  EXPECT_THAT(err("a,a,y\n"), HasSubstr("column \"a\" appears twice"));
  EXPECT_THAT(err("y\n1\n"), HasSubstr("no feature column"));
  EXPECT_THAT(err("a,y\n"), HasSubstr("no rows"));
  EXPECT_THAT(err("a,k,y\n1,5,0\n2,5,1\n3,5,0\n4,5,1\n5,5,0\n6,5,1\n7,5,1\n"),
              HasSubstr("k is constant"));
  EXPECT_THAT(err("a,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n"), HasSubstr("a separates the classes"));
}

TEST(FitEscalationCsvTest, RunExitsWithTwoOnBadInputAndWritesTheModelOtherwise) {
  const std::string bad = ::testing::TempDir() + "/fit_bad.csv";
  std::ofstream(bad) << "a,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n";
  EscalationFitRun run = csvRun();
  run.features = bad;
  run.out = ::testing::TempDir() + "/fit_bad_model.json";
  EXPECT_EQ(runFitEscalation(run), 2);
  run.features = CASEWATCH_TESTDATA_DIR "/fit/glm_known.csv";
  EXPECT_EQ(runFitEscalation(run), 0);
  EXPECT_TRUE(nlohmann::json::parse(readFile(run.out))["coefficients"].contains("x2"));
  run.features = "/nonexistent/file.csv";
  EXPECT_EQ(runFitEscalation(run), 1);
  run.features = "";
  EXPECT_EQ(runFitEscalation(run), 2);  // neither --features nor --history
}

std::string feedgenFeed(uint64_t seed, uint64_t cases, double follow_ups) {
  feedgen::FeedgenRun run;
  run.generator.escalation_thresholds = true;
  run.generator.seed = seed;
  run.generator.cases = cases;
  run.generator.days = 180;
  run.generator.follow_ups = follow_ups;
  run.out = ::testing::TempDir() + "/fit_feed_" + std::to_string(seed) + ".jsonl";
  EXPECT_EQ(feedgen::runFeedgen(run), 0);
  return run.out;
}

// The history fit on feedgen's feed (--escalation-thresholds: reviews follow the decision and the
// handling):
// held-out AUC ≥ 0.8 over several seeds, and a MODEL.json the daemon's model file parser accepts,
// with std_errors under the same keys as the coefficients.
TEST(FitEscalationHistoryTest, FeedgenHistoryReachesAucPointEightOnHeldOutCases) {
  for (uint64_t seed : {1, 2, 3}) {
    std::ifstream in(feedgenFeed(seed, 4000, 0));
    EscalationFitRun run;
    run.history = "feed";
    run.horizon_days = 30;
    run.l2 = 0;
    auto out = fitEscalationFromHistory(run, in);
    ASSERT_TRUE(out.ok()) << out.status();
    const auto j = nlohmann::json::parse(*out);
    ASSERT_TRUE(j["auc"].is_number()) << *out;
    EXPECT_GE(j["auc"].get<double>(), 0.8) << "seed " << seed << "\n" << *out;
    EXPECT_EQ(j["horizon_days"], 30);
    EXPECT_GT(j["history"]["positives"].get<int>(), 100);
    for (const auto& [key, value] : j["coefficients"].items()) {
      EXPECT_TRUE(j["std_errors"].contains(key)) << key;
      EXPECT_TRUE(value.is_number()) << key;
    }
    // feedgen's reviews follow the decision (tools/feedgen/case_lifecycle.h): a reply not upheld
    // raises the odds.
    EXPECT_GT(j["coefficients"]["not_upheld"].get<double>(), 0) << *out;
    auto parsed = parseEscalationModelFile(*out);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
  }
}

TEST(FitEscalationHistoryTest, HistoryErrorsNameTheLine) {
  std::istringstream in(
      "{\"v\":1,\"event_id\":\"a\",\"source\":\"s\",\"type\":\"case.accepted\","
      "\"ts\":\"2026-03-04T09:15:00+08:00\",\"case_id\":\"C\"}\nnot json\n");
  EscalationFitRun run;
  run.horizon_days = 30;
  auto out = fitEscalationFromHistory(run, in);
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("line 2: invalid_json"));
  std::istringstream empty("");
  run.horizon_days.reset();
  EXPECT_THAT(fitEscalationFromHistory(run, empty).status().message(), HasSubstr("--horizon-days"));
}

TEST(FitHawkesTest, FitsTheRepeatVisitProcessOfAFeed) {
  HawkesFitRun run;
  run.history = feedgenFeed(7, 2000, 0.3);
  run.out = ::testing::TempDir() + "/fit_hawkes.json";
  ASSERT_EQ(runFitHawkes(run), 0);
  const auto j = nlohmann::json::parse(readFile(run.out));
  for (const char* k : {"mu", "alpha", "beta"}) {
    ASSERT_TRUE(j[k].is_number()) << k;
    EXPECT_GT(j[k].get<double>(), 0) << k;
  }
  EXPECT_GT(j["returns"].get<int>(), 0);
  EXPECT_GT(j["streams"].get<int>(), 1000);
  EXPECT_EQ(j["time_unit"], "day");
}

}  // namespace
}  // namespace casewatch::fit
