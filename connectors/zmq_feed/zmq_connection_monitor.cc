#include "connectors/zmq_feed/zmq_connection_monitor.h"

#include <spdlog/spdlog.h>

#include <atomic>

namespace casewatch {
namespace {

// inproc names are per context; a counter keeps two monitors (a feed and its replacement during
// a reload) apart.
std::string monitorAddress(const std::string& feed) {
  static std::atomic<uint64_t> next{0};
  return "inproc://casewatch-feed-monitor-" + feed + "-" + std::to_string(next.fetch_add(1));
}

}  // namespace

ZmqConnectionMonitor::ZmqConnectionMonitor(std::string feed_name,
                                           std::function<void(bool)> on_change)
    : feed_(std::move(feed_name)), on_change_(std::move(on_change)) {}

void ZmqConnectionMonitor::attach(zmq::socket_t& socket) {
  init(socket, monitorAddress(feed_),
       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED |
           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
}

void ZmqConnectionMonitor::poll() {
  while (check_event(0)) {
  }
}

void ZmqConnectionMonitor::on_event_handshake_succeeded(const zmq_event_t&, const char* addr) {
  peers_.insert(addr);
  spdlog::info("feed {}: connected to {}", feed_, addr);
  settle();
}

void ZmqConnectionMonitor::on_event_disconnected(const zmq_event_t&, const char* addr) {
  if (peers_.erase(addr) > 0) {
    spdlog::warn("feed {}: lost the connection to {}; reconnecting", feed_, addr);
  }
  if (on_disconnect_) on_disconnect_();
  settle();
}

void ZmqConnectionMonitor::on_event_closed(const zmq_event_t&, const char* addr) {
  peers_.erase(addr);
  settle();
}

void ZmqConnectionMonitor::on_event_handshake_failed_no_detail(const zmq_event_t&,
                                                               const char* addr) {
  handshakeFailed("handshake failed", addr);
}

void ZmqConnectionMonitor::on_event_handshake_failed_protocol(const zmq_event_t&,
                                                              const char* addr) {
  handshakeFailed("handshake refused (no CURVE, or the wrong server key)", addr);
}

void ZmqConnectionMonitor::on_event_handshake_failed_auth(const zmq_event_t&, const char* addr) {
  handshakeFailed("client key not admitted", addr);
}

void ZmqConnectionMonitor::handshakeFailed(const char* why, const char* addr) {
  // A refused client retries every reconnect interval: log the 1st, 2nd, 4th, 8th... only.
  const uint64_t n = ++handshake_failures_;
  if ((n & (n - 1)) == 0) spdlog::warn("feed {}: {} on {} ({} so far)", feed_, why, addr, n);
  if (on_handshake_failed_) on_handshake_failed_();
}

void ZmqConnectionMonitor::settle() {
  const bool now = !peers_.empty();
  if (connected_.exchange(now, std::memory_order_acq_rel) != now && on_change_) on_change_(now);
}

}  // namespace casewatch
