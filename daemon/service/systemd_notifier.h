// Tells systemd how the daemon is doing (sd_notify(3), for the unit's Type=notify): READY=1 once
// it has recovered and bound its inputs, STATUS= with what /readyz would say, RELOADING=1 and
// READY=1 around a reload, STOPPING=1 on the way out, and WATCHDOG=1 every half WATCHDOG_USEC
// from a timer on the io_context: if the thread that owns all state stalls, the pings stop and
// systemd restarts the service (WatchdogSec= in the unit).
//
// Without NOTIFY_SOCKET (not started by systemd) every call does nothing. sd_notify sends one
// datagram on a Unix socket without waiting for an answer, so the io_context never waits on it.
// Call on the io_context thread only.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace casewatch {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& io);
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool active() const { return active_; }
  // READY=1 with a STATUS=; only the first call after start (or after reloading()) sends it.
  void ready(std::string_view status);
  bool readySent() const { return ready_sent_; }
  // STATUS=<text>, when it differs from the last one sent.
  void status(std::string_view text);
  void reloading();
  void stopping();
  // Starts the WATCHDOG=1 timer when systemd asked for it (WATCHDOG_USEC, and WATCHDOG_PID, if
  // set, is this process); stop() cancels it.
  void startWatchdog();
  void stop();
  std::chrono::microseconds watchdogInterval() const { return watchdog_; }

 private:
  void send(const std::string& state);
  void scheduleWatchdog();

  boost::asio::steady_timer timer_;
  bool active_ = false;
  bool ready_sent_ = false;
  std::string last_status_;
  std::chrono::microseconds watchdog_{0};  // 0: no watchdog
};

}  // namespace casewatch
