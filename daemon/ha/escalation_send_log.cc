#include "daemon/ha/escalation_send_log.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/str_cat.h"
#include "base/time.h"
#include "daemon/ha/ha_session.h"

namespace casewatch {
namespace {

// The follower's look at what the leader has marked sent; the bound on what it keeps meanwhile.
constexpr auto kForgetEvery = std::chrono::seconds(2);
constexpr size_t kMaxKept = 100000;

// What identifies a notice on both replicas: its alert, topic and the change's time (updated_at;
// the alert contract's RFC 3339). The seq too, when the body has one (for the log lines).
void identify(std::string_view body, uint64_t& seq, std::string& alert_id, int64_t& change_at) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  seq = j.value("seq", uint64_t{0});
  alert_id = j.value("alert_id", "");
  change_at = parseRfc3339(j.value("updated_at", "")).value_or(0);
}

}  // namespace

EscalationSendLog::EscalationSendLog(EscalationSendLogOptions options, PublishFn publish,
                                     PostFn post)
    : options_(std::move(options)),
      publish_(std::move(publish)),
      post_(std::move(post)),
      session_(std::make_unique<HaSession>(options_.conninfo, options_.password)) {}

EscalationSendLog::~EscalationSendLog() {
  stop();
}

void EscalationSendLog::exportMetrics(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("casewatch_ha_escalation_notices_total")
                     .Help(
                         "Escalation notices of the bus as this replica's leader path decided "
                         "them: sent (its marker written first), resent (found marked sending: "
                         "the leader before may have died before sending it), skipped (already "
                         "sent by the leader before)")
                     .Register(registry);
  sent_ = &family.Add({{"outcome", "sent"}});
  resent_ = &family.Add({{"outcome", "resent"}});
  skipped_ = &family.Add({{"outcome", "skipped"}});
}

void EscalationSendLog::start() {
  thread_ = std::thread([this] { run(); });
}

void EscalationSendLog::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SinkOutcome EscalationSendLog::offer(std::string_view topic, std::string_view body) {
  Notice n;
  n.topic = std::string(topic);
  n.body = std::string(body);  // identified on the log's thread (a parse: off the io_context)
  {
    std::lock_guard lock(mu_);
    offered_.push_back(std::move(n));
  }
  wake_.notify_all();
  return SinkOutcome::kDelivered;
}

void EscalationSendLog::setLeader(bool leader) {
  {
    std::lock_guard lock(mu_);
    leader_ = leader;
  }
  wake_.notify_all();
}

void EscalationSendLog::published(Notice n, SinkOutcome outcome) {
  {
    std::lock_guard lock(mu_);
    if (outcome == SinkOutcome::kDelivered) {
      if (!n.alert_id.empty()) {
        published_.push_back(Published{std::move(n.alert_id), std::move(n.topic), n.change_at,
                                       std::chrono::steady_clock::now()});
      }
    } else {
      // The socket refused it (rare: a PUB socket drops rather than refuses): offered again, and
      // its marker, still 'sending', lets it through.
      offered_.push_back(std::move(n));
    }
  }
  wake_.notify_all();
}

void EscalationSendLog::run() {
  auto last_forget = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::deque<Notice> offered = std::move(offered_);
    offered_.clear();
    while (!published_.empty()) {
      to_mark_.push_back(std::move(published_.front()));
      published_.pop_front();
    }
    const bool leader = leader_;
    lock.unlock();
    for (Notice& n : offered) {
      if (n.alert_id.empty()) identify(n.body, n.seq, n.alert_id, n.change_at);
      kept_.push_back(std::move(n));
    }
    if (kept_.size() > kMaxKept) {
      spdlog::error(
          "HA: replica {} forgets {} escalation notice(s) it kept for a takeover: PostgreSQL has "
          "not said for too long whether the leader sent them.",
          options_.replica, kept_.size() - kMaxKept);
      kept_.erase(kept_.begin(), kept_.begin() + static_cast<long>(kept_.size() - kMaxKept));
    }
    if (leader) {
      sendKept();
    } else if (!kept_.empty() && std::chrono::steady_clock::now() - last_forget >= kForgetEvery) {
      forgetSent();
      last_forget = std::chrono::steady_clock::now();
    }
    markSent(/*all=*/false);
    lock.lock();
    // Woken by an offer, a publication or the role; else on the marking's schedule.
    const auto wait = to_mark_.empty() ? std::chrono::milliseconds(500) : kOnTheWire;
    wake_.wait_for(lock, wait, [this, leader] {
      return stopping_ || !offered_.empty() || !published_.empty() || leader_ != leader;
    });
  }
  // A clean stop: what was published has left (ZeroMQ sends what is queued before the process
  // ends). What was offered but not published stays unmarked or 'sending': the next leader sends
  // it.
  while (!published_.empty()) {
    to_mark_.push_back(std::move(published_.front()));
    published_.pop_front();
  }
  lock.unlock();
  markSent(/*all=*/true);
}

