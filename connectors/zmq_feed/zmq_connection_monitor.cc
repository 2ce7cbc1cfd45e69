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
       ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED);
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

void ZmqConnectionMonitor::settle() {
  const bool now = !peers_.empty();
  if (connected_.exchange(now, std::memory_order_acq_rel) != now && on_change_) on_change_(now);
}

}  // namespace casewatch
