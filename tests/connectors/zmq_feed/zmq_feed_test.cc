#include "connectors/zmq_feed/zmq_feed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/zmq_curve/curve_keys.h"
#include "base/zmq_curve/zap_authenticator.h"
#include "tests/fakes/eventually.h"
#include "tests/fakes/feed_lines.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::acceptedLine;
using ::testing::ElementsAre;
using testing::eventually;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::visitLine;

// Records what the feed hands over; optionally keeps the batches alive (to hold in-flight slots).
class Collector {
 public:
  BatchHandler handler() {
    return [this](DecodedBatchPtr batch) {
      std::lock_guard lock(mu_);
      ++batches_;
      for (const CaseEvent& e : batch->events) {
        ids_.push_back(e.event_id);
        types_.push_back(e.type);
      }
      for (const Rejection& r : batch->rejections) rejections_.push_back(r);
      if (hold_) held_.push_back(std::move(batch));
    };
  }
  void hold(bool on) {
    std::lock_guard lock(mu_);
    hold_ = on;
  }
  // Drops the oldest `n` held batches (releasing their in-flight slots).
  void release(size_t n) {
    std::vector<DecodedBatchPtr> dropped;
    {
      std::lock_guard lock(mu_);
      n = std::min(n, held_.size());
      for (size_t i = 0; i < n; ++i) dropped.push_back(std::move(held_[i]));
      held_.erase(held_.begin(), held_.begin() + static_cast<long>(n));
    }
  }
  size_t batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  size_t entries() const {
    std::lock_guard lock(mu_);
    return ids_.size() + rejections_.size();
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mu_);
    return ids_;
  }
  std::vector<EventType> types() const {
    std::lock_guard lock(mu_);
    return types_;
  }
  std::vector<Rejection> rejections() const {
    std::lock_guard lock(mu_);
    return rejections_;
  }
  bool hasId(const std::string& id) const {
    std::lock_guard lock(mu_);
    return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
  }

 private:
  mutable std::mutex mu_;
  bool hold_ = false;
  size_t batches_ = 0;
  std::vector<std::string> ids_;
  std::vector<EventType> types_;
  std::vector<Rejection> rejections_;
  std::vector<DecodedBatchPtr> held_;
};

class ZmqFeedTest : public ::testing::Test {
 protected:
  static FeedConfig feedConfig(std::string endpoint = "tcp://127.0.0.1:*") {
    FeedConfig f;
    f.name = "test";
    f.endpoint = std::move(endpoint);
    return f;
  }
  static ZmqFeedConfig zmqConfig(ZmqSocketType socket, bool bind = true) {
    ZmqFeedConfig c;
    c.socket = socket;
    c.bind = bind;
    return c;
  }
  static void sendFrames(zmq::socket_t& s, const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      s.send(zmq::buffer(frames[i]),
             i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
  // PUB/SUB drops whatever is published before the subscription reaches the publisher, so keep
  // publishing a probe until one arrives.
  void waitForSubscription(zmq::socket_t& pub, Collector& collector) {
    int n = 0;
    ASSERT_TRUE(eventually([&] {
      sendFrames(pub, {"case.accepted", acceptedLine("probe-" + std::to_string(n++))});
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return collector.entries() > 0;
    }));
  }

  zmq::context_t context_{1};
  IngestConfig ingest_;
  Pseudonymizer pseudonymizer_{Pseudonymizer::demoKey()};
};

TEST_F(ZmqFeedTest, PullTakesOneTwoAndMoreFrameMessagesInOrder) {
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_);
  EXPECT_FALSE(feed.connected());
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  EXPECT_TRUE(feed.connected());
  const std::string endpoint = feed.boundEndpoint();
  EXPECT_THAT(endpoint, HasSubstr("tcp://127.0.0.1:"));
  EXPECT_THAT(endpoint, ::testing::Not(HasSubstr("*")));

  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(endpoint);
  sendFrames(push, {acceptedLine("e1")});
  sendFrames(push, {"case.accepted", acceptedLine("e2")});
  sendFrames(push, {"a", "b", acceptedLine("e3")});

  ASSERT_TRUE(eventually([&] { return collector.entries() == 3; }));
  EXPECT_THAT(collector.ids(), ElementsAre("e1", "e2", "e3"));
  EXPECT_TRUE(collector.rejections().empty());
  EXPECT_EQ(feed.stats().messages.load(), 3u);
  EXPECT_EQ(feed.stats().bytes.load(),
            3 * acceptedLine("e1").size() + std::string("case.accepted").size() + 2);
  EXPECT_EQ(feed.stats().batches.load(), collector.batches());
  feed.stop();
  EXPECT_FALSE(feed.connected());
}

TEST_F(ZmqFeedTest, BatchesCarryArrivalTimeAndFeedName) {
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_);
  std::mutex mu;
  std::vector<DecodedBatchPtr> batches;
  ASSERT_TRUE(feed.start([&](DecodedBatchPtr b) {
                    std::lock_guard lock(mu);
                    batches.push_back(std::move(b));
                  })
                  .ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.connect(feed.boundEndpoint());
  sendFrames(push, {acceptedLine("e1")});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return !batches.empty();
  }));
  feed.stop();
  EXPECT_EQ(batches[0]->feed, "test");
  EXPECT_GT(batches[0]->received_steady_ns, 0);
  EXPECT_FALSE(batches[0]->end_of_input);
  EXPECT_NE(batches[0]->in_flight_token, nullptr);
  EXPECT_EQ(feed.batchesInFlight(), 1);
  batches.clear();
  EXPECT_EQ(feed.batchesInFlight(), 0);
}

