// The models.get<KeyCaseConfig>() and models.get<StabilityConfig>() sections of the config:
// defaults, overrides, the printed form, and each kind of mistake named by its key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "models/key_case/key_case_config.h"
#include "models/stability/stability_config.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;

std::string errorsAt(const ConfigResult& r, const std::string& path) {
  std::string out;
  for (const ConfigError& e : r.errors) {
    if (e.path == path) out += e.message + "\n";
  }
  return out;
}

TEST(KeyCaseConfigTest, DefaultsAreTheDocumentedOnes) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.models.get<KeyCaseConfig>(), KeyCaseConfig{});
  EXPECT_EQ(r.config.models.get<StabilityConfig>(), StabilityConfig{});
  EXPECT_EQ(r.config.models.get<KeyCaseConfig>().repeat_tier, Tier::kOrange);
  EXPECT_EQ(r.config.models.get<KeyCaseConfig>().exit_quiet_days, 90);
  EXPECT_DOUBLE_EQ(r.config.models.get<StabilityConfig>().scale, 40);
}

TEST(KeyCaseConfigTest, OverridesReadBackFromThePrintedConfig) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  key_case: {repeat_tier: red, person_open_cases: 4, exit_quiet_days: 30}\n"
      "  stability: {scale: 60, red_below: 20, hysteresis: 2}\n",
      {"models.key_case.owner_idle_days=14"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const ComponentConfigs& m = r.config.models;
  EXPECT_EQ(m.get<KeyCaseConfig>().repeat_tier, Tier::kRed);
  EXPECT_EQ(m.get<KeyCaseConfig>().person_open_cases, 4);
  EXPECT_EQ(m.get<KeyCaseConfig>().exit_quiet_days, 30);
  EXPECT_EQ(m.get<KeyCaseConfig>().owner_idle_days, 14);
  EXPECT_DOUBLE_EQ(m.get<StabilityConfig>().scale, 60);
  EXPECT_DOUBLE_EQ(m.get<StabilityConfig>().red_below, 20);
  EXPECT_DOUBLE_EQ(m.get<StabilityConfig>().weight_red, 8);  // untouched keys keep their defaults
  const ConfigResult again = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_EQ(again.config.models, m);
}

TEST(KeyCaseConfigTest, MistakesAreNamedByTheirKeyPath) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  key_case: {repeat_tier: purple, person_open_cases: 1, exit_quiet_dayz: 3,\n"
      "             owner_idle_days: 40, owner_idle_red_days: 20}\n"
      "  stability: {scale: 0, orange_below: 80, yellow_below: 60, hysteresis: 90}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(errorsAt(r, "models.key_case.repeat_tier"), HasSubstr("orange"));
  EXPECT_FALSE(errorsAt(r, "models.key_case.person_open_cases").empty());
  EXPECT_FALSE(errorsAt(r, "models.key_case.exit_quiet_dayz").empty());
  EXPECT_THAT(errorsAt(r, "models.key_case.owner_idle_red_days"),
              HasSubstr("at least models.key_case.owner_idle_days"));
  EXPECT_FALSE(errorsAt(r, "models.stability.scale").empty());
  EXPECT_THAT(errorsAt(r, "models.stability.yellow_below"),
              HasSubstr("at least models.stability.orange_below"));
  EXPECT_FALSE(errorsAt(r, "models.stability.hysteresis").empty());
}

TEST(KeyCaseConfigTest, BothModelsAreInTheComponentTableAfterTheModelsTheyReadFrom) {
  std::vector<std::string_view> names;
  for (const ModelComponent& c : modelComponents()) names.push_back(c.name);
  auto at = [&](std::string_view n) { return std::find(names.begin(), names.end(), n); };
  ASSERT_NE(at("key_case"), names.end());
  ASSERT_NE(at("stability"), names.end());
  EXPECT_LT(at("repeat_visit"), at("key_case"));
  EXPECT_LT(at("key_case"), at("stability"));
  EXPECT_LT(at("group_incident"), at("stability"));
}

}  // namespace
}  // namespace casewatch
