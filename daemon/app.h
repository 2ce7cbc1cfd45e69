// The live daemon as an object: start (open the store and journal, recover, bind), run the
// io_context until stopped, reload on SIGHUP, stop cleanly on SIGINT/SIGTERM. main() is a thin
// shell around it, and integration tests can run it in-process.
//
// Threads: one io_context thread owns all state (the pipeline); connectors decode on their own
// threads and post batches to it; the journal's writer and the SQLite store have their own threads
// and post completions back. Nothing on the io_context blocks on I/O.
//
// Durability: an event is accepted once its journal batch is durable (group commit every
// store.commit_interval_ms or store.commit_max_events). Alert changes are held until the batch of
// the events behind them is durable, then recorded in the store, then published: a restart (after
// SIGTERM or SIGKILL) replays the journal, rebuilds the same state, and publishes only what differs
// from what the store says was published.
#pragma once

#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <zmq.hpp>

#include "base/zmq_curve/zap_authenticator.h"

#include "absl/status/status.h"
#include "alerts/sinks/sink.h"
#include "alerts/workflow/alert_dispatcher.h"
#include "alerts/workflow/alert_workflow.h"
#include "base/clock.h"
#include "connectors/connector.h"
#include "connectors/pseudonym/pseudonym_key.h"
#include "daemon/components.h"
#include "daemon/daemon_config.h"
#include "daemon/ha/escalation_send_log.h"
#include "daemon/ha/leader_election.h"
#include "daemon/ha/shared_action_listener.h"
#include "daemon/health/readiness.h"
#include "daemon/http/http_server.h"
#include "daemon/journal/event_journal.h"
#include "daemon/pipeline.h"
#include "daemon/service/systemd_notifier.h"
#include "daemon/snapshot/snapshot_writer.h"
#include "daemon/store/alert_store.h"
#include "daemon/store/stored_active_alerts.h"
#include "daemon/telemetry/health_metrics.h"
#include "daemon/telemetry/learning_metrics.h"
#include "daemon/telemetry/metrics.h"
#include "daemon/telemetry/retention_metrics.h"
#include "daemon/telemetry/snapshot_metrics.h"

namespace casewatch {

struct AppOptions {
  Config config;
  std::string config_path;        // for reloads; empty = embedded defaults
  std::vector<std::string> sets;  // --set overrides, re-applied on reload
  bool handle_signals = true;
  // --truncate-corrupt-journal: at a corrupt journal record with valid records after it, cut the
  // journal there (logged, counted) instead of refusing to start.
  bool truncate_corrupt_journal = false;
};

class App final : private PipelineOutput, private AlertOperations {
 public:
  explicit App(AppOptions options);
  ~App() override;

  // Fatal problems (cannot bind, corrupt journal, no key) come back as errors naming the key.
  absl::Status start();
  // Runs until stop; returns the process exit code.
  int run();
  // Thread-safe.
  void requestStop();
  void requestReload();

  uint16_t metricsPort() const { return metrics_ ? metrics_->port() : 0; }
  uint16_t httpPort() const { return http_ ? http_->port() : 0; }
  Pipeline& pipelineForTest() { return *pipeline_; }
  // The duty officers' operations (ack, silences, ...), for the HTTP API; valid after start().
  // Call on the io_context only. Their changes are durable before commitAction() says done.
  AlertOperations& operations() { return *this; }

 private:
  // PipelineOutput
  void accepted(const CaseEvent& ev) override;
  void clockMoved(TimeMs now) override;
  void alertChanged(AlertChange&& change) override;
  // The workflow's changes: held until durable, recorded, then delivered.
  void submitChange(AlertChange&& change);
  void deadLetter(std::string_view feed, const Rejection& r) override;
  // The daily retention purge (app_retention.cc): the store's part, the counts and the log line,
  // and a snapshot that makes it durable (older snapshots and journal segments go).
  void purged(CasePurge&& purge) override;
  // Hands the store its part of the purges so far once every alert change decided before them
  // has been handed to the store (its queue then applies the purge after them); `force` at stop.
  void submitStorePurge(bool force);