TEST_F(ZmqFeedTest, SubDeliversOnlyMatchingTopics) {
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kSub);
  config.topics = {"case."};
  ZmqFeed feed(feedConfig(), config, ingest_, context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t pub(context_, zmq::socket_type::pub);
  pub.set(zmq::sockopt::linger, 0);
  pub.connect(feed.boundEndpoint());
  waitForSubscription(pub, collector);

  sendFrames(pub, {"visit", visitLine("v1")});
  sendFrames(pub,
             {acceptedLine("single-frame")});  // the JSON itself is the topic: "{..." ≠ "case."
  sendFrames(pub, {"case.accepted", acceptedLine("marker")});
  // One publisher to one subscriber keeps order, so once the marker is in, the others would be.
  ASSERT_TRUE(eventually([&] { return collector.hasId("marker"); }));
  feed.stop();
  EXPECT_FALSE(collector.hasId("v1"));
  EXPECT_FALSE(collector.hasId("single-frame"));
  for (EventType t : collector.types()) EXPECT_NE(t, EventType::kVisit);
  EXPECT_TRUE(collector.rejections().empty());
}

TEST_F(ZmqFeedTest, SubWithoutTopicsTakesEverything) {
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kSub), ingest_, context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t pub(context_, zmq::socket_type::pub);
  pub.set(zmq::sockopt::linger, 0);
  pub.connect(feed.boundEndpoint());
  waitForSubscription(pub, collector);

  sendFrames(pub, {"visit", visitLine("v1")});
  sendFrames(pub, {visitLine("v2")});
  sendFrames(pub, {"case.accepted", acceptedLine("marker")});
  ASSERT_TRUE(eventually([&] { return collector.hasId("marker"); }));
  feed.stop();
  EXPECT_TRUE(collector.hasId("v1"));
  EXPECT_TRUE(collector.hasId("v2"));
}

