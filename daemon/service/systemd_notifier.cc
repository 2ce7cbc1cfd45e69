#include "daemon/service/systemd_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace casewatch {

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io) : timer_(io) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && *socket != '\0';
}

void SystemdNotifier::send(const std::string& state) {
  if (!active_) return;
  const int r = sd_notify(0, state.c_str());
  if (r < 0) spdlog::debug("sd_notify failed: error {}.", -r);
}

void SystemdNotifier::ready(std::string_view status) {
  if (ready_sent_) return;
  ready_sent_ = true;
  last_status_ = std::string(status);
  send("READY=1\nSTATUS=" + last_status_);
}

void SystemdNotifier::status(std::string_view text) {
  if (text == last_status_) return;
  last_status_ = std::string(text);
  send("STATUS=" + last_status_);
}

void SystemdNotifier::reloading() {
  // A reload ends with ready() again.
  ready_sent_ = false;
  send("RELOADING=1");
}

void SystemdNotifier::stopping() {
  send("STOPPING=1");
}

void SystemdNotifier::startWatchdog() {
  if (!active_) return;
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  watchdog_ = std::chrono::microseconds(usec);
  spdlog::info("systemd watchdog: a ping every {} ms.", usec / 2000);
  send("WATCHDOG=1");
  scheduleWatchdog();
}

void SystemdNotifier::scheduleWatchdog() {
  // Half the interval, as sd_watchdog_enabled(3) recommends: one late ping is not a restart.
  timer_.expires_after(watchdog_ / 2);
  timer_.async_wait([this](const boost::system::error_code& e) {
    if (e) return;
    send("WATCHDOG=1");
    scheduleWatchdog();
  });
}

void SystemdNotifier::stop() {
  timer_.cancel();
}

}  // namespace casewatch
