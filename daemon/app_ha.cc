// The HA pair (ha.enabled, docs/deployment.md "HA pair"): both replicas compute, record and serve
// the same alerts. The escalation topics of the bus (escalation.<level>, escalation.notice) are
// published by the leader only (daemon/ha/leader_election.h), through the shared record of what
// was sent (daemon/ha/escalation_send_log.h), so that a new leader resumes where the old one
// stopped. A duty officer's action made through either replica reaches the other's workflow
// through PostgreSQL (daemon/ha/shared_action_listener.h).
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "base/str_cat.h"
#include "daemon/app.h"
#include "daemon/ha/shared_action.h"
#include "daemon/store/open_alert_store.h"

namespace casewatch {
namespace {

absl::StatusOr<std::string> storePassword(const PostgresStoreConfig& pg) {
  if (pg.password_file.empty()) return std::string();
  return readPasswordFile(pg.password_file);
}

}  // namespace

std::string App::replicaName() const {
  if (!config_.ha.replica.empty()) return config_.ha.replica;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) return host;
  return "unknown";
}

absl::Status App::startSharedActions() {
  const PostgresStoreConfig& pg = config_.store.alert_store.postgresql;
  auto password = storePassword(pg);
  if (!password.ok()) return password.status();
  action_listener_ = std::make_unique<SharedActionListener>(
      SharedActionListenerOptions{pg.conninfo, *password, replicaName()},
      [this](std::vector<std::string> actions) {
        boost::asio::post(io_, [this, actions = std::move(actions)]() mutable {
          sharedActionsArrived(std::move(actions));
        });
      });
  if (auto s = action_listener_->start(); !s.ok()) {
    return absl::Status(s.code(),
                        strCat("ha: cannot listen for the other replica's actions: ", s.message()));
  }
  return absl::OkStatus();
}

void App::sharedActionsArrived(std::vector<std::string> actions) {
  if (stopping_) return;
  const std::string me = replicaName();
  for (const std::string& text : actions) {
    auto a = SharedAction::fromJson(text);
    if (!a.ok()) {
      spdlog::warn("HA: an action in the shared store is unreadable ({}); skipped.",
                   a.status().message());
      continue;
    }
    if (a->origin == me) continue;  // made here
    auto shared = std::make_shared<SharedAction>(std::move(*a));
    queueAction(PendingAction{
        [shared](AlertOperations& ops) { return shared->applyTo(ops); },
        [shared](absl::Status s) {
          if (s.ok()) {
            spdlog::info("HA: {} by {} made on replica {} applied here.",
                         sharedActionKindName(shared->kind), shared->by, shared->origin);
          } else {
            // Already so here (the state loaded at start-up had it), or the alert is gone.
            spdlog::debug("HA: {} by {} from replica {} changes nothing here: {}",
                          sharedActionKindName(shared->kind), shared->by, shared->origin,
                          s.message());
          }
        },
        /*shared=*/true});
  }
}

absl::Status App::startElection() {
  const PostgresStoreConfig& pg = config_.store.alert_store.postgresql;
  LeaderElectionOptions options;
  options.conninfo = pg.conninfo;
  options.takeover_seconds = config_.ha.takeover_seconds;
  options.replica = replicaName();
  auto password = storePassword(pg);
  if (!password.ok()) return password.status();
  options.password = *password;
  // The escalation topics go through the send log, which publishes on the leader only; without a
  // bus there is nothing to publish.
  dispatcher_->interposeEscalationPublisher([&](AlertDispatcher::PublishFn bus) {
    send_log_ = std::make_unique<EscalationSendLog>(
        EscalationSendLogOptions{pg.conninfo, *password, options.replica}, std::move(bus),
        [this](std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); });
    return [log = send_log_.get()](std::string_view topic, std::string_view body) {
      return log->offer(topic, body);
    };
  });
  if (send_log_) {
    send_log_->exportMetrics(*metrics_->registry());
    send_log_->start();
  } else {
    dispatcher_->setPublishingEscalations(false);
  }
  spdlog::info(
      "HA: replica {} of a pair; a follower until it holds the leader lock in PostgreSQL "
      "(takeover within {} s).",
      options.replica, options.takeover_seconds);
  election_ = std::make_unique<LeaderElection>(std::move(options), [this](bool leader) {
    boost::asio::post(io_, [this, leader] { roleChanged(leader); });
  });
  election_->exportMetrics(*metrics_->registry());
  election_->start();
  return absl::OkStatus();
}

void App::roleChanged(bool leader) {
  // The election may have changed its mind again since this was posted: its latest word counts.
  leader = election_ && election_->leader();
  if (send_log_) return send_log_->setLeader(leader);
  if (leader == dispatcher_->publishingEscalations()) return;
  const size_t dropped = dispatcher_->setPublishingEscalations(leader);
  if (dropped > 0) {
    spdlog::warn("HA: {} escalation notice(s) waiting for the bus dropped with the leadership.",
                 dropped);
  }
}

}  // namespace casewatch