TEST_F(ZmqFeedTest, ConnectModePullsFromABoundPush) {
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.bind("tcp://127.0.0.1:*");
  const std::string endpoint = push.get(zmq::sockopt::last_endpoint);

  ZmqFeed feed(feedConfig(endpoint), zmqConfig(ZmqSocketType::kPull, /*bind=*/false), ingest_,
               context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  // Connected once the socket monitor has seen the handshake with the PUSH.
  ASSERT_TRUE(eventually([&] { return feed.connected(); }));
  EXPECT_EQ(feed.boundEndpoint(), endpoint);
  sendFrames(push, {acceptedLine("c1")});
  sendFrames(push, {"case.accepted", acceptedLine("c2")});
  ASSERT_TRUE(eventually([&] { return collector.entries() == 2; }));
  EXPECT_THAT(collector.ids(), ElementsAre("c1", "c2"));
}

TEST_F(ZmqFeedTest, ConnectingSocketIsConnectedOnlyWhileItsPeerIsThere) {
  // A port nothing listens on (the kernel's pick for a socket closed at once).
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kPull, /*bind=*/false);
  config.heartbeat_interval_ms = 100;
  config.heartbeat_timeout_ms = 300;
  ZmqFeed feed(feedConfig(endpoint), config, ingest_, context_, pseudonymizer_);
  std::atomic<int> changes{0};
  feed.setOnConnectionChange([&] { changes.fetch_add(1); });
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  EXPECT_FALSE(feed.connected());

  {
    zmq::socket_t push(context_, zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 0);
    push.bind(endpoint);
    ASSERT_TRUE(eventually([&] { return feed.connected(); }));
    sendFrames(push, {acceptedLine("c1")});
    ASSERT_TRUE(eventually([&] { return collector.entries() == 1; }));
    const int before = changes.load();
    push.close();  // the peer goes away
    ASSERT_TRUE(eventually([&] { return !feed.connected(); }));
    EXPECT_GT(changes.load(), before);
  }
  // And back when a peer binds there again (the socket reconnects by itself).
  zmq::socket_t again(context_, zmq::socket_type::push);
  again.set(zmq::sockopt::linger, 0);
  again.bind(endpoint);
  ASSERT_TRUE(eventually([&] { return feed.connected(); }));
  feed.stop();
  EXPECT_FALSE(feed.connected());
}

TEST_F(ZmqFeedTest, GarbageIsRejectedKeepingNoRawBytes) {
  ingest_.dead_letter_max_bytes = 128;
  ingest_.max_message_bytes = 512;
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());

  const std::string garbage = "this is not json at all, not even close " + std::string(60, 'x');
  const std::string huge = "{" + std::string(1000, ' ') + "}";
  sendFrames(push, {garbage});
  sendFrames(push, {"case.accepted", acceptedLine("ok")});
  sendFrames(push, {"case.accepted", huge});
  ASSERT_TRUE(eventually([&] { return collector.entries() == 3; }));
  feed.stop();

  EXPECT_THAT(collector.ids(), ElementsAre("ok"));
  const std::vector<Rejection> rejections = collector.rejections();
  ASSERT_EQ(rejections.size(), 2u);
  EXPECT_EQ(rejections[0].reason, RejectReason::kInvalidJson);
  // Sanitised (DeadLetterSanitiser): no byte of a body that is not JSON is kept.
  EXPECT_THAT(rejections[0].raw, StartsWith(R"({"dropped":"not_json","bytes":100,)"));
  EXPECT_EQ(rejections[0].raw_size, garbage.size());
  EXPECT_GT(rejections[0].received_at, 0);
  EXPECT_FALSE(rejections[0].detail.empty());
  EXPECT_EQ(rejections[1].reason, RejectReason::kTooLarge);
  EXPECT_THAT(rejections[1].raw, StartsWith(R"({"dropped":"too_large","bytes":1002,)"));
  EXPECT_EQ(rejections[1].raw_size, huge.size());
}

TEST_F(ZmqFeedTest, AMessageFarOverTheLimitIsDroppedByZeroMqAndCountedNotBuffered) {
  ingest_.max_message_bytes = 512;
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  // Over max_message_bytes + kMaxMessageSlackBytes: ZMQ_MAXMSGSIZE refuses it as its header
  // arrives and drops that connection; it never reaches the decoder.
  zmq::socket_t big(context_, zmq::socket_type::push);
  big.set(zmq::sockopt::linger, 0);
  big.connect(feed.boundEndpoint());
  sendFrames(big, {"{" + std::string(1 << 20, ' ') + "}"});
  ASSERT_TRUE(eventually([&] { return feed.stats().peer_disconnects.load() >= 1; }));

  // Another producer's events still arrive.
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());
  sendFrames(push, {acceptedLine("after")});
  ASSERT_TRUE(eventually([&] { return collector.hasId("after"); }));
  feed.stop();
  EXPECT_TRUE(collector.rejections().empty());
  EXPECT_EQ(feed.stats().messages.load(), 1u);
}

