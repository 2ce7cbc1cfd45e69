// The keys of a jsonl item of `feeds`: the shared ones only, with the keys every kind once shared
// still accepted; each kind of mistake named by its key path.
#include "connectors/jsonl_feed/jsonl_feed_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "connectors/feed_config.h"
#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const std::string kFixtures = std::string(CASEWATCH_TESTDATA_DIR) + "/config/jsonl_feed/";

TEST(JsonlFeedConfigTest, GoodFileLoadsAndPrintsBackEqual) {
  const ConfigResult r = loadConfigFile(kFixtures + "good.yaml");
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_THAT(r.config.feeds, SizeIs(2));
  EXPECT_EQ(r.config.feeds[0].kind, "jsonl");
  EXPECT_EQ(r.config.feeds[0].endpoint, "/data/events.jsonl");
  EXPECT_EQ(r.config.feeds[1].endpoint, "-");
  const ConfigResult back = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(back.ok()) << back.describe();
  EXPECT_EQ(back.config.feeds, r.config.feeds);
}

TEST(JsonlFeedConfigTest, BadFileNamesEachMistakeAtItsKey) {
  const std::string file = kFixtures + "bad.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_EQ(errorAt(r, "feeds[0].endpont"),
            "unknown key (did you mean \"endpoint\"?) (at " + file + ":4:5)");
  EXPECT_EQ(errorAt(r, "feeds[0].endpoint"), "must not be empty (at " + file + ":2:5)");
  EXPECT_THAT(errorAt(r, "feeds[1].rcvhwm"), HasSubstr("got -1"));
  EXPECT_THAT(errorAt(r, "feeds[2].topics"), HasSubstr("only allowed for kind zmq_sub"));
  EXPECT_THAT(errorAt(r, "feeds[3].kind"),
              HasSubstr("expected one of zmq_pull, zmq_sub, jsonl; got \"JSONL\""));
  // With its kind refused, the item is read as the default kind (zmq_pull), as before the table.
  EXPECT_THAT(errorAt(r, "feeds[3].endpoint"), HasSubstr("expected a ZeroMQ endpoint"));
  EXPECT_THAT(r.errors, SizeIs(6)) << r.describe();
}

}  // namespace
}  // namespace casewatch