  // AlertOperations (app_operations.cc): reads from the workflow; a changing call made through
  // commitAction() is made on a trial copy of the workflow, committed to the store with
  // synchronous=FULL, and only then kept and published. While one is being committed the
  // workflow stands still: event batches, timers, reloads and further actions wait (queued, the
  // io_context never blocks). The direct changing calls go to the workflow and are not durable
  // (the API never uses them).
  std::vector<Alert> activeAlerts() const override;
  absl::StatusOr<Alert> acknowledge(const std::string& alert_id, const std::string& by,
                                    const std::string& note) override;
  absl::StatusOr<Alert> unacknowledge(const std::string& alert_id, const std::string& by) override;
  absl::StatusOr<Alert> resolve(const std::string& alert_id, const std::string& by,
                                const std::string& note) override;
  std::vector<Silence> silences() const override;
  absl::StatusOr<Silence> addSilence(Silence silence, const std::string& by) override;
  absl::Status expireSilence(const std::string& silence_id, const std::string& by) override;
  std::vector<LedgerEntry> ledger() const override;
  std::vector<ModelState> modelStates() const override;  // app_learning.cc
  StateDigest stateDigest() const override;
  void commitAction(Action action, ActionDone done) override;
  // Makes the waiting action once every change decided before it is recorded (so the store's
  // rows keep decision order: an older change never overwrites an action's row).
  void startWaitingAction();
  // On the io_context, once the store has answered for the action made on `trial`.
  void actionCommitted(const absl::Status& status, std::shared_ptr<AlertWorkflow> trial,
                       std::shared_ptr<std::vector<AlertChange>> changes, ActionDone done);
  // Lets the workflow move again: deferred batches, a deferred reload, the next queued action.
  void resumeAfterAction();
  void applyDeferredBatches();  // in order, while neither an action nor a drain holds them
  // The workflow's live outputs (the trial copy of an action gets them once it is kept).
  void wireWorkflow(AlertWorkflow& workflow);