TEST_F(ZmqFeedTest, AThrowingHandlerDoesNotEndTheThread) {
  ZmqFeedOptions options;
  options.max_batch_messages = 1;
  options.error_backoff = std::chrono::milliseconds(1);
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_,
               options);
  Collector collector;
  BatchHandler inner = collector.handler();
  std::atomic<int> calls{0};
  ASSERT_TRUE(feed.start([&](DecodedBatchPtr b) {
                    if (calls++ == 0) throw std::runtime_error("pipeline refused the batch");
                    inner(std::move(b));
                  })
                  .ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());
  sendFrames(push, {acceptedLine("t1")});
  sendFrames(push, {acceptedLine("t2")});
  ASSERT_TRUE(eventually([&] { return collector.hasId("t2"); }));
  feed.stop();
  EXPECT_FALSE(collector.hasId("t1"));  // lost with the throw, and counted
  EXPECT_EQ(feed.stats().transport_errors.load(), 1u);
  EXPECT_EQ(feed.batchesInFlight(), 0);
}

TEST_F(ZmqFeedTest, BindFailureNamesTheEndpoint) {
  zmq::socket_t taken(context_, zmq::socket_type::pull);
  taken.set(zmq::sockopt::linger, 0);
  taken.bind("tcp://127.0.0.1:*");
  const std::string endpoint = taken.get(zmq::sockopt::last_endpoint);

  ZmqFeed feed(feedConfig(endpoint), zmqConfig(ZmqSocketType::kPull), ingest_, context_,
               pseudonymizer_);
  Collector collector;
  const absl::Status status = feed.start(collector.handler());
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr(endpoint));
  EXPECT_THAT(std::string(status.message()), HasSubstr("bind"));
  EXPECT_FALSE(feed.connected());
  feed.stop();  // harmless without a thread

  ZmqFeed bogus(feedConfig("bogus://nowhere"), zmqConfig(ZmqSocketType::kSub), ingest_, context_,
                pseudonymizer_);
  const absl::Status bogus_status = bogus.start(collector.handler());
  EXPECT_FALSE(bogus_status.ok());
  EXPECT_THAT(std::string(bogus_status.message()), HasSubstr("bogus://nowhere"));
}

TEST_F(ZmqFeedTest, StopJoinsAndNoBatchFollows) {
  auto feed = std::make_unique<ZmqFeed>(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_,
                                        context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed->start(collector.handler()).ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed->boundEndpoint());
  sendFrames(push, {acceptedLine("s1")});
  ASSERT_TRUE(eventually([&] { return collector.entries() == 1; }));

  feed->stop();
  EXPECT_FALSE(feed->connected());
  const size_t batches = collector.batches();
  push.send(zmq::buffer(acceptedLine("s2")), zmq::send_flags::dontwait);
  feed->stop();  // idempotent
  feed.reset();  // the destructor after stop() is fine too
  EXPECT_EQ(collector.batches(), batches);
  EXPECT_FALSE(collector.hasId("s2"));
}

TEST_F(ZmqFeedTest, ContextShutdownEndsTheThread) {
  zmq::context_t context(1);
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  context.shutdown();
  ASSERT_TRUE(eventually([&] { return !feed.connected(); }));
  feed.stop();
  EXPECT_EQ(feed.stats().transport_errors.load(), 0u);
  context.close();  // returns only because the feed closed its socket
}

