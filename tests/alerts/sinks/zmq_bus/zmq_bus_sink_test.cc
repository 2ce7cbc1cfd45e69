// The ZeroMQ bus sink against a real SUB socket on loopback (port 0): the topic frame, the body
// frame, and a subscriber's prefix filter.
#include "alerts/sinks/zmq_bus/zmq_bus_sink.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "tests/fakes/eventually.h"

namespace casewatch {
namespace {

ZmqBusConfig busAt(const std::string& endpoint) {
  ZmqBusConfig c;
  c.endpoint = endpoint;
  return c;
}

using testing::eventually;
using Json = nlohmann::json;

constexpr TimeMs kAt = 1772586900000;

AlertChange change(const std::string& model, const std::string& subject, Tier tier) {
  AlertChange c;
  c.kind = ChangeKind::kFired;
  c.at = kAt;
  Alert& a = c.alert;
  a.model = model;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = subject;
  a.alert_id = alertFingerprint(model, SubjectKind::kCase, subject);
  a.tier = tier;
  a.starts_at = kAt;
  a.updated_at = kAt;
  return c;
}

class ZmqBusSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sink =
        ZmqBusSink::create(ctx_, busAt("tcp://127.0.0.1:0"), nullptr, AlertJsonOptions{"en", 480});
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = std::move(*sink);
    sub_.set(zmq::sockopt::linger, 0);
  }

  void subscribe(const std::string& prefix) {
    sub_.set(zmq::sockopt::subscribe, prefix);
    sub_.connect(sink_->boundEndpoint());
  }

  // The next (topic, body) message, if one arrives within `ms`.
  std::optional<std::pair<std::string, std::string>> receive(int ms) {
    zmq::pollitem_t item{static_cast<void*>(sub_), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(ms)) == 0) return std::nullopt;
    zmq::message_t topic, body;
    if (!sub_.recv(topic)) return std::nullopt;
    EXPECT_TRUE(topic.more()) << "an alert is two frames";
    if (!sub_.recv(body)) return std::nullopt;
    EXPECT_FALSE(body.more());
    return std::make_pair(topic.to_string(), body.to_string());
  }

  // A PUB socket drops what it sends before a subscription has reached it, so send until one
  // message gets through; after that, ZeroMQ keeps the order of what follows on this connection.
  std::pair<std::string, std::string> firstThrough(const AlertChange& c) {
    std::optional<std::pair<std::string, std::string>> got;
    EXPECT_TRUE(eventually([&] {
      EXPECT_EQ(sink_->deliver(c), SinkOutcome::kDelivered);
      got = receive(10);
      return got.has_value();
    }));
    // Earlier sends of the same change may still be queued: drain them.
    while (auto more = receive(50)) EXPECT_EQ(more->first, got ? got->first : "");
    return got.value_or(std::make_pair(std::string(), std::string()));
  }

  zmq::context_t ctx_;
  std::unique_ptr<ZmqBusSink> sink_;
  zmq::socket_t sub_{ctx_, zmq::socket_type::sub};
};

TEST_F(ZmqBusSinkTest, BindsAnEphemeralLoopbackPort) {
  EXPECT_EQ(sink_->name(), "zmq_bus");
  EXPECT_EQ(sink_->boundEndpoint().rfind("tcp://127.0.0.1:", 0), 0u) << sink_->boundEndpoint();
  EXPECT_NE(sink_->boundEndpoint(), "tcp://127.0.0.1:0");
}

TEST_F(ZmqBusSinkTest, PublishesTopicByTierAndModelThenTheAlertJson) {
  subscribe("alert.");
  const auto [topic, body] = firstThrough(change("overdue", "C-1", Tier::kRed));
  EXPECT_EQ(topic, "alert.red.overdue");
  const Json j = Json::parse(body);
  EXPECT_EQ(j["alert_id"], alertFingerprint("overdue", SubjectKind::kCase, "C-1"));
  EXPECT_EQ(j["tier"], "red");
  EXPECT_EQ(j["model"], "overdue");
}

TEST_F(ZmqBusSinkTest, ASubscriberToOneTierSeesOnlyThatTier) {
  subscribe("alert.red.");
  firstThrough(change("overdue", "C-0", Tier::kRed));
  // Subscribed and connected: a yellow alert is filtered out, the red one after it arrives next.
  ASSERT_EQ(sink_->deliver(change("repeat_visit", "C-1", Tier::kYellow)), SinkOutcome::kDelivered);
  ASSERT_EQ(sink_->deliver(change("repeat_visit", "C-2", Tier::kRed)), SinkOutcome::kDelivered);
  // Late copies of the first (red) change may still come; the next other message is C-2's.
  std::optional<std::pair<std::string, std::string>> next;
  ASSERT_TRUE(eventually([&] {
    next = receive(10);
    return next && Json::parse(next->second)["subject"]["id"] != "C-0";
  }));
  EXPECT_EQ(next->first, "alert.red.repeat_visit");
  EXPECT_EQ(Json::parse(next->second)["subject"]["id"], "C-2");
}

TEST_F(ZmqBusSinkTest, ExtraTopicsArePublishedAsGiven) {
  subscribe("escalation.");
  std::optional<std::pair<std::string, std::string>> got;
  ASSERT_TRUE(eventually([&] {
    EXPECT_EQ(sink_->publish("escalation.1", R"({"level":1})"), SinkOutcome::kDelivered);
    return (got = receive(10)).has_value();
  }));
  EXPECT_EQ(got->first, "escalation.1");
  EXPECT_EQ(got->second, R"({"level":1})");
}

TEST(ZmqBusSinkCreateTest, ABadEndpointIsUnavailable) {
  zmq::context_t ctx;
  auto sink = ZmqBusSink::create(ctx, busAt("tcp://not an endpoint"), nullptr, {});
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace casewatch