  // The key-case ledger for the API (empty when the key_case model is not configured).
  std::vector<LedgerEntry> ledgerView() const;
  void onBatch(DecodedBatchPtr batch);
  void commitJournal();
  // Commits what is pending now if the journal is idle: no commit under way, and none started in
  // the last commit_interval_ms (app_delivery.cc).
  void commitIfIdle();
  void onDurable(uint64_t batch);
  void releaseAlerts();
  void deliver(std::vector<AlertChange> changes, uint64_t last_position);
  // As deliver(), recording each change's position as soon as it is sent: a kill in the middle of
  // a batch then re-sends at most the one change being sent, not the whole batch.
  void deliverEach(std::vector<AlertChange> changes, std::vector<uint64_t> positions);
  // casewatch_alert_publish_latency_seconds, for changes just handed over whose feed batches
  // arrived at `arrived` (steady clock, ns).
  void observePublishLatency(const std::vector<int64_t>& arrived);
  absl::Status recover();
  // Snapshots (app_snapshot.cc). buildState() makes an empty pipeline (with the configured models
  // when `with_models`) and workflow; loadSnapshot() builds them and loads the newest valid
  // snapshot into them, returning the journal position it covers (0: none, state empty).
  absl::Status buildState(bool with_models);
  absl::StatusOr<uint64_t> loadSnapshot();
  absl::Status loadSnapshotFile(const std::string& path, uint64_t& position);
  // Of the configuration the models' state depends on, as a snapshot of `snapshot_format` holds it.
  uint64_t configFingerprint(uint32_t snapshot_format) const;
  void maybeSnapshot();
  // The state as a snapshot of the journal so far (null: a model cannot save its state).
  std::optional<SnapshotJob> snapshotJob();
  void snapshotAtStop();
  void snapshotDone(SnapshotResult r);
  // Sets casewatch_snapshot_age_seconds from snapshot_unix_ (each tick).
  void publishSnapshotAge();
  // `written_at_start`: the alerts of the changes recorded during start-up, in order, which the
  // stored alerts read beside the recovery (stored_active_) do not hold yet.
  void reconcile(const std::vector<Alert>& written_at_start);
  // app_learning.cc: the models that learn from the daemon's own history. Their labelled rows go
  // to the store (writer thread); a refit that fell due runs on fit_pool_ and posts its outcome
  // back; at start-up the last accepted fit comes back from the store.
  void learn();
  void restoreFits();
  void startEscalationFit(TimeMs at);
  void startHawkesFit(TimeMs at);
  void publishLearningMetrics();
  void scheduleTick();
  void scheduleCommit();
  void reload();  // app_reload.cc
  // Starts the connectors of the feeds whose settings changed; returns how many it started.
  size_t reloadFeeds(const Config& previous);
  // Builds and starts feeds[index]; errors name the feed.
  absl::StatusOr<std::unique_ptr<Connector>> startFeed(const FeedConfig& feed, size_t index);
  // What the sink table's factories are built with, adding to `dispatcher`.
  SinkContext sinkContext(AlertDispatcher& dispatcher, const Config& config);
  void shutdown();
  void closeDown();  // shutdown()'s second step, once no action is being committed
  // app_health.cc. Readiness is assessed on the io_context only: whenever an input may have
  // changed (a feed's connection, the journal's or the store's health; they call
  // healthChanged() from their threads) and on every tick. Also syncs the health metrics.
  void updateReadiness();
  void healthChanged();  // any thread: posts updateReadiness()
  // app_intake.cc. Intake pauses while the journal or the store cannot write (a full disk, an I/O
  // error): feed batches are held, not applied, so the connectors' in-flight bounds push back on
  // ZeroMQ and nothing grows; logged once, exported, and the daemon's own alert is raised. It
  // resumes, applying the held batches in order, as soon as both write again. From
  // updateReadiness().
  void updateIntake(const ReadinessInputs& in);
  void pauseIntake(const ReadinessInputs& in);
  void resumeIntake();
  // Sends the daemon's own alert (daemon/health/self_alert.h) to every sink.
  void deliverSelfAlert(AlertChange change);
  // READY=1 and STATUS= for systemd (daemon/service/systemd_notifier.h), from the same inputs.
  void notifyServiceManager(const ReadinessInputs& in);
  // ha.enabled (app_ha.cc): this replica starts as a follower and publishes the escalation topics
  // only while the election makes it the leader.
  absl::Status startElection();
  void roleChanged(bool leader);
  // ha.enabled: the other replica's duty officers' actions (daemon/ha/shared_action.h), listened
  // for from right after the store opens, so that none made while this one starts is missed;
  // applied like an action of this replica's API, but not recorded again.
  absl::Status startSharedActions();
  void sharedActionsArrived(std::vector<std::string> actions);
  // The name of this replica (ha.replica, or the host name).
  std::string replicaName() const;
  ReadinessInputs readinessInputs() const;