TEST_F(ZmqFeedTest, InFlightBoundStopsReceivingUntilBatchesAreDropped) {
  ZmqFeedOptions options;
  options.max_in_flight = 2;
  options.max_batch_messages = 1;  // one message per batch makes the counts exact
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_,
               options);
  Collector collector;
  collector.hold(true);
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());
  constexpr int kMessages = 10;
  for (int i = 0; i < kMessages; ++i) sendFrames(push, {acceptedLine("b" + std::to_string(i))});

  // Once the feed reports waiting, it holds two batches and takes nothing more until one goes.
  ASSERT_TRUE(eventually([&] { return feed.stats().backpressure_waits.load() >= 1; }));
  EXPECT_EQ(collector.batches(), 2u);
  EXPECT_EQ(feed.batchesInFlight(), 2);
  EXPECT_EQ(feed.stats().messages.load(), 2u);

  collector.release(1);
  ASSERT_TRUE(eventually([&] { return feed.stats().backpressure_waits.load() >= 2; }));
  EXPECT_EQ(collector.batches(), 3u);
  EXPECT_EQ(feed.batchesInFlight(), 2);

  collector.hold(false);
  collector.release(2);
  ASSERT_TRUE(eventually([&] { return collector.entries() == kMessages; }));
  feed.stop();
  EXPECT_EQ(collector.ids().front(), "b0");
  EXPECT_EQ(collector.ids().back(), "b9");
  EXPECT_EQ(feed.batchesInFlight(), 0);
}

TEST_F(ZmqFeedTest, StopWhileWaitingOnTheBoundReturns) {
  ZmqFeedOptions options;
  options.max_in_flight = 1;
  options.max_batch_messages = 1;
  ZmqFeed feed(feedConfig(), zmqConfig(ZmqSocketType::kPull), ingest_, context_, pseudonymizer_,
               options);
  Collector collector;
  collector.hold(true);
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());
  sendFrames(push, {acceptedLine("w1")});
  sendFrames(push, {acceptedLine("w2")});
  ASSERT_TRUE(eventually([&] { return feed.stats().backpressure_waits.load() >= 1; }));
  feed.stop();  // must not wait for the held batch
  EXPECT_EQ(collector.batches(), 1u);
  EXPECT_FALSE(feed.connected());
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

// A key pair written where keygen would, and the client list of a bound CURVE feed.
struct CurveFiles {
  explicit CurveFiles(const std::string& dir, const std::vector<std::string>& clients)
      : server(*generateCurveKeyPair()) {
    secret_key_file = dir + "/server";
    EXPECT_TRUE(writeCurveKeyPair(secret_key_file, server).ok());
    secret_key_file += ".key";
    clients_file = dir + "/clients";
    std::FILE* f = std::fopen(clients_file.c_str(), "w");
    std::fputs("# admitted\n", f);
    for (const std::string& c : clients) std::fprintf(f, "%s\n", c.c_str());
    std::fclose(f);
  }
  CurveKeyPair server;
  std::string secret_key_file;
  std::string clients_file;
};

class ZmqFeedCurveTest : public ZmqFeedTest {
 protected:
  ZmqFeedOptions withZap() {
    ZmqFeedOptions o;
    o.zap = &zap_;
    return o;
  }
  static void clientKeys(zmq::socket_t& s, const CurveKeyPair& mine, const std::string& server) {
    s.set(zmq::sockopt::curve_secretkey, mine.secret_z85);
    s.set(zmq::sockopt::curve_publickey, mine.public_z85);
    s.set(zmq::sockopt::curve_serverkey, server);
  }
  testing::TempDir dir_;
  ZapAuthenticator zap_{context_};
};

