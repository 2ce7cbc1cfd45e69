// The keys of a zmq_pull or zmq_sub item of `feeds`: decoded into ZmqFeedConfig through the feed
// table, written back, and each kind of mistake named by its key path.
#include "connectors/zmq_feed/zmq_feed_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "connectors/feed_config.h"
#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"
#include "tests/source_paths.h"

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using testing::errorAt;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const std::string kFixtures = std::string(CASEWATCH_TESTDATA_DIR) + "/config/zmq_feed/";

TEST(ZmqFeedConfigTest, GoodFileSetsEveryKeyAndPrintsBackEqual) {
  const ConfigResult r = loadConfigFile(kFixtures + "good.yaml");
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_THAT(r.config.feeds, SizeIs(2));
  const FeedConfig& sub = r.config.feeds[0];
  EXPECT_EQ(sub.kind, "zmq_sub");
  const ZmqFeedConfig& c = sub.own.get<ZmqFeedConfig>();
  EXPECT_EQ(c.socket, ZmqSocketType::kSub);
  EXPECT_FALSE(c.bind);
  EXPECT_THAT(c.topics, ElementsAre("case.", "visit"));
  EXPECT_EQ(c.rcvhwm, 5000);
  EXPECT_EQ(c.heartbeat_interval_ms, 2000);
  EXPECT_EQ(c.heartbeat_timeout_ms, 10000);
  EXPECT_EQ(c.curve.secret_key_file, "/etc/casewatch/daemon.key");
  EXPECT_EQ(c.curve.server_public_key_file, "/etc/casewatch/intake.pub");
  EXPECT_EQ(c.curve.clients_file, "");
  EXPECT_FALSE(c.insecure);
  EXPECT_THAT(c.sources, ElementsAre("hotline", "web-intake"));
  // No kind: the table's first row, a PULL socket with the defaults.
  EXPECT_EQ(r.config.feeds[1].kind, "zmq_pull");
  EXPECT_EQ(r.config.feeds[1].own.get<ZmqFeedConfig>(), ZmqFeedConfig{});

  const ConfigResult back = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(back.ok()) << back.describe();
  EXPECT_EQ(back.config.feeds, r.config.feeds);
}

TEST(ZmqFeedConfigTest, BadFileNamesEachMistakeAtItsKey) {
  const std::string file = kFixtures + "bad.yaml";
  const ConfigResult r = loadConfigFile(file);
  EXPECT_EQ(errorAt(r, "feeds[0].rcvhwn"),
            "unknown key (did you mean \"rcvhwm\"?) (at " + file + ":4:5)");
  EXPECT_THAT(errorAt(r, "feeds[1].rcvhwm"), HasSubstr("got -1"));
  EXPECT_THAT(errorAt(r, "feeds[2].kind"),
              HasSubstr("expected one of zmq_pull, zmq_sub, jsonl; got \"zmq_push\""));
  EXPECT_THAT(errorAt(r, "feeds[3].endpoint"), HasSubstr("expected a ZeroMQ endpoint"));
  EXPECT_THAT(errorAt(r, "feeds[4].topics"), HasSubstr("only allowed for kind zmq_sub"));
  EXPECT_THAT(errorAt(r, "feeds[5].heartbeat_timeout_ms"),
              HasSubstr("must be at least heartbeat_interval_ms (2000), got 500"));
  EXPECT_THAT(errorAt(r, "feeds[6].rcvhwm"), HasSubstr("0 (unlimited) is refused"));
  EXPECT_THAT(errorAt(r, "feeds[7].rcvhwm"), HasSubstr("got 1000001"));
  EXPECT_THAT(r.errors, SizeIs(8)) << r.describe();
}