  AppOptions options_;
  Config& config_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer commit_timer_;
  // Type=notify under systemd: READY=1 once recovered and bound, STATUS=, the watchdog's pings.
  SystemdNotifier notifier_{io_};
  SystemClock wall_;
  zmq::context_t zmq_;
  // The ZAP handler of zmq_ (CURVE client keys of the feeds and the bus): bound before any socket,
  // and destroyed before the context (declared after it).
  std::unique_ptr<ZapAuthenticator> zap_;
  std::unique_ptr<Pseudonymizer> pseudonymizer_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<HealthMetrics> health_metrics_;
  std::unique_ptr<SnapshotMetrics> snapshot_metrics_;
  std::unique_ptr<RetentionMetrics> retention_metrics_;
  // A purge forgot cases since the last snapshot: the next one is taken even without new events,
  // and it replaces every older snapshot (they hold the purged cases).
  bool purge_snapshot_due_ = false;
  // The snapshot after a purge waits for the unsettled changes, intake deferred (app_snapshot.cc).
  bool purge_drain_ = false;
  int64_t purge_drain_since_ms_ = 0;
  void endPurgeDrain();
  // The store's part of the purges not yet handed to it, and what those purges forgot (for the
  // summary line).
  std::optional<StorePurge> store_purge_due_;
  CasePurge purge_totals_;
  std::unique_ptr<SnapshotWriter> snapshot_writer_;
  uint64_t snapshot_position_ = 0;  // events covered by the newest snapshot (loaded or written)
  int64_t snapshot_steady_ms_ = 0;  // when it was taken (steady clock; 0 = at start-up)
  // Wall time (s) of the last snapshot written, or of the file loaded at start-up; before any,
  // the daemon's start (the age gauge then grows from it).
  double snapshot_unix_ = 0;
  int64_t snapshot_started_ms_ = 0;
  int64_t snapshot_pause_ms_ = 0;   // the last snapshot's serialising, intake standing still
  size_t snapshot_unsettled_ = 0;   // alert changes not yet recorded/published in the one written
  size_t snapshot_body_bytes_ = 0;  // the last one's, to reserve the next one's buffer at once
  bool snapshots_unsupported_ = false;  // a running model cannot be saved (logged once)
  // A failed snapshot is abandoned (its temp file removed) and tried again no sooner than this
  // (steady ms), with a backoff that doubles up to 5 minutes.
  uint64_t snapshot_previous_position_ = 0;
  int64_t snapshot_retry_at_ms_ = 0;
  int64_t snapshot_backoff_ms_ = 5000;
  bool snapshot_disk_full_ = false;  // the last snapshot failed for a full disk
  // Intake (app_intake.cc).
  bool intake_paused_ = false;
  int64_t intake_paused_since_ms_ = 0;
  std::deque<DecodedBatchPtr> held_batches_;   // received while paused, in order
  std::optional<Alert> self_alert_;            // the daemon's own alert, while it fires
  Readiness readiness_{{"daemon: starting"}};  // as last assessed; what GET /readyz answers
  bool started_ = false;
  std::unique_ptr<AlertStore> store_;
  // The stored active alerts, read and parsed on a thread of their own while the snapshot loads
  // and the journal is replayed (app_recovery.cc). After store_: it ends before the store does.
  std::future<absl::StatusOr<StoredActiveAlerts>> stored_active_;
  std::unique_ptr<EventJournal> journal_;
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<std::unique_ptr<Connector>> connectors_;
  // The workflow (acks, escalation, silences) between the book and the sinks; the dispatcher owns
  // the sinks, each behind a retry stage.
  std::unique_ptr<AlertWorkflow> workflow_;
  std::unique_ptr<AlertDispatcher> dispatcher_;

