// The models.get<RepeatVisitConfig>() and models.get<GroupIncidentConfig>() sections of the config:
// defaults, overrides, and each kind of mistake named by its key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "models/group_incident/group_incident_config.h"
#include "models/repeat_visit/repeat_visit_config.h"

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

TEST(ModelsConfigTest, DefaultsAreTheDocumentedOnes) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.models, ComponentConfigs{});
  EXPECT_DOUBLE_EQ(r.config.models.get<RepeatVisitConfig>().above_level_weight, 1.5);
  EXPECT_EQ(r.config.models.get<GroupIncidentConfig>().ears_method, EarsMethod::kC2);
}

TEST(ModelsConfigTest, OverridesFromAFileAndFromSet) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  repeat_visit: {hawkes_beta: 0.2, yellow_returns_30d: 2, quiet_days: 14}\n"
      "  group_incident: {ears_method: c3, ears_alpha: 0.025, large_group_size: 10}\n",
      {"models.repeat_visit.orange_lambda=0.5"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const ComponentConfigs& m = r.config.models;
  EXPECT_DOUBLE_EQ(m.get<RepeatVisitConfig>().hawkes_beta, 0.2);
  EXPECT_EQ(m.get<RepeatVisitConfig>().yellow_returns_30d, 2);
  EXPECT_EQ(m.get<RepeatVisitConfig>().quiet_days, 14);
  EXPECT_DOUBLE_EQ(m.get<RepeatVisitConfig>().orange_lambda, 0.5);
  EXPECT_EQ(m.get<GroupIncidentConfig>().ears_method, EarsMethod::kC3);
  EXPECT_DOUBLE_EQ(m.get<GroupIncidentConfig>().ears_alpha, 0.025);
  EXPECT_EQ(m.get<GroupIncidentConfig>().large_group_size, 10);
  EXPECT_DOUBLE_EQ(m.get<RepeatVisitConfig>().hawkes_mu,
                   0.002);  // untouched keys keep their defaults
  // The printed config reads back as the same config.
  const ConfigResult again = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_EQ(again.config.models, m);
}

TEST(ModelsConfigTest, BadValuesAreNamedByTheirKey) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  repeat_visit:\n"
      "    hawkes_alpha: 0.3\n"        // >= beta (0.1): explosive
      "    yellow_lambda: \"high\"\n"  // not a number
      "    orange_returns_30d: 2\n"    // below yellow (3)
      "    quiet_dayz: 3\n"            // a typo
      "  group_incident:\n"
      "    ears_method: c4\n"
      "    ears_alpha: 0.9\n"
      "    red_persons_24h: 4\n");  // below orange (15)
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(errorsAt(r, "models.repeat_visit.hawkes_alpha"), HasSubstr("below hawkes_beta"));
  EXPECT_THAT(errorsAt(r, "models.repeat_visit.yellow_lambda"), HasSubstr("expected a number"));
  EXPECT_THAT(errorsAt(r, "models.repeat_visit.orange_returns_30d"),
              HasSubstr("at least models.repeat_visit.yellow_returns_30d"));
  EXPECT_THAT(errorsAt(r, "models.repeat_visit.quiet_dayz"),
              HasSubstr("did you mean \"quiet_days\""));
  EXPECT_THAT(errorsAt(r, "models.group_incident.ears_method"), HasSubstr("c1, c2, c3"));
  EXPECT_THAT(errorsAt(r, "models.group_incident.ears_alpha"), HasSubstr("between"));
  EXPECT_THAT(errorsAt(r, "models.group_incident.red_persons_24h"),
              HasSubstr("at least models.group_incident.orange_persons_24h"));
}

TEST(ModelsConfigTest, BothModelsAreInTheComponentTable) {
  std::vector<std::string_view> names;
  for (const ModelComponent& c : modelComponents()) names.push_back(c.name);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"repeat_visit", "group_incident"}));
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok());
  auto models = buildModels(r.config.models, r.config.clocks);
  ASSERT_TRUE(models.ok()) << models.status();
}

}  // namespace
}  // namespace casewatch
