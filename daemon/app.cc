#include "daemon/app.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>

#include "alerts/alert_json.h"
#include "alerts/sinks/alertmanager/alertmanager_config.h"
#include "base/str_cat.h"
#include "connectors/pseudonym/key_fingerprint.h"
#include "daemon/app_parts.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/data_dir.h"
#include "daemon/key_fingerprint_file.h"
#include "daemon/snapshot/state_digest.h"
#include "daemon/store/open_alert_store.h"
#include "models/key_case/key_case_model.h"

namespace casewatch {

using app::feedLabels;
using app::generatorBase;
using app::jsonOptions;
using app::kPublishGrace;
using app::kRecordedPositionSnapshot;
using app::kTickInterval;
using app::kWorkflowSnapshot;
using app::steadyMs;

App::App(AppOptions options)
    : options_(std::move(options)),
      config_(options_.config),
      work_(boost::asio::make_work_guard(io_)),
      signals_(io_),
      tick_timer_(io_),
      commit_timer_(io_),
      zmq_(1),
      publish_grace_timer_(io_) {}

App::~App() {
  // The send log first: it marks what this leader published as sent before the election's session
  // ends and the other replica takes over.
  if (send_log_) send_log_->stop();
  if (election_) election_->stop();  // its role changes post to io_
  if (action_listener_) action_listener_->stop();
  http_.reset();     // first: it may still read the store
  fit_pool_.join();  // a refit still running reads the store
  for (auto& c : connectors_) c->stop();
  if (snapshot_writer_) snapshot_writer_->stop();  // it waits on the journal
  if (published_fd_ >= 0) ::close(published_fd_);
  if (journal_) journal_->close();
  if (store_) store_->close();
}

absl::Status App::start() {
  if (options_.handle_signals) {
    // Taken from the first moment, and acted on once start-up is done: a SIGTERM during a long
    // recovery then stops cleanly after it instead of ending the process where it stands.
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.add(SIGHUP);
  }
  auto key = loadPseudonymKey(config_.pseudonym, config_.demo);
  if (!key.ok()) return key.status();
  if (key->demo) {
    spdlog::warn(
        "DEMO MODE: person ids are pseudonymised with the built-in demo key, which is "
        "public. Never run real data like this: set pseudonym.key_file or ${}.",
        config_.pseudonym.key_env);
  } else {
    spdlog::info("Pseudonymisation key from {}.", key->origin);
  }
  pseudonymizer_ = std::make_unique<Pseudonymizer>(key->key);

  // Private before anything is written there; the key checked before any pseudonym is stored.
  if (auto s = prepareDataDir(config_.data_dir); !s.ok()) return s;
  if (auto s = checkKeyFingerprint(config_.data_dir, keyFingerprint(key->key), key->origin);
      !s.ok()) {
    return s;
  }

  auto store = openAlertStore(config_.store, config_.data_dir);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  store_->setOnHealthChange([this] { healthChanged(); });
  // An HA pair: the other replica's actions from now on, before the workflow's state is loaded.
  if (config_.ha.enabled) {
    if (auto s = startSharedActions(); !s.ok()) return s;
  }
  if (auto snap = store_->getSnapshot(std::string(kRecordedPositionSnapshot)); snap.ok() && *snap) {
    recorded_position_ = std::strtoull((*snap)->c_str(), nullptr, 10);
  }
  const std::string pos_path = config_.data_dir + "/published.pos";
  published_fd_ = ::open(pos_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (published_fd_ < 0) {
    return absl::UnavailableError(
        strCat("data_dir: cannot open ", pos_path, ": ", std::strerror(errno)));
  }
  uint64_t published = 0;
  if (::pread(published_fd_, &published, sizeof published, 0) == sizeof published) {
    published_position_ = published_written_ = published;
  } else if (::pwrite(published_fd_, &published, sizeof published, 0) != sizeof published) {
    // Written now, so that its later rewrites in place never need space on a full disk.
    return absl::UnavailableError(
        strCat("data_dir: cannot write ", pos_path, ": ", std::strerror(errno)));
  }

  JournalOptions jopts;
  jopts.dir = config_.data_dir;
  jopts.fsync = config_.store.fsync;
  jopts.segment_bytes = config_.store.journal_segment_bytes;
  // Under load one fdatasync can outlast several commit intervals; queue rather than block the
  // loop.
  jopts.max_queued_batches = 64;
  jopts.truncate_corrupt = options_.truncate_corrupt_journal;
  auto journal = EventJournal::open(jopts);
  if (!journal.ok()) {
    const bool corrupt = isCorruptRecordError(journal.status());
    return absl::Status(
        journal.status().code(),
        strCat("data_dir: journal: ", journal.status().message(),
               corrupt ? ". Restore the data dir from a backup, or start once with "
                         "--truncate-corrupt-journal to cut the journal at that record (events "
                         "after it are dropped; the bytes are kept beside the segment)."
                       : ""));
  }
  journal_ = std::move(*journal);
  journal_->setOnHealthChange([this] { healthChanged(); });

  // The metrics label agencies by name, read from the case state's interned strings.
  metrics_ = std::make_unique<Metrics>(feedLabels(config_));
  health_metrics_ = std::make_unique<HealthMetrics>(*metrics_->registry());
  // Nothing has been written to the store yet (recovery comes later).
  store_->setCommitObserver([this](double seconds) { metrics_->storeCommit(seconds); });
  // Before any feed or the bus binds: a CURVE server socket without a ZAP handler would admit
  // every client that knows its public key.
  try {
    zap_ =
        std::make_unique<ZapAuthenticator>(zmq_, [this](const std::string&) { healthChanged(); });
  } catch (const zmq::error_t& e) {
    return absl::InternalError(strCat("ZeroMQ: cannot start the ZAP handler: ", e.what()));
  }
  const JournalRecovery& recovered = journal_->recovery();
  health_metrics_->journalRecovered(recovered.torn_tail_bytes, recovered.corrupt_truncations,
                                    recovered.corrupt_bytes);
  snapshot_metrics_ = std::make_unique<SnapshotMetrics>(*metrics_->registry());
  retention_metrics_ = std::make_unique<RetentionMetrics>(*metrics_->registry());
  // The stored active alerts that reconcile() compares with the recovered state: read and parsed
  // beside the snapshot's load and the journal's replay, which do not touch the store's alerts
  // (3.3 s of start-up at a million cases, 200k active alerts). Not in an HA pair, whose other
  // replica may write the shared store meanwhile.
  if (!config_.ha.enabled) {
    stored_active_ =
        std::async(std::launch::async, [store = store_.get()] { return readActiveAlerts(*store); });
  }
  // The newest valid snapshot, if any (app_snapshot.cc); else the state starts empty and the
  // whole journal is replayed.
  auto loaded = loadSnapshot();
  if (!loaded.ok()) return loaded.status();
  snapshot_position_ = *loaded;
  // The fits learnt before the restart, before the journal's replay scores with them.
  restoreFits();

  // The workflow's own state (silences, manual resolutions) next; acknowledgements and
  // escalations come back from the stored alerts in reconcile(), after the journal's replay.
  if (auto snap = store_->getSnapshot(std::string(kWorkflowSnapshot)); snap.ok() && *snap) {
    if (auto s = workflow_->loadState(**snap); !s.ok()) {
      spdlog::warn("The stored workflow state is partly unreadable ({}); the rest is restored.",
                   s.message());
    }
  }
  workflow_->setRecovering(true);

  if (auto s = recover(); !s.ok()) return s;
  learn();  // the rows the replay labelled

  snapshot_writer_ = std::make_unique<SnapshotWriter>(
      config_.data_dir, [this] { return journal_->stats().durable_batch.load(); },
      [this](SnapshotResult r) {
        boost::asio::post(io_, [this, r = std::move(r)]() mutable { snapshotDone(std::move(r)); });
      });
  journal_->setWriteObserver(
      [this](const JournalWriteSample& s) { metrics_->journalCommit(s.seconds); });
  journal_->setOnDurable(
      [this](uint64_t batch) { boost::asio::post(io_, [this, batch] { onDurable(batch); }); });

  if (auto s = metrics_->serve(config_.metrics_listen); !s.ok()) return s;
  if (!config_.metrics_listen.empty()) {
    spdlog::info("Metrics on http://{}/metrics (port {}).", config_.metrics_listen,
                 metrics_->port());
  }

  if (!config_.shard.regions.empty()) {
    std::string prefixes;
    for (const std::string& p : config_.shard.regions)
      strAppend(prefixes, prefixes.empty() ? "" : ", ", p, "*");
    spdlog::info(
        "Shard: watching the cases of regions {}; other regions' events are skipped "
        "(casewatch_shard_events_skipped_total).",
        prefixes);
  }

  const AlertJsonOptions jo = jsonOptions(config_);
  dispatcher_ = std::make_unique<AlertDispatcher>(RetryPolicy{}, jo);
  SinkContext sinks = sinkContext(*dispatcher_, config_);
  if (auto s = attachSinks(config_.sinks, sinks); !s.ok()) return s;
  // The HTTP API and duty console: on this io_context, so its calls into the workflow need no
  // locks; its event stream (GET /api/v1/events) is a sink that sees every recorded change.
  auto http = startHttpServer(
      io_, config_, operations(), *store_, metrics_->registry(),
      [this] { return pipeline_->now(); }, [this] { return readiness_; });
  if (!http.ok()) return http.status();
  http_ = std::move(*http);
  if (http_) dispatcher_->addSink(http_->eventSink(), AlertDispatcher::Route::kEveryChange);
  dispatcher_->exportMetrics(*metrics_->registry());
  // Before anything is published: a replica of an HA pair starts as a follower.
  if (config_.ha.enabled) {
    if (auto s = startElection(); !s.ok()) return s;
  }

  // Changes decided from journaled events before a crash: first those recorded but never
  // published, then those never recorded (record, then publish), then whatever still differs.
  if (!publish_only_.empty()) {
    std::vector<AlertChange> changes;
    uint64_t last = 0;
    for (auto& [pos, c] : publish_only_) {
      changes.push_back(std::move(c));
      last = pos;
    }
    publish_only_.clear();
    spdlog::info("Publishing {} alert changes recorded before the restart but not published.",
                 changes.size());
    deliver(std::move(changes), last);
  }
  if (!held_changes_.empty()) {
    spdlog::info("Recording and publishing {} alert changes decided before the restart.",
                 held_changes_.size());
  }
  // What start-up records now, the stored alerts read beside the recovery lack: their JSON, as
  // the store keeps it, is laid over them.
  // Encoded here once: releaseAlerts() records this encoding.
  std::vector<Alert> written_at_start;
  for (HeldChange& h : held_changes_) {
    h.change.encoded = encodeAlert(h.change.alert, jo);
    auto a = alertFromJson(h.change.encoded->json);
    if (a.ok()) written_at_start.push_back(std::move(*a));
  }
  releaseAlerts();
  store_->flush();
  reconcile(written_at_start);
  // Walking the whole state takes seconds at a million cases (5-7 s, bench/run --only restart):
  // only when asked for; GET /api/v1/digest answers it at any time.
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("State digest after start-up: {}",
                  casewatch::stateDigest(*pipeline_, *workflow_));
  }
  // A PUB socket drops what it sends before subscribers (re)connect: after a restart they need a
  // moment, so publications wait for a short grace period.
  publish_grace_timer_.expires_after(kPublishGrace);
  publish_grace_timer_.async_wait([this](const boost::system::error_code& e) {
    if (e) return;
    publishing_open_ = true;
    if (!publish_backlog_.empty()) deliver(std::exchange(publish_backlog_, {}), backlog_position_);
  });

  for (size_t i = 0; i < config_.feeds.size(); ++i) {
    auto c = startFeed(config_.feeds[i], i);
    if (!c.ok()) return c.status();
    connectors_.push_back(std::move(*c));
  }

  if (options_.handle_signals) {
    std::function<void(const boost::system::error_code&, int)> on_signal;
    auto handler = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
    *handler = [this, handler](const boost::system::error_code& e, int sig) {
      if (e) return;
      if (sig == SIGHUP) {
        reload();
        signals_.async_wait(*handler);
      } else {
        spdlog::info("Signal {}: stopping (drain, commit, exit).", sig);
        shutdown();
      }
    };
    signals_.async_wait(*handler);
  }
  scheduleTick();
  scheduleCommit();
  started_ = true;
  updateReadiness();
  notifier_.startWatchdog();
  return absl::OkStatus();
}

SinkContext App::sinkContext(AlertDispatcher& dispatcher, const Config& config) {
  SinkContext sinks{dispatcher, jsonOptions(config)};
  sinks.zmq = &zmq_;
  sinks.zap = zap_.get();
  sinks.registry = metrics_->registry().get();
  sinks.generator_base = generatorBase(config);
  sinks.console_color = isatty(1);
  return sinks;
}

absl::StatusOr<std::unique_ptr<Connector>> App::startFeed(const FeedConfig& f, size_t index) {
  const FeedComponent* kind = feedComponent(f.kind);  // every decodable kind has a row
  std::unique_ptr<Connector> c =
      kind->make(f, FeedContext{config_.ingest, zmq_, *pseudonymizer_, zap_.get()});
  metrics_->addFeed(f.name);  // a reload may bring a feed the metrics have not seen
  health_metrics_->feedRestarted(f.name);
  // Its connection changes come from its own threads: posted, then assessed on the io_context.
  c->setOnConnectionChange([this] { healthChanged(); });
  auto s = c->start([this](DecodedBatchPtr b) {
    auto shared = std::shared_ptr<DecodedBatch>(std::move(b));
    boost::asio::post(io_, [this, shared]() mutable {
      onBatch(DecodedBatchPtr(new DecodedBatch(std::move(*shared))));
    });
  });
  if (!s.ok())
    return absl::Status(s.code(), strCat("feeds[", index, "] (", f.name, "): ", s.message()));
  spdlog::info("Feed {} ({}) on {}.", f.name, kind->name, f.endpoint);
  return c;
}

int App::run() {
  io_.run();
  return 0;
}

void App::requestStop() {
  boost::asio::post(io_, [this] { shutdown(); });
}

void App::requestReload() {
  boost::asio::post(io_, [this] { reload(); });
}

void App::accepted(const CaseEvent& ev) {
  ++events_journaled_;
  // The models' labelled rows go to the store every so often (bounded memory in a long replay).
  if (++events_since_drain_ >= kLearnDrainEvents) learn();
  if (!recovering_) journal_->append(ev);
}

void App::clockMoved(TimeMs now) {
  // Escalations due by this event's time come before its own changes (and wait for its batch:
  // they depend on its time), in recovery as live, so that a replay of the journal decides them
  // at the same positions.
  workflow_->advanceTo(now);
}

void App::deadLetter(std::string_view feed, const Rejection& r) {
  if (recovering_) return;
  DeadLetter& d = dead_letters_.emplace_back();
  d.received_at = r.received_at;
  d.feed = std::string(feed);
  d.reason = std::string(rejectReasonName(r.reason));
  d.detail = r.detail;
  d.raw_size = r.raw_size;
  d.raw = r.raw;
  if (dead_letters_.size() >= 1024) store_->addDeadLetters(std::exchange(dead_letters_, {}));
}

void App::onBatch(DecodedBatchPtr batch) {
  // The journal or the store cannot write: held (its in-flight slot too) until they can.
  if (intake_paused_) {
    held_batches_.push_back(std::move(batch));
    return;
  }
  // The workflow stands still while a duty officer's action is committed (app_operations.cc).
  // So does intake while the store is far behind (app_delivery.cc: recordingDone), and while the
  // snapshot after a retention purge waits for the changes before it (app_snapshot.cc).
  if (action_in_flight_ || store_behind_ || purge_drain_) {
    deferred_batches_.push_back(std::move(batch));
    return;
  }
  deciding_batch_arrived_ns_ = batch->received_steady_ns;
  pipeline_->ingest(*batch);
  learn();
  // On the wall clock, escalations fall due between events too.
  workflow_->advanceTo(pipeline_->now());
  deciding_batch_arrived_ns_ = 0;
  if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
  if (batch->end_of_input) spdlog::info("Feed {} reached the end of its input.", batch->feed);
  if (journal_->pendingRecords() >= config_.store.commit_max_events) commitJournal();
  commitIfIdle();
  if (events_journaled_ - snapshot_position_ >= config_.snapshot.every_events) maybeSnapshot();
  // Dropping the batch releases its connector's in-flight slot.
}

void App::scheduleTick() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](const boost::system::error_code& e) {
    if (e || stopping_) return;
    if (!action_in_flight_) {  // the workflow stands still while an action is committed
      pipeline_->tick();
      workflow_->advanceTo(pipeline_->now());
      learn();
    }
    dispatcher_->pump(steadyMs());
    advancePublishedPosition(false);
    dispatcher_->updateMetrics();
    if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
    pipeline_->publishGauges();
    submitStorePurge(false);
    maybeSnapshot();
    publishSnapshotAge();
    updateReadiness();
    scheduleTick();
  });
}

