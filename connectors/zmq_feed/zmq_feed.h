// The ZeroMQ feed connector: a PULL or SUB socket (contract shared/contracts/events.md,
// "Transports") that decodes messages on its own thread and hands one DecodedBatch per drain.
//
// A message is one frame (the JSON) or two frames (topic, JSON); with more frames the last one is
// taken as the JSON. SUB subscribes to each configured topic as a prefix (none = everything);
// ZeroMQ matches the prefix against the first frame, so a SUB with topics only receives two-frame
// messages whose topic matches.
//
// The thread polls with a short timeout (so stop() is prompt), drains what is queued without
// waiting (at most `max_batch_messages`), and hands the batch over at once: it never waits to fill
// a batch. At most `max_in_flight` batches are alive at a time (see InFlightLimiter); while the
// pipeline holds that many, nothing is received and ZeroMQ's high-water mark pushes back on the
// producer (PUSH blocks; PUB drops, as PUB/SUB always does).
//
// Bounded input: ZMQ_MAXMSGSIZE is ingest.max_message_bytes plus kMaxMessageSlackBytes, so a
// frame far over the limit is refused by libzmq as its header arrives (the peer is disconnected,
// counted in FeedStats::peer_disconnects) and never buffered whole; one within the slack arrives
// and is rejected too_large by the decoder. ZMQ_RCVHWM (config, bounded) caps how many messages
// are queued per peer.
//
// Authenticated (zmq_feed_config.h `curve`): a bound feed with CURVE is a CURVE server in the ZAP
// domain `feed/<name>`, whose admitted client keys it registers with the context's ZAP handler
// (base/zmq_curve/zap_authenticator.h) at start and withdraws at stop; a connecting one is a CURVE
// client of the server key it was given. Failed handshakes (no keys, wrong server key, a key not
// listed) are counted in FeedStats::auth_refusals from the socket monitor. With `sources`, an
// event whose source is not listed is rejected unauthorised_source (BatchDecoder).
//
// Connected (for /readyz): a bound socket is connected once bound. A connecting socket is connected
// only while it has a peer, as its socket monitor reports (ZmqConnectionMonitor: the ZMTP handshake
// succeeded, and the connection was not lost since); it sends heartbeats (ZMQ_HEARTBEAT_IVL,
// ZMQ_HEARTBEAT_TIMEOUT from the config) so that a peer that vanished without closing the
// connection is noticed too.
//
// Ownership and threads: the socket is created and bound in start() on the caller's thread, then
// used and closed only by the connector's thread. The context and the pseudonymizer must outlive
// the connector. stats(), connected() and boundEndpoint() may be read from any thread; the
// connection-change callback runs on the connector's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "connectors/connector.h"
#include "connectors/feed_config.h"
#include "connectors/feed_stats.h"
#include "connectors/in_flight_limiter.h"
#include "connectors/ingest_config.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "connectors/zmq_feed/zmq_connection_monitor.h"
#include "connectors/zmq_feed/zmq_feed_config.h"

namespace casewatch {
class ZapAuthenticator;
}

namespace casewatch {

struct ZmqFeedOptions {
  int max_in_flight = 8;             // batches handed over and not yet dropped by the pipeline
  size_t max_batch_messages = 1024;  // messages per drain (one batch)
  std::chrono::milliseconds poll_timeout{100};   // bounds how long stop() waits for the thread
  std::chrono::milliseconds error_backoff{100};  // pause after a transport error before retrying
  // The ZAP handler of `context`: needed by a bound feed with CURVE (it admits the client keys).
  ZapAuthenticator* zap = nullptr;
};

class ZmqFeed final : public Connector {
 public:
  // Room for a topic frame and for a message just over the limit to reach the decoder, which
  // rejects and counts it as too_large (a disconnect says less about what happened).
  static constexpr int64_t kMaxMessageSlackBytes = 4096;

  // `feed` has the shared keys, `zmq` the kind's own (the socket type among them).
  ZmqFeed(const FeedConfig& feed, const ZmqFeedConfig& zmq, const IngestConfig& ingest,
          zmq::context_t& context, const Pseudonymizer& pseudonymizer, ZmqFeedOptions options = {});
  ~ZmqFeed() override;
  ZmqFeed(const ZmqFeed&) = delete;
  ZmqFeed& operator=(const ZmqFeed&) = delete;

  const std::string& name() const override { return feed_.name; }
  // Creates the socket, binds or connects, and starts the thread. Errors name the endpoint.
  absl::Status start(BatchHandler handler) override;
  // Stops receiving (what was already drained is handed over), closes the socket, joins.
  void stop() override;
  bool connected() const override;
  void setOnConnectionChange(std::function<void()> notify) override {
    on_connection_change_ = std::move(notify);
  }
  const FeedStats& stats() const override { return stats_; }

  // The endpoint actually bound or connected (ZMQ_LAST_ENDPOINT): resolves `tcp://host:*` to the
  // port chosen. Empty before start().
  std::string boundEndpoint() const;
  int batchesInFlight() const { return limiter_.inFlight(); }

 private:
  void run();
  // Sets the CURVE options of the socket about to bind or connect, and registers the admitted
  // client keys. Errors name the key path.
  absl::Status secure(zmq::socket_t& socket);
  std::string zapDomain() const { return "feed/" + feed_.name; }
  void withdrawKeys();
  // Receives what is queued (up to the batch limit) and hands it over. Returns the messages taken.
  size_t drain();

  const FeedConfig feed_;
  const ZmqFeedConfig zmq_;
  const ZmqFeedOptions options_;
  const int64_t max_frame_bytes_;  // ZMQ_MAXMSGSIZE
  zmq::context_t& context_;
  BatchDecoder decoder_;  // used only by the thread
  InFlightLimiter limiter_;
  FeedStats stats_;

  bool zap_admitted_ = false;              // this feed's keys are registered with the ZAP handler
  std::unique_ptr<zmq::socket_t> socket_;  // created in start(), then owned by the thread
  // Connecting sockets only; owned like the socket, and closed before it.
  std::unique_ptr<ZmqConnectionMonitor> monitor_;
  std::function<void()> on_connection_change_;
  BatchHandler handler_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};       // bound, or connecting: between start() and the end
  std::atomic<bool> peer_connected_{false};  // connecting sockets: the monitor sees a peer
  mutable std::mutex endpoint_mu_;
  std::string bound_endpoint_;
};

}  // namespace casewatch