TEST_F(ZmqFeedCurveTest, OnlyAListedClientKeyDelivers) {
  const CurveKeyPair listed = *generateCurveKeyPair();
  const CurveKeyPair stranger = *generateCurveKeyPair();
  CurveFiles files(dir_.path(), {listed.public_z85});
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kPull);
  config.curve.secret_key_file = files.secret_key_file;
  config.curve.clients_file = files.clients_file;
  ZmqFeed feed(feedConfig(), config, ingest_, context_, pseudonymizer_, withZap());
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());

  zmq::socket_t plain(context_, zmq::socket_type::push);
  plain.set(zmq::sockopt::linger, 0);
  plain.connect(feed.boundEndpoint());
  sendFrames(plain, {acceptedLine("from-plain")});
  ASSERT_TRUE(eventually([&] { return feed.stats().auth_refusals.load() >= 1; }));

  zmq::socket_t unlisted(context_, zmq::socket_type::push);
  unlisted.set(zmq::sockopt::linger, 0);
  clientKeys(unlisted, stranger, files.server.public_z85);
  unlisted.connect(feed.boundEndpoint());
  sendFrames(unlisted, {acceptedLine("from-stranger")});
  ASSERT_TRUE(eventually([&] { return zap_.refusals("feed/test") >= 1; }));

  zmq::socket_t good(context_, zmq::socket_type::push);
  good.set(zmq::sockopt::linger, 0);
  clientKeys(good, listed, files.server.public_z85);
  good.connect(feed.boundEndpoint());
  sendFrames(good, {acceptedLine("from-listed")});
  ASSERT_TRUE(eventually([&] { return collector.entries() >= 1; }));
  EXPECT_THAT(collector.ids(), ElementsAre("from-listed"));
  feed.stop();
  // The keyless client (a protocol failure) and the stranger (refused by ZAP).
  EXPECT_GE(feed.stats().auth_refusals.load(), 2u);
}

TEST_F(ZmqFeedCurveTest, AGroupReadableSecretKeyIsRefusedAtStartWithItsKeyPath) {
  CurveFiles files(dir_.path(), {});
  ::chmod(files.secret_key_file.c_str(), 0640);
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kPull);
  config.curve.secret_key_file = files.secret_key_file;
  config.curve.clients_file = files.clients_file;
  ZmqFeed feed(feedConfig(), config, ingest_, context_, pseudonymizer_, withZap());
  const absl::Status s = feed.start(Collector().handler());
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("feed test: curve.secret_key_file: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("open to group or others"));
}

TEST_F(ZmqFeedTest, AnEventFromASourceNotListedIsRejectedUnauthorisedSource) {
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kPull);
  config.sources = {"hotline"};
  ZmqFeed feed(feedConfig(), config, ingest_, context_, pseudonymizer_);
  Collector collector;
  ASSERT_TRUE(feed.start(collector.handler()).ok());
  zmq::socket_t push(context_, zmq::socket_type::push);
  push.set(zmq::sockopt::linger, 0);
  push.connect(feed.boundEndpoint());
  std::string hotline = acceptedLine("ok");
  hotline.replace(hotline.find("\"source\":\"t\""), 12, "\"source\":\"hotline\"");
  sendFrames(push, {acceptedLine("forged")});  // source "t"
  sendFrames(push, {hotline});
  ASSERT_TRUE(eventually([&] { return collector.entries() == 2; }));
  EXPECT_THAT(collector.ids(), ElementsAre("ok"));
  const std::vector<Rejection> rejections = collector.rejections();
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].reason, RejectReason::kUnauthorisedSource);
  EXPECT_EQ(rejections[0].detail, "unauthorised_source: source");
  EXPECT_THAT(rejections[0].raw, HasSubstr("\"event_id\":\"forged\""));
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

TEST_F(ZmqFeedTest, OffLoopbackWithoutCurveWarnsAtEveryStart) {
  // Captures what the feed logs (the default logger, as the daemon's).
  auto out = std::make_shared<std::ostringstream>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out)));
  ZmqFeedConfig config = zmqConfig(ZmqSocketType::kPull, /*bind=*/false);
  config.insecure = true;  // what check-config demands for this endpoint
  config.heartbeat_interval_ms = 0;
  // TEST-NET-1 (RFC 5737): never a real peer; connecting happens in the background.
  for (int start = 0; start < 2; ++start) {
    ZmqFeed feed(feedConfig("tcp://192.0.2.1:5570"), config, ingest_, context_, pseudonymizer_);
    ASSERT_TRUE(feed.start(Collector().handler()).ok());
    feed.stop();
  }
  spdlog::set_default_logger(previous);
  const std::string logged = out->str();
  const std::string warning = "is reachable beyond this host WITHOUT CURVE (insecure: true)";
  const size_t first = logged.find(warning);
  ASSERT_NE(first, std::string::npos) << logged;
  EXPECT_NE(logged.find(warning, first + 1), std::string::npos) << "once per start: " << logged;
}

}  // namespace
}  // namespace casewatch
