// The component tables: every model, feed kind and sink has one row, and the config is decoded
// and written through them.
#include "daemon/components.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "alerts/workflow/alert_workflow.h"
#include "daemon/config_loader.h"
#include "daemon/daemon_config.h"
#include "models/key_case/key_case_config.h"
#include "tests/fakes/contract_alert_names.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;

TEST(ComponentsTest, NamesAreUniquePerKind) {
  std::set<std::string_view> models, alertnames, feeds, sinks;
  for (const ModelComponent& m : modelComponents()) {
    EXPECT_TRUE(models.insert(m.name).second) << m.name;
    EXPECT_TRUE(alertnames.insert(m.alertname).second) << m.alertname;
    EXPECT_NE(m.make, nullptr) << m.name;
  }
  for (const FeedComponent& f : feedComponents()) {
    EXPECT_TRUE(feeds.insert(f.name).second) << f.name;
    EXPECT_EQ(feedComponent(f.name), &f);
  }
  for (const SinkComponent& s : sinkComponents()) EXPECT_TRUE(sinks.insert(s.name).second);
  // No count of rows here: a new component is one row, with no number to keep in step.
  EXPECT_FALSE(models.empty());
  EXPECT_FALSE(feeds.empty());
  EXPECT_FALSE(sinks.empty());
}

TEST(ComponentsTest, AlertNamesAreTheModelTablesAndTheContracts) {
  const AlertNames names = modelAlertNames();
  for (const ModelComponent& m : modelComponents()) EXPECT_EQ(names.of(m.name), m.alertname);
  for (const auto& [model, alertname] : testing::contractAlertNameMap()) {
    EXPECT_EQ(names.of(model), alertname) << model;
  }
  EXPECT_EQ(names.of("some_new_model"), "SomeNewModel");  // not in the table
}

TEST(ComponentsTest, TheWorkflowAndItsSilencesGetTheTablesAlertNames) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(workflowOptions(r.config).alert_names, modelAlertNames());
}

TEST(ComponentsTest, RepeatTierIsAnErrorAtItsKeyNotASilentOrange) {
  const ConfigResult r = loadDefaultConfig({"models.key_case.repeat_tier=blue"});
  ASSERT_EQ(r.errors.size(), 1u) << r.describe();
  EXPECT_EQ(r.errors[0].path, "models.key_case.repeat_tier");
  EXPECT_THAT(r.errors[0].message, HasSubstr("expected one of yellow, orange, red; got \"blue\""));
  const ConfigResult red = loadDefaultConfig({"models.key_case.repeat_tier=red"});
  ASSERT_TRUE(red.ok()) << red.describe();
  EXPECT_EQ(red.config.models.get<KeyCaseConfig>().repeat_tier, Tier::kRed);
}

TEST(ComponentsTest, EveryModelOfTheTableIsBuiltFromTheDefaults) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  auto models = buildModels(r.config.models, r.config.clocks);
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_EQ(models->size(), modelComponents().size());
}

}  // namespace
}  // namespace casewatch
