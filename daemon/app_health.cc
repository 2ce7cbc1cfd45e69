// The App's readiness and health figures: what GET /readyz answers and casewatch_ready,
// casewatch_feed_connected and the journal, store and feed error counters export.
#include <spdlog/spdlog.h>

#include "daemon/app.h"

namespace casewatch {

ReadinessInputs App::readinessInputs() const {
  ReadinessInputs in;
  in.started = started_;
  in.stopping = stopping_;
  in.journal = journal_ ? journal_->health() : absl::FailedPreconditionError("journal: not open");
  in.store = store_ ? store_->health() : absl::FailedPreconditionError("store: not open");
  in.disk_full = in.journal.code() == absl::StatusCode::kResourceExhausted ||
                 in.store.code() == absl::StatusCode::kResourceExhausted;
  in.data_dir = config_.data_dir;
  // Every configured feed, in order; one whose connector failed to start (on a reload) has none.
  for (const FeedConfig& f : config_.feeds) {
    FeedLink link{f.name, f.endpoint, false, false};
    for (const auto& c : connectors_) {
      if (c->name() == f.name) {
        link.running = true;
        link.connected = c->connected();
        break;
      }
    }
    in.feeds.push_back(std::move(link));
  }
  return in;
}

void App::updateReadiness() {
  const ReadinessInputs in = readinessInputs();
  updateIntake(in);
  Readiness now = assessReadiness(in);
  if (now != readiness_) {
    if (now.ready()) {
      spdlog::info("Ready: journal and store healthy, every feed bound or connected.");
    } else if (started_ && !stopping_) {
      std::string why;
      for (const std::string& r : now.reasons) why += (why.empty() ? "" : "; ") + r;
      spdlog::warn("Not ready: {}.", why);
    }
    readiness_ = std::move(now);
  }
  notifyServiceManager(in);
  if (!health_metrics_) return;
  health_metrics_->setReady(readiness_.ready());
  health_metrics_->setIntake(intake_paused_, in.disk_full || snapshot_disk_full_,
                             held_batches_.size());
  health_metrics_->setStoreBacklog(unrecorded_changes_, deferred_batches_.size(),
                                   store_behind_episodes_);
  health_metrics_->syncProcess();
  std::vector<std::pair<std::string, bool>> feeds;
  for (const FeedLink& f : in.feeds) feeds.emplace_back(f.name, f.connected);
  health_metrics_->setFeedsConnected(feeds);
  const JournalStats& js = journal_->stats();
  health_metrics_->syncJournal(js.write_errors.load(std::memory_order_relaxed),
                               js.records_dropped.load(std::memory_order_relaxed));
  const AlertStoreStats& ss = store_->stats();
  health_metrics_->syncStore(ss.commit_errors.load(std::memory_order_relaxed),
                             ss.writes_dropped.load(std::memory_order_relaxed));
  for (const auto& c : connectors_) {
    health_metrics_->syncFeed(c->name(),
                              c->stats().transport_errors.load(std::memory_order_relaxed),
                              c->stats().peer_disconnects.load(std::memory_order_relaxed));
    health_metrics_->syncAuthRefusals("feed/" + c->name(),
                                      c->stats().auth_refusals.load(std::memory_order_relaxed));
  }
  if (zap_) {
    health_metrics_->syncAuthRefusals("publish", zap_->refusals("publish"));
  }
}

void App::notifyServiceManager(const ReadinessInputs& in) {
  if (!notifier_.active() || !started_ || stopping_) return;
  std::string status = "Ready.";
  if (!readiness_.ready()) {
    status = "Not ready: ";
    for (size_t i = 0; i < readiness_.reasons.size(); ++i)
      status += (i ? "; " : "") + readiness_.reasons[i];
    status += ".";
  }
  // systemd's READY=1 means started: recovered, journal and store healthy, every feed bound (or,
  // for a feed that connects, connecting). A peer that is not there yet is for /readyz to say,
  // not a reason to fail the start (a publisher may itself be ordered After=casewatch.service).
  ReadinessInputs bound = in;
  for (FeedLink& f : bound.feeds) f.connected = f.connected || f.running;
  if (assessReadiness(bound).ready()) notifier_.ready(status);
  notifier_.status(status);
}

void App::healthChanged() {
  boost::asio::post(io_, [this] { updateReadiness(); });
}

}  // namespace casewatch
