// `casewatch evaluate` on feedgen histories (--escalation-thresholds): a model fitted on one seed
// and pinned is judged on another (AUC well above chance, a calibration table over every
// checkpoint, tier precision rising with the tier); without a model file it learns as the daemon
// does; bad options exit 2.
#include "tools/evaluate/evaluate_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/feedgen/feedgen_command.h"
#include "tools/fit/fit_command.h"

namespace casewatch::evaluate {
namespace {

// A path of this test's own: ctest runs the tests of this file as parallel processes, and one
// rewriting a history another has memory-mapped kills the reader with SIGBUS.
std::string ownPath(const std::string& name) {
  return ::testing::TempDir() + "/" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" + name;
}

std::string feed(uint64_t seed) {
  feedgen::FeedgenRun run;
  run.generator.escalation_thresholds = true;
  run.generator.seed = seed;
  run.generator.cases = 2000;
  run.generator.days = 150;
  run.out = ownPath("evaluate_feed_" + std::to_string(seed) + ".jsonl");
  EXPECT_EQ(feedgen::runFeedgen(run), 0);
  return run.out;
}

std::string modelOf(const std::string& history) {
  fit::EscalationFitRun run;
  run.history = history;
  run.horizon_days = 30;
  run.holdout = 0;
  run.out = history + ".model.json";
  EXPECT_EQ(fit::runFitEscalation(run), 0);
  return run.out;
}

TEST(EvaluateCommandTest, PinnedModelFittedOnOneSeedIsJudgedOnAnother) {
  EvaluateRun run;
  run.history = feed(12);
  run.model_file = modelOf(feed(11));
  run.json = true;
  run.rows_out = ownPath("evaluate_rows.csv");
  int code = -1;
  const std::string out = evaluateHistory(run, code);
  ASSERT_EQ(code, 0) << out;
  const auto j = nlohmann::json::parse(out);
  const auto& e = j["escalation_risk"];
  EXPECT_EQ(e["mode"], "pinned");
  EXPECT_TRUE(e["scoring"].get<bool>());
  EXPECT_GT(e["checkpoints"].get<int>(), 5000);
  EXPECT_GT(e["escalated"].get<int>(), 300);
  ASSERT_TRUE(e["auc"].is_number()) << out;
  EXPECT_GT(e["auc"].get<double>(), 0.7) << out;
  // Deciles of the score over every checkpoint; the top decile escalates far more than the lowest.
  ASSERT_EQ(e["calibration"].size(), 10u);
  size_t n = 0;
  for (const auto& b : e["calibration"]) n += b["count"].get<size_t>();
  EXPECT_EQ(n, e["checkpoints"].get<size_t>());
  EXPECT_GT(e["calibration"][9]["observed_rate"].get<double>(),
            3 * e["calibration"][0]["observed_rate"].get<double>());
  // Red alerts are followed by an escalation more often than blue ones.
  const auto& t = e["tiers"];
  ASSERT_GT(t["red"]["alerts"].get<int>(), 20) << out;
  ASSERT_GT(t["blue"]["alerts"].get<int>(), 20) << out;
  EXPECT_GT(t["red"]["precision"].get<double>(), t["blue"]["precision"].get<double>()) << out;
  // The other models' sections are there, with counts that add up.
  for (const char* m : {"repeat_visit", "group_incident", "recurring_matter"}) {
    ASSERT_TRUE(j.contains(m)) << m;
    for (const auto& [tier, r] : j[m]["tiers"].items()) {
      EXPECT_LE(r["followed_by_escalation"].get<int>(), r["alerts"].get<int>()) << m << tier;
    }
  }
  const auto& o = j["overdue"];
  EXPECT_GT(o["alerts"].get<int>(), 0);
  EXPECT_LE(o["warned_then_missed"].get<int>(), o["warned"].get<int>());
  EXPECT_LE(o["missed"].get<int>(), o["alerts"].get<int>());
  // The checkpoints as CSV: a header and one line per checkpoint.
  std::ifstream csv(run.rows_out);
  std::string line;
  size_t lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, e["checkpoints"].get<size_t>() + 1);

  // The text report names every model.
  run.json = false;
  run.rows_out.clear();
  const std::string text = evaluateHistory(run, code);
  ASSERT_EQ(code, 0);
  for (const char* m : {"escalation_risk (pinned)", "AUC", "repeat_visit", "group_incident",
                        "recurring_matter", "overdue"}) {
    EXPECT_NE(text.find(m), std::string::npos) << m << "\n" << text;
  }
}

TEST(EvaluateCommandTest, WithoutAModelFileItLearnsAsTheDaemonDoes) {
  EvaluateRun run;
  run.history = feed(11);
  run.json = true;
  run.sets = {"models.escalation_risk.learn.refit_every_days=15"};
  int code = -1;
  const auto j = nlohmann::json::parse(evaluateHistory(run, code));
  ASSERT_EQ(code, 0);
  EXPECT_EQ(j["escalation_risk"]["mode"], "learning");
  EXPECT_TRUE(j["escalation_risk"]["scoring"].get<bool>()) << j.dump();
  EXPECT_TRUE(j["escalation_risk"]["auc"].is_number());
}

TEST(EvaluateCommandTest, BadOptionsExitTwoAndAMissingFileOne) {
  EvaluateRun run;
  run.history = feed(11);
  run.every_days = 0;
  int code = -1;
  evaluateHistory(run, code);
  EXPECT_EQ(code, 2);
  run.every_days = 10;
  run.sets = {"models.escalation_risk.no_such_key=1"};
  const std::string out = evaluateHistory(run, code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("no_such_key"), std::string::npos) << out;
  run.sets.clear();
  run.history = "/nonexistent/history.jsonl";
  evaluateHistory(run, code);
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace casewatch::evaluate
