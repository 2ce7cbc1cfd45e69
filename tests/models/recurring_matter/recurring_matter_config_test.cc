// The models.recurring_matter section: defaults, overrides read back from the printed config, and
// mistakes named by their key path.
#include "models/recurring_matter/recurring_matter_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;

TEST(RecurringMatterConfigTest, DefaultsAreTheDocumentedOnes) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  const auto& c = r.config.models.get<RecurringMatterConfig>();
  EXPECT_EQ(c, RecurringMatterConfig{});
  EXPECT_DOUBLE_EQ(c.yellow_p, 1e-3);
  EXPECT_EQ(c.min_returns_30d, 4);
}

TEST(RecurringMatterConfigTest, OverridesReadBackFromThePrintedConfig) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  recurring_matter: {yellow_p: 0.01, min_returns_30d: 3, dispersion_size: 0.5}\n",
      {"models.recurring_matter.quiet_days=14"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const auto& c = r.config.models.get<RecurringMatterConfig>();
  EXPECT_DOUBLE_EQ(c.yellow_p, 0.01);
  EXPECT_EQ(c.min_returns_30d, 3);
  EXPECT_DOUBLE_EQ(c.dispersion_size, 0.5);
  EXPECT_EQ(c.quiet_days, 14);
  EXPECT_DOUBLE_EQ(c.red_p, 1e-7);  // untouched
  const ConfigResult again = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(again.ok()) << again.describe();
  EXPECT_EQ(again.config.models, r.config.models);
}

TEST(RecurringMatterConfigTest, MistakesAreNamedByTheirKey) {
  const ConfigResult r = loadConfig(
      "models:\n"
      "  recurring_matter:\n"
      "    orange_p: 0.01\n"  // above yellow_p (0.001): tiers would not rise
      "    min_returns_90d: 0\n"
      "    dispersion: 2\n");  // a typo
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(errorAt(r, "models.recurring_matter.yellow_p"),
              HasSubstr("must be at least models.recurring_matter.orange_p"));
  EXPECT_THAT(errorAt(r, "models.recurring_matter.min_returns_90d"), HasSubstr("1"));
  EXPECT_THAT(errorAt(r, "models.recurring_matter.dispersion"), HasSubstr("unknown key"));
}

}  // namespace
}  // namespace casewatch