void App::scheduleCommit() {
  commit_timer_.expires_after(std::chrono::milliseconds(config_.store.commit_interval_ms));
  commit_timer_.async_wait([this](const boost::system::error_code& e) {
    if (e || stopping_) return;
    commitJournal();
    scheduleCommit();
  });
}

std::vector<LedgerEntry> App::ledgerView() const {
  std::vector<LedgerEntry> out;
  const KeyCaseModel* model = pipeline_->model<KeyCaseModel>();
  if (model == nullptr) return out;
  const CaseStore& cases = pipeline_->cases();
  const StringInterner& strings = cases.strings();
  for (KeyCaseModel::Row& row : model->ledger()) {
    const Case& c = cases.at(row.index);
    LedgerEntry e;
    e.case_id = std::string(cases.caseId(row.index));
    e.region = std::string(strings.name(c.region));
    e.agency = std::string(strings.name(c.agency));
    e.category = std::string(strings.name(c.category));
    e.reasons = std::move(row.reasons);
    e.owner = std::string(strings.name(c.leader));
    e.since = row.since;
    e.last_activity = row.last_activity;
    out.push_back(std::move(e));
  }
  return out;
}

void App::shutdown() {
  if (stopping_) return;
  stopping_ = true;
  notifier_.stopping();
  notifier_.stop();
  updateReadiness();
  signals_.cancel();
  tick_timer_.cancel();
  commit_timer_.cancel();
  // Stop taking input; the connectors hand over what they already received (posted behind us).
  if (http_) http_->stop();  // no new requests; waits for its store reads before the store closes
  for (auto& c : connectors_) c->stop();
  boost::asio::post(io_, [this] { closeDown(); });
}

