#include "connectors/zmq_feed/zmq_feed.h"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/str_cat.h"
#include "base/thread_role.h"
#include "base/zmq_curve/curve_keys.h"
#include "base/zmq_curve/zap_authenticator.h"

namespace casewatch {
namespace {

int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TimeMs wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sleeps up to `d`, in small steps so that a stop request is not delayed by the backoff.
void sleepUnlessStopped(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  constexpr auto kStep = std::chrono::milliseconds(10);
  for (auto slept = std::chrono::milliseconds(0); slept < d && !stop.load(); slept += kStep) {
    std::this_thread::sleep_for(kStep);
  }
}

}  // namespace

ZmqFeed::ZmqFeed(const FeedConfig& feed, const ZmqFeedConfig& zmq, const IngestConfig& ingest,
                 zmq::context_t& context, const Pseudonymizer& pseudonymizer,
                 ZmqFeedOptions options)
    : feed_(feed),
      zmq_(zmq),
      options_(options),
      max_frame_bytes_(static_cast<int64_t>(ingest.max_message_bytes) + kMaxMessageSlackBytes),
      context_(context),
      decoder_(pseudonymizer, decoderLimits(ingest), ingest.dead_letter_max_bytes),
      limiter_(options.max_in_flight) {
  decoder_.setAllowedSources(zmq_.sources);
}

ZmqFeed::~ZmqFeed() {
  stop();
}

absl::Status ZmqFeed::secure(zmq::socket_t& socket) {
  const ZmqCurveConfig& c = zmq_.curve;
  const std::string at = strCat("feed ", feed_.name, ": curve.");
  if (!c.on()) {
    if (zmqNeedsInsecure(feed_.endpoint, c)) {
      // Said at every start: nothing authenticates this feed's peers or hides what they send.
      spdlog::warn(
          "feed {}: {} is reachable beyond this host WITHOUT CURVE (insecure: true): anyone who "
          "can reach it can {} unauthenticated and read what passes.",
          feed_.name, feed_.endpoint, zmq_.bind ? "send events" : "pose as the producer");
    }
    return absl::OkStatus();
  }
  auto pair = readCurveSecretKeyFile(c.secret_key_file);
  if (!pair.ok()) {
    return absl::Status(pair.status().code(),
                        strCat(at, "secret_key_file: ", pair.status().message()));
  }
  socket.set(zmq::sockopt::curve_secretkey, pair->secret_z85);
  socket.set(zmq::sockopt::curve_publickey, pair->public_z85);
  if (zmq_.bind) {
    auto clients = readCurveClientKeysFile(c.clients_file);
    if (!clients.ok()) {
      return absl::Status(clients.status().code(),
                          strCat(at, "clients_file: ", clients.status().message()));
    }
    if (options_.zap == nullptr) {
      return absl::FailedPreconditionError(strCat(at, "no ZAP handler to admit the client keys"));
    }
    options_.zap->admit(zapDomain(), *clients);
    zap_admitted_ = true;
    socket.set(zmq::sockopt::curve_server, true);
    socket.set(zmq::sockopt::zap_domain, zapDomain());
    spdlog::info("feed {}: CURVE server, {} client key(s) admitted", feed_.name, clients->size());
  } else {
    auto server = readCurvePublicKeyFile(c.server_public_key_file);
    if (!server.ok()) {
      return absl::Status(server.status().code(),
                          strCat(at, "server_public_key_file: ", server.status().message()));
    }
    socket.set(zmq::sockopt::curve_serverkey, *server);
  }
  return absl::OkStatus();
}

void ZmqFeed::withdrawKeys() {
  // Once: a replacement feed of the same name (a reload) may have registered the domain since.
  if (zap_admitted_) options_.zap->forget(zapDomain());
  zap_admitted_ = false;
}

std::string ZmqFeed::boundEndpoint() const {
  std::lock_guard lock(endpoint_mu_);
  return bound_endpoint_;
}

absl::Status ZmqFeed::start(BatchHandler handler) {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("feed " + feed_.name + ": already started");
  }
  const bool pull = zmq_.socket == ZmqSocketType::kPull;
  const char* action = zmq_.bind ? "bind" : "connect";
  // Declared outside the try: on a failure the monitor must go before the socket it watches.
  std::unique_ptr<zmq::socket_t> socket;
  std::unique_ptr<ZmqConnectionMonitor> monitor;
  try {
    socket = std::make_unique<zmq::socket_t>(context_,
                                             pull ? zmq::socket_type::pull : zmq::socket_type::sub);
    socket->set(zmq::sockopt::rcvhwm, zmq_.rcvhwm);
    socket->set(zmq::sockopt::maxmsgsize, max_frame_bytes_);
    // Pending input is dropped on close: a stopped feed must not hold up context shutdown.
    socket->set(zmq::sockopt::linger, 0);
    if (absl::Status s = secure(*socket); !s.ok()) {
      socket.reset();
      return s;
    }
    if (!pull) {
      if (zmq_.topics.empty()) {
        socket->set(zmq::sockopt::subscribe, "");
      } else {
        for (const std::string& topic : zmq_.topics) socket->set(zmq::sockopt::subscribe, topic);
      }
    }
    if (zmq_.bind) {
      // Only to count the peers that went away (a message over the size limit among the causes);
      // a bound socket is connected once bound, whatever its peers do.
      monitor = std::make_unique<ZmqConnectionMonitor>(feed_.name, [](bool) {});
      monitor->setOnDisconnect([this] { FeedStats::add(stats_.peer_disconnects); });
      monitor->setOnHandshakeFailed([this] {
        FeedStats::add(stats_.auth_refusals);
        if (on_connection_change_) on_connection_change_();  // so the metric follows soon
      });
      monitor->attach(*socket);
      socket->bind(feed_.endpoint);
    } else {
      if (zmq_.heartbeat_interval_ms > 0) {
        socket->set(zmq::sockopt::heartbeat_ivl, zmq_.heartbeat_interval_ms);
        socket->set(zmq::sockopt::heartbeat_timeout, zmq_.heartbeat_timeout_ms);
      }
      // Before connect(), so that the first connection's events are not missed.
      monitor = std::make_unique<ZmqConnectionMonitor>(feed_.name, [this](bool connected) {
        peer_connected_.store(connected, std::memory_order_release);
        if (on_connection_change_) on_connection_change_();
      });
      monitor->setOnDisconnect([this] { FeedStats::add(stats_.peer_disconnects); });
      monitor->attach(*socket);
      socket->connect(feed_.endpoint);
    }
    {
      std::lock_guard lock(endpoint_mu_);
      bound_endpoint_ = socket->get(zmq::sockopt::last_endpoint);
    }
  } catch (const zmq::error_t& e) {
    monitor.reset();
    socket.reset();
    withdrawKeys();
    return absl::Status(
        absl::ErrnoToStatusCode(e.num()),
        "feed " + feed_.name + ": cannot " + action + " " + feed_.endpoint + ": " + e.what());
  }
  socket_ = std::move(socket);
  monitor_ = std::move(monitor);
  handler_ = std::move(handler);
  stop_.store(false);
  connected_.store(true, std::memory_order_release);
  spdlog::info("feed {}: {} {} ({})", feed_.name, zmq_.bind ? "bound" : "connecting to",
               boundEndpoint(), pull ? "PULL" : "SUB");
  thread_ = std::thread([this] { run(); });
  if (on_connection_change_) on_connection_change_();
  return absl::OkStatus();
}

