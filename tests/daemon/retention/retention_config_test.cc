// The `retention` section: defaults, every key, 0 = keep forever, bad values at their key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;

TEST(RetentionConfigTest, Defaults) {
  const ConfigResult r = loadDefaultConfig();
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.retention.closed_case_days, 730);
  EXPECT_EQ(r.config.retention.alert_history_days, 1095);
  EXPECT_EQ(r.config.retention.dead_letter_days, 90);
}

TEST(RetentionConfigTest, KeysAreReadZeroKeepsForeverAndBadValuesAreNamed) {
  const ConfigResult r = loadConfig(
      "retention:\n  closed_case_days: 0\n  alert_history_days: 10\n  dead_letter_days: 1\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.retention.closed_case_days, 0);
  EXPECT_EQ(r.config.retention.alert_history_days, 10);
  EXPECT_EQ(r.config.retention.dead_letter_days, 1);
  const ConfigResult bad = loadConfig(
      "retention:\n  closed_case_days: -1\n  alert_history_days: 36501\n"
      "  dead_letters_days: 5\n");
  EXPECT_THAT(errorAt(bad, "retention.closed_case_days"), HasSubstr("got -1"));
  EXPECT_THAT(errorAt(bad, "retention.alert_history_days"), HasSubstr("got 36501"));
  EXPECT_THAT(errorAt(bad, "retention.dead_letters_days"), HasSubstr("unknown key"));
}

}  // namespace
}  // namespace casewatch
