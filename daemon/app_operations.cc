// Durable duty officers' actions: an acknowledgement, unacknowledgement, manual resolution,
// new silence or silence expiry is answered only once its alert changes, and the workflow state
// it leaves, are committed to the store with synchronous=FULL. The action is made on a trial copy
// of the workflow whose changes are captured, not published; the store commits them (on its own
// thread, so the io_context never waits); then, on the io_context, the trial becomes the workflow
// and its changes are held and published like any other, in decision order. If the store cannot
// commit them, the trial is dropped: the workflow is as it was and nothing is published.
//
// Why the workflow stands still meanwhile: the trial is a copy of the workflow as it was when the
// action was made; anything the workflow did in between (an event's change, a timer) would be lost
// when the trial takes its place. So event batches, ticks, reloads and further actions wait in
// queues until the store answers (a few milliseconds: one synced commit). And the action waits
// for the changes decided before it to be recorded (their journal batch durable, then one
// commit): the store's rows then keep decision order, so an older change never overwrites the
// alert row an action wrote (which a restart reads back).
//
// An HA pair (ha.enabled): the call made is recorded (daemon/ha/action_recorder.h) and committed
// with the action for the other replica, which makes it on its own workflow through the same queue
// (a shared action: made and published, but neither recorded nor shared again).
#include <spdlog/spdlog.h>

#include <memory>
#include <utility>

#include "base/str_cat.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "daemon/ha/action_recorder.h"
#include "daemon/snapshot/state_digest.h"

