// Snapshots of the App's state (daemon/snapshot/): taken on the io_context into a buffer, written
// by the SnapshotWriter's thread; loaded at start-up before the journal after it is replayed.
//
// A snapshot's body: the App's positions (events journaled, the last change position), the
// pipeline's state (daemon/snapshot/pipeline_snapshot.cc) and the workflow's
// (AlertWorkflow::saveSnapshot). Silences, manual resolutions and reminders are not in it: the
// store holds their latest state, loaded after the snapshot as before.
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>

#include "base/str_cat.h"
#include "config/config_writer.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "daemon/components.h"
#include "daemon/snapshot/snapshot_file.h"

namespace casewatch {

using app::steadyMs;

absl::Status App::buildState(bool with_models) {
  workflow_.reset();
  pipeline_ = std::make_unique<Pipeline>(config_, &wall_, metrics_.get(),
                                         static_cast<PipelineOutput&>(*this));
  metrics_->setAgencyNames(pipeline_->cases().strings());
  if (with_models) {
    auto models = buildModels(config_.models, config_.clocks);
    if (!models.ok()) return models.status();
    pipeline_->setModels(std::move(*models));
  }
  workflow_ = std::make_unique<AlertWorkflow>(
      workflowOptions(config_), &pipeline_->alerts(), [this] { return pipeline_->now(); },
      [this](AlertChange&& c) { submitChange(std::move(c)); });
  wireWorkflow(*workflow_);
  events_journaled_ = 0;
  last_position_ = 0;
  return absl::OkStatus();
}

uint64_t App::configFingerprint(uint32_t snapshot_format) const {
  // What the models' saved state depends on: their sections and the shared clocks. Another
  // configuration loads the rest of the snapshot and rebuilds the models, as a reload does.
  ConfigWriter w;
  if (snapshot_format >= 8) {
    writeModelSections(w, config_);
  } else {
    // Format 7 hashed the whole configuration, the other sections at their defaults of the build
    // that wrote it, whose snapshot.every_events was 1,000,000: any other default changed made
    // an upgrade rebuild the models (test_snapshot_upgrade).
    Config c;
    c.models = config_.models;
    c.clocks = config_.clocks;
    c.snapshot.every_events = 1000000;
    writeConfig(w, c);
  }
  return std::hash<std::string>{}(w.text());
}

absl::Status App::loadSnapshotFile(const std::string& path, uint64_t& position) {
  auto contents = readSnapshotFile(path);
  if (!contents.ok()) return contents.status();
  if (contents->position > journal_->recordCount()) {
    return absl::DataLossError(strCat("snapshot ", path, " covers ", contents->position,
                                      " journal records, the journal holds ",
                                      journal_->recordCount()));
  }
  if (contents->position < journal_->firstIndex()) {
    return absl::DataLossError(strCat("snapshot ", path, " ends at record ", contents->position,
                                      " before the journal's first, ", journal_->firstIndex()));
  }
  const bool same_models = contents->config_fingerprint == configFingerprint(contents->format);
  if (auto s = buildState(same_models); !s.ok()) return s;
  ArchiveIn in(contents->body());
  in.pod(events_journaled_);
  in.pod(last_position_);
  if (events_journaled_ != contents->position) {
    return absl::DataLossError(strCat("snapshot ", path, ": its body is for another position"));
  }
  absl::Status pipeline_loaded;
  bool workflow_ok = false;
  if (contents->format < 8) {
    // One part after the other, unframed.
    pipeline_loaded = pipeline_->loadState(in, same_models);
    workflow_ok = pipeline_loaded.ok() && workflow_->loadSnapshotApart(in);
  } else {
    std::string_view pipeline_part, workflow_part;
    if (!in.view(pipeline_part) || !in.view(workflow_part)) {
      return absl::DataLossError(strCat("snapshot ", path, ": its parts are unreadable"));
    }
    // The workflow's part is read on a thread of its own while the pipeline's is read here: they
    // share nothing until linkBookEvidence() (bench/run --only restart at a million cases: the
    // pipeline's part 2.3 s, the workflow's 1.6 s, one after the other). That thread links its
    // alerts to the book's texts as soon as the book is loaded, while this one loads the models
    // (0.26 s of 200k alerts' texts, off the critical path).
    std::promise<bool> book_ready;
    std::future<bool> book_loaded = book_ready.get_future();
    bool book_signalled = false;
    auto workflow_loaded = std::async(std::launch::async, [this, workflow_part, &book_loaded] {
      ArchiveIn win(workflow_part);
      const bool read = workflow_->loadSnapshotApart(win) && win.atEnd();
      const bool book = book_loaded.get();  // waited for even when unread: it holds a reference
      return read && book && workflow_->linkBookEvidence();
    });
    ArchiveIn pin(pipeline_part);
    pipeline_loaded = pipeline_->loadState(pin, same_models, [&] {
      book_signalled = true;
      book_ready.set_value(true);
    });
    if (!book_signalled) book_ready.set_value(false);
    if (pipeline_loaded.ok() && !pin.atEnd()) {
      pipeline_loaded = absl::DataLossError("snapshot: pipeline: bytes left after its state");
    }
    workflow_ok = workflow_loaded.get();
  }
  if (!pipeline_loaded.ok()) {
    return absl::Status(pipeline_loaded.code(), strCat(path, ": ", pipeline_loaded.message()));
  }
  // (Format 8 has linked already; then this finds nothing left to link.)
  if (!workflow_ok || !workflow_->linkBookEvidence()) {
    return absl::DataLossError(strCat("snapshot ", path, ": workflow state unreadable"));
  }
  std::vector<std::pair<bool, AlertChange>> unsettled;
  if (!loadUnsettledChanges(in, unsettled) || !in.atEnd()) {
    return absl::DataLossError(strCat("snapshot ", path, ": unsettled alert changes unreadable"));
  }
  // Before the models are rebuilt, whose changes come after these.
  restoreUnsettledChanges(std::move(unsettled));
  if (!same_models) {
    // Rebuilt from the loaded cases and visits, as a reload does (its changes are decided like
    // any other during recovery).
    spdlog::warn(
        "The models' configuration changed since snapshot {}: its models' state is rebuilt from "
        "the case state and the visit log, as on a reload.",
        path);
    auto models = buildModels(config_.models, config_.clocks);
    if (!models.ok()) {
      // Skipped for the previous snapshot: it leaves nothing to record or publish here.
      held_changes_.clear();
      publish_only_.clear();
      return models.status();
    }
    recovering_ = true;
    pipeline_->setModels(std::move(*models));
    recovering_ = false;
  }
  position = contents->position;
  // The next snapshot's buffer is reserved at this one's size: grown by doubling instead, the
  // snapshot at stop after a restart took 5.0 s to serialise at a million cases, half of it in
  // reallocations (perf), intake standing still.
  snapshot_body_bytes_ = contents->body().size();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> App::loadSnapshot() {
  snapshot_unix_ = static_cast<double>(wall_.now()) / 1000.0;
  for (const SnapshotFileInfo& f : listSnapshots(config_.data_dir)) {
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t position = 0;
    absl::Status s = loadSnapshotFile(f.path, position);
    if (s.ok()) {
      spdlog::info("Loaded snapshot {} ({} journal records) in {:.2f} s.", f.path, position,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      // Its age goes on from when it was written.
      struct stat st {};
      if (::stat(f.path.c_str(), &st) == 0) snapshot_unix_ = static_cast<double>(st.st_mtime);
      return position;
    }
    // Never a partial state: the next attempt starts from an empty one.
    spdlog::error("Snapshot skipped: {}. Trying the previous one (or the whole journal).",
                  s.message());
    snapshot_metrics_->failed("load");
  }
  if (auto s = buildState(true); !s.ok()) return s;
  return uint64_t{0};
}

namespace {

// The longest intake stands still for the snapshot after a retention purge (once a day), waiting
// for the changes decided before it to be recorded and published (normally well under a second).
constexpr int64_t kPurgeDrainMs = 10000;

}  // namespace

void App::endPurgeDrain() {
  if (!std::exchange(purge_drain_, false)) return;
  // Posted: maybeSnapshot() runs inside onBatch() and the tick, which must not re-enter it.
  boost::asio::post(io_, [this] { applyDeferredBatches(); });
}

void App::maybeSnapshot() {
  const SnapshotConfig& sc = config_.snapshot;
  if (!sc.enabled || snapshots_unsupported_ || stopping_ || recovering_ || action_in_flight_ ||
      !snapshot_writer_ || snapshot_writer_->busy()) {
    endPurgeDrain();
    return;
  }
  // Not while the disk refuses the journal or the store, nor before a failed one's backoff ends.
  if (intake_paused_ || steadyMs() < snapshot_retry_at_ms_) {
    endPurgeDrain();
    return;
  }
  if (snapshot_steady_ms_ == 0) snapshot_steady_ms_ = steadyMs();
  const uint64_t since = events_journaled_ - snapshot_position_;
  const bool due_by_time = steadyMs() - snapshot_steady_ms_ >= int64_t{sc.every_minutes} * 60000;
  if (!purge_snapshot_due_ && (since == 0 || (since < sc.every_events && !due_by_time))) return;
  // The snapshot after a retention purge replaces every older one so that no purged case is left
  // on disk; the unsettled changes it would hold name the purged cases' alerts, so it waits for
  // them to settle, intake standing still meanwhile, within a bound.
  if (purge_snapshot_due_ && hasUnsettledChanges()) {
    const int64_t now = steadyMs();
    if (!purge_drain_) {
      purge_drain_ = true;
      purge_drain_since_ms_ = now;
      return;
    }
    if (now - purge_drain_since_ms_ < kPurgeDrainMs) return;
    spdlog::warn(
        "The snapshot after the retention purge is taken with alert changes still unrecorded or "
        "unpublished after {} s: they may name purged cases until the next snapshot.",
        kPurgeDrainMs / 1000);
  }
  endPurgeDrain();
  // The changes decided so far but not yet recorded and published go into it (snapshotJob), so
  // it waits for neither the store nor the bus: a snapshot that waited for them to settle was put
  // off for good under a steady stream of changes with the store behind (bench/run --only
  // restart: 1.7M journal records replayed after a SIGKILL at 1M cases).
  const int64_t t0 = steadyMs();
  commitJournal();
  std::optional<SnapshotJob> job = snapshotJob();
  if (!job) return;
  snapshot_pause_ms_ = steadyMs() - t0;
  snapshot_previous_position_ = snapshot_position_;
  snapshot_position_ = job->position;
  snapshot_steady_ms_ = steadyMs();
  snapshot_started_ms_ = t0;
  snapshot_writer_->submit(std::move(*job));
}

std::optional<SnapshotJob> App::snapshotJob() {
  SnapshotJob job;
  job.position = events_journaled_;
  job.config_fingerprint = configFingerprint(kSnapshotFormatVersion);
  job.journal_batch = committed_batch_;
  // After a purge, the snapshots before it hold the purged cases: this one replaces them all.
  job.keep = purge_snapshot_due_ ? 1 : config_.snapshot.keep;
  purge_snapshot_due_ = false;
  // At once: growing a gigabyte by doubling copies it again and faults in fresh pages, with intake
  // standing still meanwhile.
  job.body.reserve(snapshot_body_bytes_ + snapshot_body_bytes_ / 8);
  ArchiveOut out(job.body);
  out.pod(events_journaled_);
  out.pod(last_position_);
  // Length-prefixed parts, so that start-up reads them side by side (loadSnapshotFile).
  size_t part = out.beginPart();
  if (!pipeline_->saveState(out)) {
    snapshots_unsupported_ = true;
    snapshot_metrics_->failed("save");
    spdlog::warn(
        "No snapshots: a configured model cannot save its state; start-up replays the whole "
        "journal, and it is never compacted.");
    return std::nullopt;
  }
  out.endPart(part);
  part = out.beginPart();
  workflow_->saveSnapshot(out);
  out.endPart(part);
  snapshot_unsettled_ = saveUnsettledChanges(out);
  snapshot_body_bytes_ = job.body.size();
  return job;
}

void App::snapshotAtStop() {
  // A clean stop leaves the journal durable (and normally every change recorded and published;
  // any that is not goes into the snapshot): a snapshot now makes the next start-up a load with
  // nothing to replay (an upgrade, a restart for a setting), at the cost of writing it once more.
  const SnapshotConfig& sc = config_.snapshot;
  if (!sc.enabled || snapshots_unsupported_ || !snapshot_writer_ ||
      events_journaled_ <= snapshot_position_ || !journal_->health().ok()) {
    return;
  }
  const int64_t t0 = steadyMs();
  std::optional<SnapshotJob> job = snapshotJob();
  if (!job) return;
  const int64_t serialised_ms = steadyMs() - t0;
  job->journal_batch = journal_->stats().durable_batch.load();
  SnapshotResult r = snapshot_writer_->writeNow(std::move(*job));
  if (!r.status.ok()) {
    spdlog::error("Snapshot at stop (record {}) not written: {}", r.position, r.status.message());
    return;
  }
  spdlog::info(
      "Snapshot at stop: record {}, {} bytes in {:.2f} s; {} journal segments compacted; "
      "serialising it took {:.2f} s.",
      r.position, r.bytes, static_cast<double>(steadyMs() - t0) / 1000.0, r.segments_compacted,
      static_cast<double>(serialised_ms) / 1000.0);
}

void App::snapshotDone(SnapshotResult r) {
  if (!r.status.ok()) {
    // Abandoned (the writer removed its temp file); due again once the backoff has passed.
    snapshot_metrics_->failed("write");
    snapshot_disk_full_ = r.status.code() == absl::StatusCode::kResourceExhausted;
    snapshot_position_ = snapshot_previous_position_;
    snapshot_retry_at_ms_ = steadyMs() + snapshot_backoff_ms_;
    spdlog::error("Snapshot at record {} failed, tried again in {} s: {}", r.position,
                  snapshot_backoff_ms_ / 1000, r.status.message());
    snapshot_backoff_ms_ = std::min<int64_t>(snapshot_backoff_ms_ * 2, 300000);
    return;
  }
  snapshot_disk_full_ = false;
  snapshot_backoff_ms_ = 5000;
  const double seconds = static_cast<double>(steadyMs() - snapshot_started_ms_) / 1000.0;
  snapshot_unix_ = static_cast<double>(wall_.now()) / 1000.0;
  const double paused = static_cast<double>(snapshot_pause_ms_) / 1000.0;
  snapshot_metrics_->written(r.bytes, seconds, paused, snapshot_unix_);
  if (r.segments_compacted > 0) snapshot_metrics_->compacted(r.segments_compacted);
  spdlog::info(
      "Snapshot at record {}: {} bytes in {:.2f} s; {} journal segments compacted; {} alert "
      "changes not yet recorded and published held in it; intake paused {:.2f} s to serialise it.",
      r.position, r.bytes, seconds, r.segments_compacted, snapshot_unsettled_, paused);
}

void App::publishSnapshotAge() {
  snapshot_metrics_->age(static_cast<double>(wall_.now()) / 1000.0 - snapshot_unix_);
}

}  // namespace casewatch
