// The models.get<EscalationRiskConfig>() section of the config: defaults, overrides, and each kind
// of mistake named by its key path (an unreadable model file included).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "models/escalation_risk/escalation_risk_config.h"
#include "tests/source_paths.h"

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

TEST(EscalationRiskConfigTest, DefaultsAreOffAndOverridesApply) {
  const ConfigResult d = loadDefaultConfig();
  ASSERT_TRUE(d.ok()) << d.describe();
  EXPECT_TRUE(d.config.models.get<EscalationRiskConfig>().model_file.empty());
  EXPECT_DOUBLE_EQ(d.config.models.get<EscalationRiskConfig>().yellow_probability, 0.35);

  const ConfigResult r = loadConfig(
      "models:\n"
      "  escalation_risk: {model_file: " CASEWATCH_SOURCE_DIR
      "/config/escalation_model.json, red_probability: 0.8, top_features: 5}\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const EscalationRiskConfig& e = r.config.models.get<EscalationRiskConfig>();
  EXPECT_DOUBLE_EQ(e.red_probability, 0.8);
  EXPECT_EQ(e.top_features, 5);
  const ConfigResult again = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_EQ(again.config.models.get<EscalationRiskConfig>(), e);
  // The component table builds the model from the shipped model file.
  auto models = buildModels(r.config.models, r.config.clocks);
  ASSERT_TRUE(models.ok()) << models.status();
  bool found = false;
  for (const auto& m : *models) found = found || m->name() == "escalation_risk";
  EXPECT_TRUE(found);
}

TEST(EscalationRiskConfigTest, MistakesAreNamedByTheirKey) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  escalation_risk:\n"
      "    model_file: /nonexistent/model.json\n"
      "    yellow_probability: 0.6\n"
      "    orange_probability: 0.5\n"
      "    red_probability: 1.5\n"
      "    top_feature: 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(errorsAt(r, "models.escalation_risk.model_file"), HasSubstr("cannot read"));
  EXPECT_THAT(errorsAt(r, "models.escalation_risk.orange_probability"),
              HasSubstr("at least models.escalation_risk.yellow_probability"));
  EXPECT_THAT(errorsAt(r, "models.escalation_risk.red_probability"), HasSubstr("between"));
  EXPECT_FALSE(errorsAt(r, "models.escalation_risk.top_feature").empty());
}

}  // namespace
}  // namespace casewatch
