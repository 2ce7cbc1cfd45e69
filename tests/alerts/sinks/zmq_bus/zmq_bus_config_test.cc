// publish: the bus's endpoint, its CURVE keys and the insecure rule, named by key path.
#include "alerts/sinks/zmq_bus/zmq_bus_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config_loader.h"
#include "tests/fakes/config_errors.h"

namespace casewatch {
namespace {

using testing::errorAt;
using ::testing::HasSubstr;

TEST(ZmqBusConfigTest, CurveKeysAreReadAndPrintedBack) {
  const ConfigResult r = loadConfig(
      "publish:\n  zmq: tcp://0.0.0.0:5571\n  curve:\n    secret_key_file: /etc/cw/bus.key\n"
      "    clients_file: /etc/cw/subscribers\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const ZmqBusConfig& c = r.config.sinks.get<ZmqBusConfig>();
  EXPECT_EQ(c.curve.secret_key_file, "/etc/cw/bus.key");
  EXPECT_EQ(c.curve.clients_file, "/etc/cw/subscribers");
  const ConfigResult back = loadConfig(formatConfigYaml(r.config));
  ASSERT_TRUE(back.ok()) << back.describe();
  EXPECT_EQ(back.config.sinks.get<ZmqBusConfig>(), c);
}

TEST(ZmqBusConfigTest, OffLoopbackWithoutCurveNeedsInsecure) {
  const ConfigResult r = loadConfig("publish:\n  zmq: tcp://0.0.0.0:5571\n");
  EXPECT_THAT(errorAt(r, "publish.insecure"), HasSubstr("is not on loopback and has no CURVE"));
  EXPECT_TRUE(loadConfig("publish:\n  zmq: tcp://0.0.0.0:5571\n  insecure: true\n").ok());
  EXPECT_TRUE(loadConfig("publish:\n  zmq: tcp://127.0.0.1:5571\n").ok());
  EXPECT_TRUE(loadConfig("publish:\n  zmq: \"\"\n").ok());
}

TEST(ZmqBusConfigTest, CurveNeedsTheClientListAndKnowsItsKeys) {
  ConfigResult r = loadConfig("publish:\n  curve:\n    secret_key_file: /k\n");
  EXPECT_THAT(errorAt(r, "publish.curve.clients_file"), HasSubstr("required"));
  r = loadConfig("publish:\n  curve:\n    secret_key_fil: /k\n");
  EXPECT_THAT(errorAt(r, "publish.curve.secret_key_fil"), HasSubstr("unknown key"));
}

}  // namespace
}  // namespace casewatch
