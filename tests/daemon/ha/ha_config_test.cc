// The `ha` section: defaults, every key, bad values at their key path, unknown keys, and the pair
// refused on the SQLite store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;

constexpr const char* kPostgres =
    "store:\n  kind: postgresql\n  postgresql:\n    conninfo: \"host=127.0.0.1 dbname=cw\"\n";

TEST(HaConfigTest, DefaultsAreALoneDaemon) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_FALSE(r.config.ha.enabled);
  EXPECT_EQ(r.config.ha.takeover_seconds, 10);
  EXPECT_EQ(r.config.ha.replica, "");
}

TEST(HaConfigTest, KeysAreReadOnTheSharedStore) {
  const ConfigResult r = loadConfig(std::string(kPostgres) +
                                    "ha:\n  enabled: true\n  takeover_seconds: 5\n"
                                    "  replica: \"db-host-2\"\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(r.config.ha.enabled);
  EXPECT_EQ(r.config.ha.takeover_seconds, 5);
  EXPECT_EQ(r.config.ha.replica, "db-host-2");
}

TEST(HaConfigTest, ThePairNeedsTheSharedStore) {
  const ConfigResult r = loadConfig("ha:\n  enabled: true\n");
  EXPECT_THAT(errorAt(r, "ha.enabled"), HasSubstr("store.kind: postgresql"));
}

TEST(HaConfigTest, BadValuesAreNamedAtTheirKeyPath) {
  const ConfigResult bad = loadConfig(std::string(kPostgres) +
                                      "ha:\n  takeover_seconds: 0\n  replica: \"a b\"\n"
                                      "  leader: true\n");
  EXPECT_THAT(errorAt(bad, "ha.takeover_seconds"), HasSubstr("got 0"));
  EXPECT_THAT(errorAt(bad, "ha.replica"), HasSubstr("\"a b\""));
  EXPECT_THAT(errorAt(bad, "ha.leader"), HasSubstr("unknown key"));
  const ConfigResult too_long = loadConfig("ha:\n  takeover_seconds: 301\n");
  EXPECT_THAT(errorAt(too_long, "ha.takeover_seconds"), HasSubstr("got 301"));
}

TEST(HaConfigTest, TheSectionIsWrittenBackAsItReads) {
  const ConfigResult r =
      loadConfig(std::string(kPostgres) + "ha:\n  enabled: true\n  replica: \"a\"\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const std::string text = formatConfigYaml(r.config);
  EXPECT_THAT(text, HasSubstr("ha:"));
  const ConfigResult again = loadConfig(text);
  ASSERT_TRUE(again.ok()) << again.describe() << text;
  EXPECT_EQ(again.config.ha, r.config.ha);
}

}  // namespace
}  // namespace casewatch
