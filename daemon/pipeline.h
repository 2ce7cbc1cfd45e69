// The pipeline: decoded events -> dedup, sequence and orphan checks -> case state -> models ->
// alert book -> output. Transport-independent and synchronous, so that the live daemon (on the
// io_context), replay (on one thread, as fast as it can) and tests drive the same code.
//
// Long-lived state (cases, recent visits, the dedup window, orphans, the alert book) lives here and
// survives reloads; reload swaps the models (setModels) and rebuilds their derived structures from
// the case state and the visit log.
//
// Not thread-safe: every call comes from one thread.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "alerts/alert_book.h"
#include "base/clock.h"
#include "connectors/decoded_batch.h"
#include "daemon/daemon_config.h"
#include "daemon/retention/case_purge.h"
#include "models/model.h"
#include "state/case_store.h"
#include "state/event_id_window.h"
#include "state/orphanage.h"
#include "state/shard_scope.h"
#include "state/visit_log.h"

namespace casewatch {

class Metrics;

// Where the pipeline's results go (the App: journal, store and sinks; replay: a file).
class PipelineOutput {
 public:
  virtual ~PipelineOutput() = default;
  // An event was accepted (first time its event_id is seen): journal it. Called before the clock
  // moves to the event's time, since what that move decides depends on the event.
  virtual void accepted(const CaseEvent& ev) = 0;
  // The clock has moved to an accepted event's time and the models have caught up with it (the
  // workflow's escalations due by then come next, before the event's own changes).
  virtual void clockMoved(TimeMs now) { (void)now; }
  virtual void alertChanged(AlertChange&& change) = 0;
  virtual void deadLetter(std::string_view feed, const Rejection& r) = 0;
  // The daily retention purge ran (daemon/retention/case_purge.h): its counts, and the purged
  // case ids for the store. Runs on the pipeline's clock, so also while the journal is replayed.
  virtual void purged(CasePurge&& purge) { (void)purge; }
};

struct PipelineCounters {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t conflicts = 0;
  uint64_t orphans_held = 0;
  uint64_t orphans_expired = 0;
  uint64_t alert_changes = 0;
  // Events of other shards' regions (shard.regions), dropped before the dedup window and the
  // journal; orphans released as skipped when their case registered out of scope included.
  uint64_t skipped = 0;
};

class Pipeline final : public SignalSink {
 public:
  // `wall` is the live clock; null means the pipeline always follows event time.
  Pipeline(const Config& config, const Clock* wall, Metrics* metrics, PipelineOutput& out);
  ~Pipeline() override;

  void setModels(std::vector<std::unique_ptr<Model>> models);
  void setOrphanHorizon(TimeMs horizon_ms) { orphans_.setHorizon(horizon_ms); }
  // Follow event time even with a wall clock (during recovery from the journal).
  void setFollowEvents(bool follow) { follow_events_ = follow || wall_ == nullptr; }
  // While the journal is replayed at start-up: its events were accepted once, so none is refused
  // as a duplicate (the dedup window may have changed since), but each is remembered.
  void setRecoveringJournal(bool recovering) { recovering_journal_ = recovering; }

  void ingest(DecodedBatch& batch);
  void ingestEvent(const CaseEvent& ev, size_t feed_index);
  // Moves the clock to now (or to `until` in replay), lets the models see it, expires orphans.
  void tick();
  void advanceTo(TimeMs t);
  void publishGauges();

  TimeMs now() const;
  CaseStore& cases() { return cases_; }
  const CaseStore& cases() const { return cases_; }
  const VisitLog& visits() const { return visits_; }
  AlertBook& alerts() { return book_; }
  const PipelineCounters& counters() const { return counters_; }
  // The clock time (ms) of the next retention purge.
  TimeMs nextPurgeAt() const { return next_purge_at_; }
  size_t orphansWaiting() const { return orphans_.size(); }
  const ShardScope& scope() const { return scope_; }
  size_t dedupEntries() const { return seen_.size(); }
  const EventIdWindow& dedup() const { return seen_; }
  void setDedupWindow(TimeMs window_ms) { seen_.setWindow(window_ms); }
  const std::vector<std::unique_ptr<Model>>& models() const { return models_; }
  // The models' context (the case state, the signal sink), for a model asked to act outside an
  // event (a self-fit swapped in rescores the open cases); pipeline's thread only.
  ModelContext& modelContext() { return ctx_; }
  // The running model of type T (found by T::kName), or null when it is not configured. For read
  // access from the pipeline's thread (e.g. the API's view of the key-case ledger).
  template <typename T>
  const T* model() const {
    for (const auto& m : models_) {
      if (m->name() == T::kName) return static_cast<const T*>(m.get());
    }
    return nullptr;
  }

  // SignalSink
  void emit(Signal&& s) override;

  // Snapshot (daemon/snapshot/pipeline_snapshot.cc): everything above that a journal replay
  // rebuilds — the event clock, the dedup window, sequence trackers, orphans, cases, visits, the
  // alert book, the region board and every model's state. saveState() is false when a running
  // model cannot be saved. loadState() with `with_models` needs the same models (and model
  // configuration) as when saved; without, it skips the models' parts (the caller then rebuilds
  // them with setModels(), as a reload does). `book_loaded`, if given, is called once the alert
  // book is loaded, before the rest: from then on the book may be read on another thread while
  // this one loads the region board and the models.
  bool saveState(ArchiveOut& out) const;
  absl::Status loadState(ArchiveIn& in, bool with_models,
                         const std::function<void()>& book_loaded = nullptr);

 private:
  // Words alerts with the configured templates (once per catalog).
  void useTemplates();
  void apply(const CaseEvent& ev);
  // Whether the event belongs to another shard's region (state/shard_scope.h); a case.registered
  // out of scope is remembered as foreign, and orphans waiting for it are released as skipped.
  bool outOfScope(const CaseEvent& ev);
  void trackSequence(const CaseEvent& ev, size_t feed_index);
  void moveClock(TimeMs t);
  // The daily retention purge (daemon/retention/), once the clock reaches next_purge_at_.
  void purgeExpired(TimeMs t);
  size_t feedIndex(std::string_view feed);

  const Config& config_;
  const Clock* wall_;
  Metrics* metrics_;
  PipelineOutput& out_;
  bool follow_events_;
  bool recovering_journal_ = false;
  EventClock event_clock_;
  TimeMs models_now_ = 0;
  TimeMs next_purge_at_ = 0;  // 0: at the first move of the clock

  CaseStore cases_;
  VisitLog visits_;
  Orphanage orphans_;
  ShardScope scope_;
  AlertBook book_;
  // The wording of the current templates (config_.messages), rebuilt on a reload.
  std::unique_ptr<AlertWording> wording_;
  RegionBoard regions_;
  std::vector<std::unique_ptr<Model>> models_;
  ModelContext ctx_;
  EventIdWindow seen_;  // event ids of the dedup window
  absl::flat_hash_map<std::string, uint64_t> last_seq_;
  PipelineCounters counters_;
  std::vector<std::string> feed_names_;
  bool rebuilding_ = false;
  absl::flat_hash_set<std::string> rebuild_raised_;  // alert ids re-raised during a rebuild
  size_t current_feed_ = 0;
  std::array<uint64_t, kEventTypeCount> batch_types_{};
  // Events of one source in a row within the batch being ingested (views into its events), counted
  // once when the source changes and at the batch's end.
  std::string_view run_source_;
  uint64_t run_count_ = 0;
  void flushSourceRun();
};

}  // namespace casewatch