void EscalationSendLog::sendKept() {
  while (!kept_.empty()) {
    Notice& n = kept_.front();
    bool send = true;
    if (!n.alert_id.empty()) {
      // The same notice as the other replica decided it: same alert and topic, a change time
      // within kSameNotice (the same on event time; the replicas' clocks apart on the wall clock).
      const std::string at = std::to_string(n.change_at);
      const std::string window = std::to_string(kSameNotice.count());
      auto found = session_->query(
          "SELECT change_at, state FROM escalations_sent WHERE alert_id = $1 AND topic = $2 AND "
          "abs(change_at - $3::bigint) < $4::bigint ORDER BY state = 'sent' DESC, "
          "abs(change_at - $3::bigint) LIMIT 1",
          {n.alert_id, n.topic, at, window});
      absl::Status status = found.status();
      if (found.ok() && found->empty()) {
        status = session_
                     ->query(
                         "INSERT INTO escalations_sent(alert_id, topic, change_at, seq, replica, "
                         "state) VALUES($1, $2, $3, $4, $5, 'sending')",
                         {n.alert_id, n.topic, at, std::to_string(n.seq), options_.replica})
                     .status();
        if (status.ok() && sent_ != nullptr) sent_->Increment();
      } else if (found.ok() && (*found)[0][1] == "sent") {
        send = false;
        if (skipped_ != nullptr) skipped_->Increment();
      } else if (found.ok()) {
        // Marked by a leader that may have died before sending it: sent again, as this one's.
        n.change_at = std::stoll((*found)[0][0]);
        status = session_
                     ->query(
                         "UPDATE escalations_sent SET replica = $4, at = now() WHERE alert_id = "
                         "$1 AND topic = $2 AND change_at = $3",
                         {n.alert_id, n.topic, std::to_string(n.change_at), options_.replica})
                     .status();
        if (status.ok()) {
          if (resent_ != nullptr) resent_->Increment();
          spdlog::warn(
              "HA: replica {} sends escalation notice {} of alert {} again: the leader before "
              "marked it but may have died before sending it.",
              options_.replica, n.topic, n.alert_id);
        }
      }
      if (!status.ok()) {
        spdlog::warn(
            "HA: replica {} cannot mark escalation notice {} of alert {} before sending it: {}; "
            "it waits and is tried again.",
            options_.replica, n.topic, n.alert_id, status.message());
        return;
      }
    } else if (sent_ != nullptr) {
      sent_->Increment();  // not an alert's notice: nothing to mark it by
    }
    if (send) {
      post_([this, n = std::move(n)]() mutable {
        const SinkOutcome o = publish_(n.topic, n.body);
        published(std::move(n), o);
      });
    }
    kept_.pop_front();
  }
}

void EscalationSendLog::forgetSent() {
  std::string ids = "{";
  for (const Notice& n : kept_) {
    if (!n.alert_id.empty()) strAppend(ids, ids.size() > 1 ? "," : "", "\"", n.alert_id, "\"");
  }
  ids += "}";
  auto r = session_->query(
      "SELECT alert_id, topic, change_at FROM escalations_sent WHERE state = 'sent' AND "
      "alert_id = ANY($1::text[])",
      {ids});
  if (!r.ok()) return;  // kept; asked again later
  std::erase_if(kept_, [&](const Notice& n) {
    for (const auto& row : *r) {
      if (row[0] == n.alert_id && row[1] == n.topic &&
          std::llabs(std::stoll(row[2]) - n.change_at) < kSameNotice.count()) {
        return true;
      }
    }
    return false;
  });
}

void EscalationSendLog::markSent(bool all) {
  const auto cutoff = std::chrono::steady_clock::now() - kOnTheWire;
  while (!to_mark_.empty() && (all || to_mark_.front().at <= cutoff)) {
    const Published& p = to_mark_.front();
    auto r = session_->query(
        "UPDATE escalations_sent SET state = 'sent', at = now() WHERE alert_id = $1 AND topic = "
        "$2 AND change_at = $3",
        {p.alert_id, p.topic, std::to_string(p.change_at)});
    if (!r.ok()) return;  // tried again on the next turn
    to_mark_.pop_front();
  }
}

}  // namespace casewatch