namespace casewatch {

using app::jsonOptions;
using app::kWorkflowSnapshot;
using app::toRecord;

void App::wireWorkflow(AlertWorkflow& workflow) {
  workflow.setEmit([this](AlertChange&& c) { submitChange(std::move(c)); });
  // The ledger is the key_case model's (when configured); the App names its cases.
  workflow.setLedger([this] { return ledgerView(); });
  workflow.setPersist([this](std::string state) {
    store_->putSnapshot(std::string(kWorkflowSnapshot), pipeline_->now(), std::move(state));
  });
}

std::vector<Alert> App::activeAlerts() const {
  std::vector<Alert> out = workflow_->activeAlerts();
  // The daemon's own alert, while it fires (daemon/health/self_alert.h), so the console shows it.
  if (self_alert_) out.insert(out.begin(), *self_alert_);
  return out;
}

absl::StatusOr<Alert> App::acknowledge(const std::string& alert_id, const std::string& by,
                                       const std::string& note) {
  return workflow_->acknowledge(alert_id, by, note);
}

absl::StatusOr<Alert> App::unacknowledge(const std::string& alert_id, const std::string& by) {
  return workflow_->unacknowledge(alert_id, by);
}

absl::StatusOr<Alert> App::resolve(const std::string& alert_id, const std::string& by,
                                   const std::string& note) {
  return workflow_->resolve(alert_id, by, note);
}

std::vector<Silence> App::silences() const {
  return workflow_->silences();
}

absl::StatusOr<Silence> App::addSilence(Silence silence, const std::string& by) {
  return workflow_->addSilence(std::move(silence), by);
}

absl::Status App::expireSilence(const std::string& silence_id, const std::string& by) {
  return workflow_->expireSilence(silence_id, by);
}

std::vector<LedgerEntry> App::ledger() const {
  return workflow_->ledger();
}

AlertOperations::StateDigest App::stateDigest() const {
  StateDigest d;
  const StateDigestParts parts = stateDigestParts(*pipeline_, *workflow_);
  d.digest = parts.digest;
  d.parts = {{"cases", parts.cases},
             {"visits", parts.visits},
             {"orphans", parts.orphans},
             {"alert_book", parts.alert_book},
             {"workflow", parts.workflow}};
  d.cases = pipeline_->cases().known();
  d.visits = pipeline_->visits().size();
  d.active_alerts = workflow_->activeAlerts().size();
  d.events_journaled = events_journaled_;
  return d;
}

void App::commitAction(Action action, ActionDone done) {
  queueAction(PendingAction{std::move(action), std::move(done), /*shared=*/false});
}

void App::queueAction(PendingAction pending) {
  if (action_in_flight_) {
    queued_actions_.push_back(std::move(pending));
    return;
  }
  // From now on the workflow stands still (nothing new is decided); the changes already decided
  // are recorded first, then the action is made.
  action_in_flight_ = true;
  waiting_action_.emplace(std::move(pending));
  startWaitingAction();
}

void App::startWaitingAction() {
  if (!waiting_action_ || !held_changes_.empty() || !recording_.empty()) return;
  PendingAction pending = std::move(*waiting_action_);
  waiting_action_.reset();
  ActionDone done = std::move(pending.done);
  auto trial = std::make_shared<AlertWorkflow>(*workflow_);
  auto changes = std::make_shared<std::vector<AlertChange>>();
  std::optional<std::string> state;
  trial->setEmit([changes](AlertChange&& c) { changes->push_back(std::move(c)); });
  trial->setPersist([&state](std::string s) { state = std::move(s); });
  // An HA pair: the call is recorded for the other replica (daemon/ha/shared_action.h).
  std::optional<ActionRecorder> recorder;
  if (config_.ha.enabled && !pending.shared) recorder.emplace(*trial, replicaName());
  const absl::Status made = recorder ? pending.action(*recorder) : pending.action(*trial);
  trial->setPersist(nullptr);  // `state` goes out of scope; the trial persists nothing more
  if (!made.ok()) {            // refused: the trial is dropped, nothing changed
    done(made);
    return resumeAfterAction();
  }
  const AlertJsonOptions jo = jsonOptions(config_);
  if (pending.shared) {
    // Committed by the replica that made it, with the workflow state it left (the same here):
    // made, then held and published like this replica's own, and recorded no second time.
    for (AlertChange& c : *changes) c.encoded = encodeAlert(c.alert, jo);
    boost::asio::post(io_, [this, trial, changes, done = std::move(done)] {
      actionCommitted(absl::OkStatus(), trial, changes, done);
    });
    return;
  }

  std::vector<AlertRecord> records;
  records.reserve(changes->size());
  for (AlertChange& c : *changes) {
    // Encoded once here; the store, the bus and the API's stream print this encoding.
    c.encoded = encodeAlert(c.alert, jo);
    records.push_back(toRecord(c, jo));
  }
  std::optional<NamedSnapshot> snapshot;
  if (state) snapshot = NamedSnapshot{std::string(kWorkflowSnapshot), pipeline_->now(), *state};
  auto committed = [this, trial, changes, done = std::move(done)](const absl::Status& s) {
    boost::asio::post(
        io_, [this, s, trial, changes, done] { actionCommitted(s, trial, changes, done); });
  };
  if (recorder && recorder->recorded()) {
    store_->recordSharedOperatorAction(std::move(records), std::move(snapshot),
                                       recorder->recorded()->toJson(), std::move(committed));
  } else {
    store_->recordOperatorAction(std::move(records), std::move(snapshot), std::move(committed));
  }
}

void App::actionCommitted(const absl::Status& status, std::shared_ptr<AlertWorkflow> trial,
                          std::shared_ptr<std::vector<AlertChange>> changes, ActionDone done) {
  if (!status.ok()) {
    spdlog::error(
        "A duty officer's action was refused: the store could not commit it ({}); nothing "
        "changed and nothing was published.",
        status.message());
    resumeAfterAction();
    return done(absl::UnavailableError(
        strCat("store: the change could not be saved, so it was not made (", status.message(),
               "); try again once the store is healthy (GET /readyz)")));
  }
  wireWorkflow(*trial);
  *workflow_ = std::move(*trial);
  // Held like any change, in decision order: published after the changes decided before it.
  for (AlertChange& c : *changes) {
    const uint64_t pos = nextChangePosition();
    c.seq = pos;
    const uint64_t needed =
        journal_->pendingRecords() > 0 ? committed_batch_ + 1 : committed_batch_;
    held_changes_.push_back(HeldChange{needed, pos, std::move(c), /*recorded=*/true});
  }
  if (!held_changes_.empty() && held_changes_.front().batch <= durable_batch_) releaseAlerts();
  done(absl::OkStatus());
  resumeAfterAction();
}

void App::resumeAfterAction() {
  action_in_flight_ = false;
  applyDeferredBatches();
  if (std::exchange(reload_deferred_, false)) reload();
  // An action refused at once (404, 409) leaves nothing in flight: take the next one.
  while (!action_in_flight_ && !queued_actions_.empty()) {
    PendingAction next = std::move(queued_actions_.front());
    queued_actions_.pop_front();
    queueAction(std::move(next));
  }
}

void App::applyDeferredBatches() {
  // onBatch() may leave the store far behind again: what is left waits for it to catch up.
  while (!deferred_batches_.empty() && !action_in_flight_ && !store_behind_ && !purge_drain_) {
    DecodedBatchPtr batch = std::move(deferred_batches_.front());
    deferred_batches_.pop_front();
    onBatch(std::move(batch));
  }
}

}  // namespace casewatch
