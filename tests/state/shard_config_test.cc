// The `shard` section: defaults, every key, bad prefixes at their key path, unknown keys.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using testing::errorAt;
using ::testing::HasSubstr;

TEST(ShardConfigTest, DefaultsWatchEveryRegion) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(r.config.shard.regions.empty());
  EXPECT_EQ(r.config.shard.forget_foreign_after_days, 400);
}

TEST(ShardConfigTest, KeysAreRead) {
  const ConfigResult r =
      loadConfig("shard:\n  regions: [\"3301\", \"3302\"]\n  forget_foreign_after_days: 30\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_THAT(r.config.shard.regions, ElementsAre("3301", "3302"));
  EXPECT_EQ(r.config.shard.forget_foreign_after_days, 30);
}

TEST(ShardConfigTest, BadValuesAreNamedAtTheirKeyPath) {
  const ConfigResult bad = loadConfig(
      "shard:\n  regions: [\"3301\", \"33a1\", \"\", \"3301\", \"1234567890123\"]\n"
      "  forget_foreign_after_days: 0\n  region: [\"33\"]\n");
  EXPECT_THAT(errorAt(bad, "shard.regions[1]"), HasSubstr("digits"));
  EXPECT_THAT(errorAt(bad, "shard.regions[1]"), HasSubstr("\"33a1\""));
  EXPECT_THAT(errorAt(bad, "shard.regions[2]"), HasSubstr("digits"));
  EXPECT_THAT(errorAt(bad, "shard.regions[3]"), HasSubstr("listed twice"));
  EXPECT_THAT(errorAt(bad, "shard.regions[4]"), HasSubstr("1 to 12 digits"));
  EXPECT_THAT(errorAt(bad, "shard.forget_foreign_after_days"), HasSubstr("got 0"));
  EXPECT_THAT(errorAt(bad, "shard.region"), HasSubstr("unknown key"));
  // A number where a string is expected is refused too (YAML 3301 is not "3301").
  const ConfigResult not_text = loadConfig("shard:\n  regions: {a: 1}\n");
  EXPECT_FALSE(not_text.ok());
}

TEST(ShardConfigTest, TheSectionIsWrittenBackAsItReads) {
  const ConfigResult r = loadConfig("shard:\n  regions: [\"52\", \"0\"]\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const std::string text = formatConfigYaml(r.config);
  EXPECT_THAT(text, HasSubstr("shard:"));
  const ConfigResult again = loadConfig(text);
  ASSERT_TRUE(again.ok()) << again.describe() << text;
  EXPECT_EQ(again.config.shard, r.config.shard);
}

}  // namespace
}  // namespace casewatch
