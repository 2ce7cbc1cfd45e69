#include "daemon/ha/shared_action_listener.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "base/str_cat.h"
#include "daemon/ha/ha_session.h"

namespace casewatch {
namespace {

// How often the actions are re-read without a notification, and how long one wait for one lasts
// (also how soon stop() is noticed).
constexpr auto kReread = std::chrono::seconds(5);
constexpr int kWaitMs = 200;

}  // namespace

SharedActionListener::SharedActionListener(SharedActionListenerOptions options,
                                           ActionsFn on_actions)
    : options_(std::move(options)),
      on_actions_(std::move(on_actions)),
      session_(std::make_unique<HaSession>(options_.conninfo, options_.password)) {}

SharedActionListener::~SharedActionListener() {
  stop();
}

absl::Status SharedActionListener::listen() {
  auto r = session_->query(strCat("LISTEN ", kChannel));
  return r.status();
}

absl::Status SharedActionListener::start() {
  if (auto s = listen(); !s.ok()) return s;
  auto newest = session_->query("SELECT coalesce(max(id), 0) FROM workflow_actions");
  if (!newest.ok()) return newest.status();
  last_id_ = std::stoll((*newest)[0][0]);
  thread_ = std::thread([this] { run(); });
  return absl::OkStatus();
}

void SharedActionListener::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SharedActionListener::readNew() {
  auto rows = session_->query(
      "SELECT id, action FROM workflow_actions WHERE id > $1 ORDER BY id LIMIT 1000",
      {std::to_string(last_id_)});
  if (!rows.ok()) return;  // the session is re-made on the next turn
  if (rows->empty()) return;
  std::vector<std::string> actions;
  actions.reserve(rows->size());
  for (auto& row : *rows) {
    last_id_ = std::stoll(row[0]);
    actions.push_back(std::move(row[1]));
  }
  on_actions_(std::move(actions));
}

void SharedActionListener::run() {
  auto last_read = std::chrono::steady_clock::now();
  std::string last_error;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) break;
    }
    if (!session_->connected()) {
      // Re-made: LISTEN again, then read what was missed meanwhile.
      if (absl::Status s = listen(); !s.ok()) {
        if (s.message() != last_error) {
          spdlog::warn(
              "HA: replica {} cannot listen for the other replica's actions ({}); trying again "
              "every second.",
              options_.replica, s.message());
          last_error = std::string(s.message());
        }
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
        continue;
      }
      if (!last_error.empty()) {
        spdlog::warn("HA: replica {} listens for the other replica's actions again.",
                     options_.replica);
        last_error.clear();
      }
      readNew();
      last_read = std::chrono::steady_clock::now();
      continue;
    }
    pollfd p{PQsocket(session_->conn()), POLLIN, 0};
    bool notified = false;
    if (::poll(&p, 1, kWaitMs) > 0) {
      if (PQconsumeInput(session_->conn()) == 0) {
        session_->disconnect();
        continue;
      }
      while (PGnotify* n = PQnotifies(session_->conn())) {
        notified = true;
        PQfreemem(n);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (notified || now - last_read >= kReread) {
      readNew();
      last_read = now;
    }
  }
  session_->disconnect();
}

}  // namespace casewatch
