// Whether a connecting ZeroMQ socket has a live peer, from the socket's own event stream
// (zmq_socket_monitor, through cppzmq's monitor_t).
//
// ZeroMQ connects in the background and reconnects by itself, so a connect() that returned says
// nothing about a peer. The monitor counts a connection once its ZMTP handshake succeeded (a TCP
// connection to something that is not a ZeroMQ peer does not count) and forgets it when it is
// closed: by the peer, by a heartbeat timeout (ZMQ_HEARTBEAT_TIMEOUT, for a peer that vanished
// without closing), or by the socket. connected() is true while at least one counted connection
// is open.
//
// A bound socket is monitored too, for one thing only: each connection that ends after its
// handshake is reported to `on_disconnect` (ZeroMQ drops a peer that sends a message over
// ZMQ_MAXMSGSIZE, and a disconnect is all a socket shows of that), and each handshake that failed
// is reported to `on_handshake_failed`: with CURVE, a client without keys, with the wrong server
// key, or with a key the ZAP handler does not list.
//
// Threads: attach() on the thread that owns the socket, before connect(), so no event is missed;
// poll() only on the thread that then owns the socket (the connector's). connected() from any
// thread. `on_change(connected)` runs on the polling thread whenever connected() flips.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include <zmq.hpp>

#include "absl/container/flat_hash_set.h"

namespace casewatch {

class ZmqConnectionMonitor final : private zmq::monitor_t {
 public:
  ZmqConnectionMonitor(std::string feed_name, std::function<void(bool connected)> on_change);
  ~ZmqConnectionMonitor() override = default;

  // Starts monitoring `socket` (an inproc PAIR socket named after the feed). Throws zmq::error_t.
  void attach(zmq::socket_t& socket);
  // Handles every event queued so far, without waiting. Throws zmq::error_t (ETERM at shutdown).
  void poll();
  // Called on the polling thread for every handshaken connection that ended.
  void setOnDisconnect(std::function<void()> on_disconnect) {
    on_disconnect_ = std::move(on_disconnect);
  }
  // Called on the polling thread for every failed handshake (protocol, cryptography, ZAP).
  void setOnHandshakeFailed(std::function<void()> on_failed) {
    on_handshake_failed_ = std::move(on_failed);
  }
  bool connected() const { return connected_.load(std::memory_order_acquire); }

 private:
  void on_event_handshake_succeeded(const zmq_event_t& event, const char* addr) override;
  void on_event_disconnected(const zmq_event_t& event, const char* addr) override;
  void on_event_closed(const zmq_event_t& event, const char* addr) override;
  void on_event_handshake_failed_no_detail(const zmq_event_t& event, const char* addr) override;
  void on_event_handshake_failed_protocol(const zmq_event_t& event, const char* addr) override;
  void on_event_handshake_failed_auth(const zmq_event_t& event, const char* addr) override;
  void handshakeFailed(const char* why, const char* addr);
  void settle();

  const std::string feed_;
  std::function<void(bool)> on_change_;
  std::function<void()> on_disconnect_;
  std::function<void()> on_handshake_failed_;
  uint64_t handshake_failures_ = 0;  // for the rate-limited log line
  // Endpoints with a handshaken connection. By address, not by descriptor: libzmq reports the
  // handshake with value 0, a disconnect with the descriptor.
  absl::flat_hash_set<std::string> peers_;
  std::atomic<bool> connected_{false};
};

}  // namespace casewatch