bool ZmqFeed::connected() const {
  // A connecting socket has a monitor for as long as it is open; it says whether a peer is there.
  if (!connected_.load(std::memory_order_acquire)) return false;
  return zmq_.bind || peer_connected_.load(std::memory_order_acquire);
}

void ZmqFeed::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  withdrawKeys();
  const bool was = connected();
  connected_.store(false, std::memory_order_release);
  if (was && on_connection_change_) on_connection_change_();
}

void ZmqFeed::run() {
  nameThisThread("cw-" + feed_.name);
  while (!stop_.load(std::memory_order_relaxed)) {
    try {
      // Not receiving while the pipeline holds too many batches is what lets the high-water mark
      // push back on the producer.
      if (limiter_.full()) {
        FeedStats::add(stats_.backpressure_waits);
        if (!limiter_.waitForRoom(stop_)) break;
      }
      zmq_pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
      const int rc = zmq_poll(&item, 1, static_cast<long>(options_.poll_timeout.count()));
      if (rc < 0) {
        if (zmq_errno() == EINTR) continue;
        throw zmq::error_t();
      }
      if (rc > 0) drain();
      if (monitor_) monitor_->poll();
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) {
        spdlog::info("feed {}: context terminated; stopping", feed_.name);
        break;
      }
      FeedStats::add(stats_.transport_errors);
      spdlog::warn("feed {}: receive failed: {}; retrying", feed_.name, e.what());
      sleepUnlessStopped(options_.error_backoff, stop_);
    } catch (const std::exception& e) {
      // Most likely the handler threw: nothing here can fix it, so keep receiving.
      FeedStats::add(stats_.transport_errors);
      spdlog::error("feed {}: batch hand-over failed: {}", feed_.name, e.what());
      sleepUnlessStopped(options_.error_backoff, stop_);
    }
  }
  const bool was = connected();
  // The monitor first: closing it stops monitoring, which needs the socket still open.
  monitor_.reset();
  peer_connected_.store(false, std::memory_order_release);
  try {
    socket_->close();
  } catch (const zmq::error_t& e) {
    spdlog::warn("feed {}: closing the socket failed: {}", feed_.name, e.what());
  }
  socket_.reset();
  connected_.store(false, std::memory_order_release);
  if (was && on_connection_change_) on_connection_change_();
}

size_t ZmqFeed::drain() {
  auto batch = std::make_unique<DecodedBatch>();
  batch->feed = feed_.name;
  zmq::message_t msg;
  size_t messages = 0;
  uint64_t bytes = 0;
  TimeMs wall_now = 0;
  std::exception_ptr failure;
  try {
    while (messages < options_.max_batch_messages) {
      if (!socket_->recv(msg, zmq::recv_flags::dontwait)) break;
      bytes += msg.size();
      // Multipart messages arrive whole, so the remaining frames are already here. The JSON is
      // the last frame; a leading topic frame only served the SUB filter.
      while (msg.more()) {
        if (!socket_->recv(msg, zmq::recv_flags::none)) break;
        bytes += msg.size();
      }
      if (messages == 0) {
        batch->received_steady_ns = steadyNowNs();
        wall_now = wallNowMs();
      }
      decoder_.add(msg.to_string_view(), *batch, wall_now);
      ++messages;
    }
  } catch (...) {
    // Hand over what was decoded before the failure, then let run() deal with it.
    failure = std::current_exception();
  }
  FeedStats::add(stats_.messages, messages);
  FeedStats::add(stats_.bytes, bytes);
  if (messages > 0) {
    batch->in_flight_token = limiter_.acquire();
    FeedStats::add(stats_.batches);
    handler_(std::move(batch));
  }
  if (failure) std::rethrow_exception(failure);
  return messages;
}

}  // namespace casewatch