TEST(ZmqFeedConfigTest, DefaultHighWaterMarkIsBounded) {
  EXPECT_EQ(ZmqFeedConfig{}.rcvhwm, 10000);
  const ConfigResult r = loadConfig("feeds:\n  - name: a\n    endpoint: tcp://127.0.0.1:5570\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.config.feeds[0].own.get<ZmqFeedConfig>().rcvhwm, 10000);
}

TEST(ZmqFeedConfigTest, UnlimitedHighWaterMarkIsRefusedWithItsKeyPath) {
  const ConfigResult r =
      loadConfig("feeds:\n  - name: a\n    endpoint: tcp://127.0.0.1:5570\n    rcvhwm: 0\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(errorAt(r, "feeds[0].rcvhwm"),
              HasSubstr("0 (unlimited) is refused: a fast or hostile producer could fill memory"));
}

ConfigResult feed(const std::string& keys) {
  return loadConfig("feeds:\n  - name: a\n" + keys);
}

TEST(ZmqFeedConfigTest, UnknownCurveKeyIsNamedWithItsPath) {
  const ConfigResult r =
      feed("    endpoint: tcp://127.0.0.1:5570\n    curve:\n      secret_key: /k\n");
  EXPECT_THAT(errorAt(r, "feeds[0].curve.secret_key"), HasSubstr("unknown key"));
}

TEST(ZmqFeedConfigTest, OffLoopbackWithoutCurveNeedsInsecure) {
  for (const char* endpoint : {"tcp://0.0.0.0:5570", "tcp://*:5570", "tcp://10.1.2.3:5570",
                               "tcp://eth0:5570", "tcp://[::]:5570"}) {
    const ConfigResult r = feed(std::string("    endpoint: \"") + endpoint + "\"\n");
    EXPECT_THAT(errorAt(r, "feeds[0].insecure"),
                HasSubstr("is not on loopback and has no CURVE keys"))
        << endpoint;
    EXPECT_THAT(errorAt(r, "feeds[0].insecure"), HasSubstr("insecure: true")) << endpoint;
    EXPECT_TRUE(feed(std::string("    endpoint: \"") + endpoint + "\"\n    insecure: true\n").ok())
        << endpoint;
  }
  // Loopback, ipc and inproc stay on the host: no insecure needed.
  for (const char* endpoint : {"tcp://127.0.0.1:5570", "tcp://localhost:5570", "tcp://[::1]:5570",
                               "ipc:///run/x", "inproc://x"}) {
    EXPECT_TRUE(feed(std::string("    endpoint: \"") + endpoint + "\"\n").ok()) << endpoint;
  }
  // With CURVE, no insecure needed either.
  const ConfigResult curve = feed(
      "    endpoint: tcp://0.0.0.0:5570\n    curve:\n      secret_key_file: /k\n"
      "      clients_file: /c\n");
  EXPECT_TRUE(curve.ok()) << curve.describe();
}

TEST(ZmqFeedConfigTest, CurveKeysMustFitTheSocketsRole) {
  // Bound: the server needs the client list, and has no server key of its own to name.
  ConfigResult r = feed(
      "    endpoint: tcp://127.0.0.1:5570\n    curve:\n      secret_key_file: /k\n"
      "      server_public_key_file: /s\n");
  EXPECT_THAT(errorAt(r, "feeds[0].curve.clients_file"), HasSubstr("required"));
  EXPECT_THAT(errorAt(r, "feeds[0].curve.server_public_key_file"),
              HasSubstr("only for a connecting"));
  // Connecting: the client needs the server's key; a client list means nothing there.
  r = feed(
      "    endpoint: tcp://127.0.0.1:5570\n    bind: false\n    curve:\n"
      "      secret_key_file: /k\n      clients_file: /c\n");
  EXPECT_THAT(errorAt(r, "feeds[0].curve.server_public_key_file"), HasSubstr("required"));
  EXPECT_THAT(errorAt(r, "feeds[0].curve.clients_file"), HasSubstr("only for a bound"));
  // Another key without the secret key.
  r = feed("    endpoint: tcp://127.0.0.1:5570\n    curve:\n      clients_file: /c\n");
  EXPECT_THAT(errorAt(r, "feeds[0].curve.secret_key_file"), HasSubstr("required"));
}

TEST(ZmqFeedConfigTest, SourcesMustNotBeEmptyStrings) {
  const ConfigResult r = feed("    endpoint: tcp://127.0.0.1:5570\n    sources: [a, \"\"]\n");
  EXPECT_THAT(errorAt(r, "feeds[0].sources[1]"), HasSubstr("must not be empty"));
}

}  // namespace
}  // namespace casewatch
