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
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "models/key_case/key_case_model.h"

namespace casewatch {
namespace {

constexpr auto kTickInterval = std::chrono::seconds(1);
// How long ZeroMQ may take to put a sent message on the wire (it takes microseconds; this is
// generous so that a loaded machine does not lose a publication to a SIGKILL).
constexpr auto kOnTheWire = std::chrono::milliseconds(500);
constexpr auto kPublishGrace = std::chrono::milliseconds(1000);
constexpr std::string_view kRecordedPositionSnapshot = "alerts.recorded_position";
// Silences and manual resolutions (alerts/workflow/alert_workflow.h: stateJson).
constexpr std::string_view kWorkflowSnapshot = "alerts.workflow";

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Where an alert's generatorURL points: the daemon's own alert API.
std::string generatorBase(const Config& c) {
  if (const std::string& external = c.sinks.get<AlertmanagerConfig>().external_url;
      !external.empty()) {
    std::string base = external;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }
  return "http://" + (c.http.listen.empty() ? std::string("127.0.0.1") : c.http.listen);
}

AlertRecord toRecord(const AlertChange& c, const AlertJsonOptions& opts) {
  const Alert& a = c.alert;
  AlertRecord r;
  r.alert_id = a.alert_id;
  r.model = a.model;
  r.status = std::string(alertStatusName(a.status));
  r.tier = std::string(tierName(a.tier));
  r.subject_kind = std::string(subjectKindName(a.subject_kind));
  r.subject_id = a.subject_id;
  r.region = a.region;
  r.agency = a.agency;
  r.starts_at = formatRfc3339(a.starts_at, opts.utc_offset_minutes);
  r.updated_at = formatRfc3339(a.updated_at, opts.utc_offset_minutes);
  r.json = alertToJson(a, opts);
  r.actor = c.actor;
  r.action = std::string(changeKindName(c.kind));
  r.note = c.note;
  r.at = c.at;
  return r;
}

AlertJsonOptions jsonOptions(const Config& c) {
  return AlertJsonOptions{std::string(localeName(c.locale)), c.clocks.utc_offset_minutes};
}

std::vector<std::string> feedLabels(const Config& config) {
  std::vector<std::string> names;
  for (const FeedConfig& f : config.feeds) names.push_back(f.name);
  names.push_back("journal");
  names.push_back("orphans");
  return names;
}

}  // namespace

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
  http_.reset();  // first: it may still read the store
  for (auto& c : connectors_) c->stop();
  if (published_fd_ >= 0) ::close(published_fd_);
  if (journal_) journal_->close();
  if (store_) store_->close();
}