  // Positions of alert changes in decision order: (events journaled << 20) | ordinal among the
  // changes decided after that many events. Replay re-decides the same changes at the same
  // positions, so after a crash the ones already recorded/published are recognised and skipped.
  uint64_t nextChangePosition();
  void writePublishedPosition(uint64_t pos);
  // A change handed to ZeroMQ leaves from its I/O thread a moment later: a SIGKILL in between
  // loses it. So published.pos only moves to positions sent at least kOnTheWire ago (on the tick)
  // or, at a clean stop, to the last: a crash re-sends its last moment's changes (same `seq`,
  // which consumers drop) instead of losing them.
  void markSent(AlertChange&& change);
  void advancePublishedPosition(bool all);
  struct SentChange {
    int64_t steady_ms;
    AlertChange change;  // kept until published.pos passes it: a snapshot holds it (see below)
  };
  std::deque<SentChange> sent_changes_;
  // The changes decided but not yet surely recorded and published (held, being recorded, in the
  // publish backlog, sent less than kOnTheWire ago) go into a snapshot with their positions, so a
  // snapshot never waits for the store or the bus; a restart from it records and publishes them as
  // a full replay of the journal would (app_delivery.cc).
  // Returns how many it saved.
  size_t saveUnsettledChanges(ArchiveOut& out) const;
  bool hasUnsettledChanges() const;
  static bool loadUnsettledChanges(ArchiveIn& in, std::vector<std::pair<bool, AlertChange>>& out);
  void restoreUnsettledChanges(std::vector<std::pair<bool, AlertChange>> changes);
  uint64_t events_journaled_ = 0;
  uint64_t last_position_ = 0;
  uint64_t recorded_position_ = 0;   // from the store at start-up
  uint64_t published_position_ = 0;  // from <data_dir>/published.pos at start-up
  uint64_t published_written_ = 0;   // the last position written there (snapshots wait for it)
  int published_fd_ = -1;
  bool publishing_open_ = false;  // the bus's subscribers have had time to (re)connect
  std::vector<AlertChange> publish_backlog_;
  uint64_t backlog_position_ = 0;
  boost::asio::steady_timer publish_grace_timer_;
  std::deque<std::pair<uint64_t, AlertChange>>
      publish_only_;  // recorded before a crash, not published
  bool recovering_ = false;
  bool stopping_ = false;
  uint64_t committed_batch_ = 0;
  uint64_t durable_batch_ = 0;
  int64_t last_commit_ms_ = INT64_MIN / 2;  // steadyMs() of the last journal commit started
  struct HeldChange {
    uint64_t batch;     // the journal batch that must be durable first
    uint64_t position;  // decision order (see nextChangePosition)
    AlertChange change;
    bool recorded = false;         // an operator's action, committed before it was held
    int64_t batch_arrived_ns = 0;  // the deciding feed batch's arrival (steady clock); 0 = none
  };
  std::deque<HeldChange> held_changes_;
  // While a feed batch is applied, its arrival (steady clock, ns): the changes it decides carry it
  // to their publication (casewatch_alert_publish_latency_seconds). 0 between batches.
  int64_t deciding_batch_arrived_ns_ = 0;
  std::vector<DeadLetter> dead_letters_;
  // A duty officer's action being committed (app_operations.cc), and what waits for it.
  bool action_in_flight_ = false;
  struct PendingAction {
    Action action;
    ActionDone done;
    // The other replica's (ha.enabled): already committed there, so made and published, not
    // recorded or shared again.
    bool shared = false;
  };
  std::deque<PendingAction> queued_actions_;
  std::optional<PendingAction> waiting_action_;  // in flight, not yet made
  void queueAction(PendingAction pending);
  // releaseAlerts() batches the store has not answered, in order, and how many changes they hold.
  struct RecordingBatch {
    std::shared_ptr<std::vector<AlertChange>> changes;
    // Per change: an operator's action, committed before it was held. A snapshot says so, so
    // that a restart does not record it a second time (a duplicate history row).
    std::vector<bool> recorded;
  };
  std::deque<RecordingBatch> recording_;
  size_t unrecorded_changes_ = 0;
  // Intake stands still (batches deferred) while the store is kStoreBehindChanges changes behind,
  // until it is down to kStoreCaughtUpChanges: the store's queue, a snapshot's unsettled changes
  // and what a restart must record again stay bounded (app_delivery.cc).
  bool store_behind_ = false;
  int64_t store_behind_logged_ms_ = 0;
  uint64_t store_behind_episodes_ = 0;  // casewatch_intake_store_waits_total
  void recordingDone(const std::shared_ptr<std::vector<AlertChange>>& batch);
  std::deque<DecodedBatchPtr> deferred_batches_;  // for an action, or the store to catch up
  bool reload_deferred_ = false;

  // The refits (app_learning.cc): one at a time, on their own thread.
  std::unique_ptr<LearningMetrics> learning_metrics_;
  boost::asio::thread_pool fit_pool_{1};
  bool escalation_fit_in_flight_ = false;
  bool hawkes_fit_in_flight_ = false;
  // No refit of that kind starts before this steady time (ms): refits take at most a share of the
  // wall time (app_learning.cc, kRefitShare).
  int64_t escalation_refit_after_ms_ = 0;
  int64_t hawkes_refit_after_ms_ = 0;
  uint64_t events_since_drain_ = 0;
  static constexpr uint64_t kLearnDrainEvents = 4096;

  // The HTTP API and duty console (daemon/http/): last, so it goes before the store and the
  // workflow it reads.
  std::unique_ptr<HttpServer> http_;
  // The HA pair's leader election (daemon/ha/), when ha.enabled; stopped first in ~App.
  std::unique_ptr<LeaderElection> election_;
  // ha.enabled: the other replica's actions, and the shared record of the escalation notices sent
  // (only the leader sends; a new one resumes from it). Stopped with the election.
  std::unique_ptr<SharedActionListener> action_listener_;
  std::unique_ptr<EscalationSendLog> send_log_;
};

}  // namespace casewatch
