// The HA pair (ha.enabled, docs/deployment.md "HA pair"): both replicas compute, record and serve
// the same alerts; the escalation topics of the bus (escalation.<level>, escalation.notice) are
// published by the leader only (daemon/ha/leader_election.h).
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "base/str_cat.h"
#include "daemon/app.h"
#include "daemon/store/open_alert_store.h"

namespace casewatch {

absl::Status App::startElection() {
  const PostgresStoreConfig& pg = config_.store.alert_store.postgresql;
  LeaderElectionOptions options;
  options.conninfo = pg.conninfo;
  options.takeover_seconds = config_.ha.takeover_seconds;
  options.replica = config_.ha.replica;
  if (options.replica.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) options.replica = host;
  }
  if (!pg.password_file.empty()) {
    auto password = readPasswordFile(pg.password_file);
    if (!password.ok()) return password.status();
    options.password = std::move(*password);
  }
  dispatcher_->setPublishingEscalations(false);
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
  if (leader == dispatcher_->publishingEscalations()) return;
  const size_t dropped = dispatcher_->setPublishingEscalations(leader);
  if (dropped > 0) {
    spdlog::warn("HA: {} escalation notice(s) waiting for the bus dropped with the leadership.",
                 dropped);
  }
}

}  // namespace casewatch