absl::Status App::start() {
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

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec)
    return absl::UnavailableError(
        strCat("data_dir: cannot create ", config_.data_dir, ": ", ec.message()));

  auto store = SqliteAlertStore::open(config_.data_dir);
  if (!store.ok())
    return absl::Status(store.status().code(),
                        strCat("data_dir: store: ", store.status().message()));
  store_ = std::move(*store);
  if (auto snap = store_->getSnapshot(std::string(kRecordedPositionSnapshot)); snap.ok() && *snap) {
    recorded_position_ = std::strtoull((*snap)->c_str(), nullptr, 10);
  }
  const std::string pos_path = config_.data_dir + "/published.pos";
  published_fd_ = ::open(pos_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (published_fd_ < 0) {
    return absl::UnavailableError(
        strCat("data_dir: cannot open ", pos_path, ": ", std::strerror(errno)));
  }
  uint64_t published = 0;
  if (::pread(published_fd_, &published, sizeof published, 0) == sizeof published) {
    published_position_ = published;
  }

  JournalOptions jopts;
  jopts.dir = config_.data_dir;
  jopts.fsync = config_.store.fsync;
  // Under load one fdatasync can outlast several commit intervals; queue rather than block the
  // loop.
  jopts.max_queued_batches = 64;
  auto journal = EventJournal::open(jopts);
  if (!journal.ok())
    return absl::Status(journal.status().code(),
                        strCat("data_dir: journal: ", journal.status().message()));
  journal_ = std::move(*journal);

  // The metrics label agencies by name, read from the case state's interned strings.
  metrics_ = std::make_unique<Metrics>(feedLabels(config_));
  pipeline_ = std::make_unique<Pipeline>(config_, &wall_, metrics_.get(),
                                         static_cast<PipelineOutput&>(*this));
  metrics_->setAgencyNames(pipeline_->cases().strings());
  auto models = buildModels(config_.models, config_.clocks);
  if (!models.ok()) return models.status();
  pipeline_->setModels(std::move(*models));

  // The workflow's own state (silences, manual resolutions) first; acknowledgements and
  // escalations come back from the stored alerts in reconcile(), after the journal's replay.
  workflow_ = std::make_unique<AlertWorkflow>(
      workflowOptions(config_), &pipeline_->alerts(), [this] { return pipeline_->now(); },
      [this](AlertChange&& c) { submitChange(std::move(c)); });
  // The ledger is the key_case model's (when configured); the App names its cases.
  workflow_->setLedger([this] { return ledgerView(); });
  workflow_->setPersist([this](std::string state) {
    store_->putSnapshot(std::string(kWorkflowSnapshot), pipeline_->now(), std::move(state));
  });
  if (auto snap = store_->getSnapshot(std::string(kWorkflowSnapshot)); snap.ok() && *snap) {
    if (auto s = workflow_->loadState(**snap); !s.ok()) {
      spdlog::warn("The stored workflow state is partly unreadable ({}); the rest is restored.",
                   s.message());
    }
  }
  workflow_->setRecovering(true);

  if (auto s = recover(); !s.ok()) return s;

  journal_->setWriteObserver(
      [this](const JournalWriteSample& s) { metrics_->journalCommit(s.seconds); });
  journal_->setOnDurable(
      [this](uint64_t batch) { boost::asio::post(io_, [this, batch] { onDurable(batch); }); });

  if (auto s = metrics_->serve(config_.metrics_listen); !s.ok()) return s;
  if (!config_.metrics_listen.empty()) {
    spdlog::info("Metrics on http://{}/metrics (port {}).", config_.metrics_listen,
                 metrics_->port());
  }

  const AlertJsonOptions jo = jsonOptions(config_);
  dispatcher_ = std::make_unique<AlertDispatcher>(RetryPolicy{}, jo);
  SinkContext sinks{*dispatcher_, jo};
  sinks.zmq = &zmq_;
  sinks.registry = metrics_->registry().get();
  sinks.generator_base = generatorBase(config_);
  sinks.console_color = isatty(1);
  if (auto s = attachSinks(config_.sinks, sinks); !s.ok()) return s;
  // The HTTP API and duty console: on this io_context, so its calls into the workflow need no
  // locks; its event stream (GET /api/v1/events) is a sink that sees every recorded change.
  auto http = startHttpServer(io_, config_, *workflow_, *store_, metrics_->registry(),
                              [this] { return pipeline_->now(); });
  if (!http.ok()) return http.status();
  http_ = std::move(*http);
  if (http_) dispatcher_->addSink(http_->eventSink(), AlertDispatcher::Route::kEveryChange);
  dispatcher_->exportMetrics(*metrics_->registry());

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
  releaseAlerts();
  store_->flush();
  reconcile();
  // A PUB socket drops what it sends before subscribers (re)connect: after a restart they need a
  // moment, so publications wait for a short grace period.
  publish_grace_timer_.expires_after(kPublishGrace);
  publish_grace_timer_.async_wait([this](const boost::system::error_code& e) {
    if (e) return;
    publishing_open_ = true;
    if (!publish_backlog_.empty()) deliver(std::exchange(publish_backlog_, {}), backlog_position_);
  });

  for (size_t i = 0; i < config_.feeds.size(); ++i) {
    const FeedConfig& f = config_.feeds[i];
    const FeedComponent* kind = feedComponent(f.kind);  // every decodable kind has a row
    std::unique_ptr<Connector> c =
        kind->make(f, FeedContext{config_.ingest, zmq_, *pseudonymizer_});
    auto s = c->start([this](DecodedBatchPtr b) {
      auto shared = std::shared_ptr<DecodedBatch>(std::move(b));
      boost::asio::post(io_, [this, shared]() mutable {
        onBatch(DecodedBatchPtr(new DecodedBatch(std::move(*shared))));
      });
    });
    if (!s.ok())
      return absl::Status(s.code(), strCat("feeds[", i, "] (", f.name, "): ", s.message()));
    spdlog::info("Feed {} ({}) on {}.", f.name, kind->name, f.endpoint);
    connectors_.push_back(std::move(c));
  }

  if (options_.handle_signals) {
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.add(SIGHUP);
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
  return absl::OkStatus();
}

absl::Status App::recover() {
  recovering_ = true;
  pipeline_->setFollowEvents(true);
  pipeline_->setRecoveringJournal(true);
  const auto t0 = std::chrono::steady_clock::now();
  const size_t journal_feed = metrics_->feedIndex("journal");
  std::array<uint64_t, kEventTypeCount> by_type{};
  auto s = journal_->replay([&](const CaseEvent& ev) {
    ++by_type[static_cast<size_t>(ev.type)];
    pipeline_->ingestEvent(ev, journal_feed);
  });
  recovering_ = false;
  pipeline_->setRecoveringJournal(false);
  metrics_->eventsIn(journal_feed, by_type);
  if (!s.ok()) return absl::Status(s.code(), strCat("data_dir: journal: ", s.message()));
  pipeline_->setFollowEvents(config_.clock == ClockSource::kEvent);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (journal_->recordCount() > 0) {
    spdlog::info("Recovered {} journaled events in {:.2f} s: {} cases, {} active alerts.",
                 journal_->recordCount(), secs, pipeline_->cases().size(),
                 pipeline_->alerts().activeCount());
  }
  if (journal_->truncatedBytesAtOpen() > 0) {
    spdlog::warn(
        "The journal's last segment had a torn tail of {} bytes (an unfinished write at a "
        "crash); dropped. Those events were never acknowledged as accepted.",
        journal_->truncatedBytesAtOpen());
  }
  return absl::OkStatus();
}

// After recovery the workflow holds what the journal implies; the store holds what was published
// and what the duty officers did (acknowledgements, escalations). The workflow puts the latter back
// and publishes only the difference, so a restart publishes nothing twice.
void App::reconcile() {
  auto stored = store_->loadActiveAlerts();
  if (!stored.ok()) {
    spdlog::error("Cannot read the stored alerts ({}); republishing every active alert.",
                  stored.status().message());
  }
  std::vector<Alert> active;
  if (stored.ok()) {
    for (const AlertRecord& r : *stored) {
      auto a = alertFromJson(r.json);
      if (a.ok()) active.push_back(std::move(*a));
    }
  }
  const TimeMs now = pipeline_->now();
  const size_t before = held_changes_.size();
  workflow_->reconcile(std::move(active), now);
  if (held_changes_.size() > before) {
    spdlog::info("Publishing {} alert changes found at restart.", held_changes_.size() - before);
  }
  // Sinks that keep state (Alertmanager) start empty: give them every active alert.
  dispatcher_->seed(workflow_->activeAlerts(), now, steadyMs());
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
  if (!recovering_) journal_->append(ev);
  // Escalations due by this event's time come before its own changes (and wait for its batch:
  // they depend on its time), in recovery as live, so that a replay of the journal decides them
  // at the same positions.
  workflow_->advanceTo(pipeline_->now());
}

uint64_t App::nextChangePosition() {
  const uint64_t base = events_journaled_ << 20;
  last_position_ = last_position_ >= base ? last_position_ + 1 : base;
  return last_position_;
}

void App::writePublishedPosition(uint64_t pos) {
  // No fsync: the kernel keeps the write across a SIGKILL; after a power loss the position may be
  // older, and the changes after it are published again (at least once).
  if (::pwrite(published_fd_, &pos, sizeof pos, 0) != sizeof pos) {
    spdlog::warn("Cannot write {}/published.pos: {}", config_.data_dir, std::strerror(errno));
  }
}

void App::alertChanged(AlertChange&& change) {
  workflow_->onBookChange(std::move(change));
}

void App::submitChange(AlertChange&& change) {
  const uint64_t pos = nextChangePosition();
  change.seq = pos;
  if (recovering_) {
    if (pos <= published_position_) return;  // recorded and published before the restart
    if (pos <= recorded_position_) {
      publish_only_.emplace_back(pos, std::move(change));
    } else {
      held_changes_.push_back(HeldChange{0, pos, std::move(change)});  // its events are durable
    }
    return;
  }
  // The change depends on every event applied so far: hold it until their batch is durable.
  const uint64_t needed = journal_->pendingRecords() > 0 ? committed_batch_ + 1 : committed_batch_;
  held_changes_.push_back(HeldChange{needed, pos, std::move(change)});
  if (needed <= durable_batch_) releaseAlerts();
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
  pipeline_->ingest(*batch);
  // On the wall clock, escalations fall due between events too.
  workflow_->advanceTo(pipeline_->now());
  if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
  if (batch->end_of_input) spdlog::info("Feed {} reached the end of its input.", batch->feed);
  if (journal_->pendingRecords() >= config_.store.commit_max_events) commitJournal();
  // Dropping the batch releases its connector's in-flight slot.
}

void App::commitJournal() {
  if (journal_->pendingRecords() == 0) return;
  committed_batch_ = journal_->commit();
}

void App::onDurable(uint64_t batch) {
  durable_batch_ = std::max(durable_batch_, batch);
  releaseAlerts();
}

void App::releaseAlerts() {
  std::vector<AlertChange> ready;
  std::vector<uint64_t> positions;
  uint64_t last = 0;
  while (!held_changes_.empty() && held_changes_.front().batch <= durable_batch_) {
    ready.push_back(std::move(held_changes_.front().change));
    last = held_changes_.front().position;
    positions.push_back(last);
    held_changes_.pop_front();
  }
  if (ready.empty()) return;
  std::vector<AlertRecord> records;
  records.reserve(ready.size());
  const AlertJsonOptions jo = jsonOptions(config_);
  for (const AlertChange& c : ready) records.push_back(toRecord(c, jo));
  auto shared = std::make_shared<std::vector<AlertChange>>(std::move(ready));
  // Recorded first, then published: what the store says was published is what consumers saw.
  auto shared_positions = std::make_shared<std::vector<uint64_t>>(std::move(positions));
  store_->recordAlertChanges(
      std::move(records), [this, shared, shared_positions](const absl::Status& s) {
        if (!s.ok())
          spdlog::error("Recording alert changes failed: {}; publishing anyway.", s.message());
        boost::asio::post(io_, [this, shared, shared_positions] {
          deliverEach(std::move(*shared), std::move(*shared_positions));
        });
      });
  store_->putSnapshot(std::string(kRecordedPositionSnapshot), pipeline_->now(),
                      std::to_string(last));
}

void App::deliver(std::vector<AlertChange> changes, uint64_t last_position) {
  if (!publishing_open_) {
    for (auto& c : changes) publish_backlog_.push_back(std::move(c));
    backlog_position_ = std::max(backlog_position_, last_position);
    return;
  }
  dispatcher_->deliver(changes, steadyMs());
  markSent(last_position);
}

void App::markSent(uint64_t pos) {
  sent_positions_.emplace_back(steadyMs(), pos);
}

void App::advancePublishedPosition(bool all) {
  const int64_t cutoff = steadyMs() - kOnTheWire.count();
  uint64_t pos = 0;
  while (!sent_positions_.empty() && (all || sent_positions_.front().first <= cutoff)) {
    pos = sent_positions_.front().second;
    sent_positions_.pop_front();
  }
  if (pos != 0) writePublishedPosition(pos);
}

void App::deliverEach(std::vector<AlertChange> changes, std::vector<uint64_t> positions) {
  if (!publishing_open_) {
    const uint64_t last = positions.empty() ? 0 : positions.back();
    return deliver(std::move(changes), last);
  }
  const int64_t now = steadyMs();
  for (size_t i = 0; i < changes.size(); ++i) {
    dispatcher_->deliverOne(changes[i], now);
    markSent(positions[i]);
  }
}

void App::scheduleTick() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](const boost::system::error_code& e) {
    if (e || stopping_) return;
    pipeline_->tick();
    workflow_->advanceTo(pipeline_->now());
    dispatcher_->pump(steadyMs());
    advancePublishedPosition(false);
    dispatcher_->updateMetrics();
    if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
    pipeline_->publishGauges();
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

void App::reload() {
  ConfigResult r = options_.config_path.empty()
                       ? loadDefaultConfig(options_.sets)
                       : loadConfigFile(options_.config_path, options_.sets);
  if (!r.ok()) {
    metrics_->configReload(false);
    spdlog::error("Reload failed; the running configuration stays in force:\n{}", r.describe());
    return;
  }
  auto models = buildModels(r.config.models, r.config.clocks);
  if (!models.ok()) {
    metrics_->configReload(false);
    spdlog::error("Reload failed; the running configuration stays in force: {}",
                  models.status().message());
    return;
  }
  if (r.config.feeds.size() != config_.feeds.size() || r.config.data_dir != config_.data_dir ||
      r.config.metrics_listen != config_.metrics_listen || r.config.sinks != config_.sinks) {
    spdlog::warn(
        "Reload: feeds, data_dir, metrics.listen and the sinks (print_alerts, publish.zmq, "
        "alertmanager) take effect at the next restart.");
  }
  // Thresholds and clocks change now; state, feeds and sinks stay.
  config_.clocks = r.config.clocks;
  config_.ingest.orphan_horizon_hours = r.config.ingest.orphan_horizon_hours;
  config_.ingest.dedup_window_days = r.config.ingest.dedup_window_days;
  config_.log_level = r.config.log_level;
  config_.messages = r.config.messages;
  config_.models = r.config.models;
  spdlog::set_level(spdlog::level::from_str(std::string(logLevelName(config_.log_level))));
  pipeline_->setOrphanHorizon(TimeMs{config_.ingest.orphan_horizon_hours} * kMsPerHour);
  pipeline_->setDedupWindow(TimeMs{config_.ingest.dedup_window_days} * kMsPerDay);
  pipeline_->setModels(std::move(*models));
  metrics_->configReload(true);
  spdlog::info("Configuration reloaded: models rebuilt from {} cases.", pipeline_->cases().size());
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
  signals_.cancel();
  tick_timer_.cancel();
  commit_timer_.cancel();
  // Stop taking input; the connectors hand over what they already received (posted behind us).
  if (http_) http_->stop();  // no new requests; waits for its store reads before the store closes
  for (auto& c : connectors_) c->stop();
  boost::asio::post(io_, [this] {
    // Every received batch has been applied by now (they were queued before this handler).
    if (!dead_letters_.empty()) store_->addDeadLetters(std::exchange(dead_letters_, {}));
    commitJournal();
    journal_->close();  // durable; its callback posts onDurable
    durable_batch_ = std::max(durable_batch_, committed_batch_);
    releaseAlerts();
    store_->flush();  // alert records committed; their publications are posted behind us
    boost::asio::post(io_, [this] {
      // Still inside the grace period (a very short run): publish what waited.
      publishing_open_ = true;
      publish_grace_timer_.cancel();
      if (!publish_backlog_.empty())
        deliver(std::exchange(publish_backlog_, {}), backlog_position_);
      dispatcher_->flush(steadyMs());
      advancePublishedPosition(true);  // a clean stop: ZeroMQ sends what is queued before exit
      store_->close();
      spdlog::info("Stopped: {} events accepted, {} rejected, {} duplicates; state committed.",
                   pipeline_->counters().accepted, pipeline_->counters().rejected,
                   pipeline_->counters().duplicates);
      work_.reset();
      io_.stop();
    });
  });
}

}  // namespace casewatch