void App::closeDown() {
  // A duty officer's action being committed finishes first (its answer, then the batches that
  // waited for it): the handlers it needs (journal durable, store answer) run between these posts.
  if (action_in_flight_) {
    commitJournal();
    boost::asio::post(io_, [this] { closeDown(); });
    return;
  }
  {
    // Every received batch has been applied by now (they were queued before this handler), but
    // those held while intake is paused: the disk still refuses, so they cannot be accepted.
    if (!held_batches_.empty()) {
      spdlog::warn(
          "Stopping with intake paused: {} feed batches received meanwhile were not taken (their "
          "producers must send them again).",
          held_batches_.size());
      held_batches_.clear();
    }
    if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
    commitJournal();
    journal_->close();                               // durable; its callback posts onDurable
    if (snapshot_writer_) snapshot_writer_->stop();  // a snapshot being written finishes
    durable_batch_ = std::max(durable_batch_, committed_batch_);
    releaseAlerts();
    submitStorePurge(true);  // after the alert records it may delete
    store_->flush();         // alert records committed; their publications are posted behind us
    boost::asio::post(io_, [this] {
      // Still inside the grace period (a very short run): publish what waited.
      publishing_open_ = true;
      publish_grace_timer_.cancel();
      if (!publish_backlog_.empty())
        deliver(std::exchange(publish_backlog_, {}), backlog_position_);
      dispatcher_->flush(steadyMs());
      advancePublishedPosition(true);  // a clean stop: ZeroMQ sends what is queued before exit
      snapshotAtStop();
      store_->close();
      if (spdlog::should_log(spdlog::level::debug)) {
        spdlog::debug("State digest at stop: {}", casewatch::stateDigest(*pipeline_, *workflow_));
      }
      spdlog::info("Stopped: {} events accepted, {} rejected, {} duplicates; state committed.",
                   pipeline_->counters().accepted, pipeline_->counters().rejected,
                   pipeline_->counters().duplicates);
      work_.reset();
      io_.stop();
    });
  }
}

}  // namespace casewatch
