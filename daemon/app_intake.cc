// Intake paused while the daemon cannot write: when the journal or the store is refused (a full
// disk, EIO), taking more events would only grow memory (the journal's queue, the held alert
// changes, the store's kept writes) with nothing made durable. So the feed batches that arrive
// are held, unapplied; each keeps its connector's in-flight slot, so after a few the connectors
// stop reading and ZeroMQ pushes back on the producers (PUSH blocks; what a PUB drops shows as
// seq gaps). Everything accepted before stays in memory and is written when the disk takes it
// again (the journal and the store retry by themselves); then the held batches are applied in
// the order they came, and the feeds are read again.
#include <spdlog/spdlog.h>

#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "daemon/health/self_alert.h"

namespace casewatch {

using app::jsonOptions;
using app::steadyMs;

void App::updateIntake(const ReadinessInputs& in) {
  // Not while starting (recovery writes nothing new). The journal: any failure (it retries by
  // itself, or has failed for good). The store: an outage it waits out keeping its writes (a full
  // disk, an I/O error, a lock another process holds past the busy timeout, PostgreSQL out of
  // reach); another failure (a bug's error, the same at every try) drops that transaction's writes
  // and is healthy again at the next commit, which a paused intake might never bring.
  const bool failing = started_ && ((!in.journal.ok() && journal_) ||
                                    in.store.code() == absl::StatusCode::kResourceExhausted ||
                                    (store_ && store_->holdingWrites()));
  if (failing && !intake_paused_) {
    pauseIntake(in);
  } else if (!failing && intake_paused_) {
    resumeIntake();
  }
}

void App::pauseIntake(const ReadinessInputs& in) {
  intake_paused_ = true;
  intake_paused_since_ms_ = steadyMs();
  const absl::Status& why = !in.journal.ok() ? in.journal : in.store;
  const SelfAlertCause cause = in.disk_full       ? SelfAlertCause::kDiskFull
                               : !in.journal.ok() ? SelfAlertCause::kJournalFailing
                                                  : SelfAlertCause::kStoreFailing;
  spdlog::error(
      "Intake paused: {}{}. Feeds are not read until it can write again (retried by itself); "
      "nothing accepted is lost.",
      in.disk_full ? "the disk of " + config_.data_dir + " is full: " : "",
      std::string(why.message()));
  self_alert_ = selfAlert(cause, std::string(why.message()), config_.data_dir, wall_.now());
  deliverSelfAlert(selfAlertFired(*self_alert_));
}

void App::resumeIntake() {
  intake_paused_ = false;
  const double seconds = static_cast<double>(steadyMs() - intake_paused_since_ms_) / 1000.0;
  spdlog::warn(
      "Intake resumed after {:.1f} s: the journal and the store write again; {} held "
      "feed batches applied.",
      seconds, held_batches_.size());
  if (self_alert_) {
    deliverSelfAlert(selfAlertResolved(std::move(*self_alert_), wall_.now()));
    self_alert_.reset();
  }
  // In the order they came; each releases its connector's slot once applied.
  std::deque<DecodedBatchPtr> held = std::exchange(held_batches_, {});
  for (DecodedBatchPtr& b : held) onBatch(std::move(b));
}

void App::deliverSelfAlert(AlertChange change) {
  change.encoded = encodeAlert(change.alert, jsonOptions(config_));
  // Straight to the sinks: not in the book, the store or the published positions (its header).
  if (dispatcher_) dispatcher_->deliverOne(change, steadyMs());
}

}  // namespace casewatch
