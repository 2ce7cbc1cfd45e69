// The duty officers' workflow: the lifecycle of an alert between the alert book (what the models
// say) and the sinks (who is told). It takes the book's changes (fired, tier changed, resolved)
// and the duty officers' actions (acknowledge, unacknowledge, resolve by hand, silences), and
// emits the alert changes to record and publish, each with who (`actor`: the API token's name or
// "casewatch") and when.
//
//   status    silenced (an active silence matches) > acknowledged > escalated > firing; resolved.
//   tiers     a rise shows at once; a fall shows only after the lower tier has held for
//             workflow.min_hold_minutes, so that a score hovering at a threshold does not flap.
//   escalate  an unacknowledged alert climbs its tier's chain (alerts/escalation/) on timers;
//             silenced, inhibited and grouped-member alerts do not; a rise in tier restarts the
//             clock and clears the acknowledgement.
//   group     alerts/grouping/grouper.h (`group: {id}`); inhibit: alerts/grouping/inhibitor.h.
//
// Time: advanceTo() moves the workflow's clock (the pipeline's: event time in replay and with
// clock=event, the wall clock live) and fires what is due from one time-ordered queue, in time
// order; an escalation is stamped with its due time (or with the moment it could first happen,
// after an acknowledgement is taken back or a restart). No scan over all alerts on the event path.
// The App advances it for every event (before the event's own changes) and the workflow itself
// before and after every book change, so on event time the changes it decides, and their order,
// depend on the events only, not on how they were batched: replaying the journal after a crash
// decides the same changes in the same order (the App's change positions stay exact).
//
// Durability: silences and manual resolutions are the workflow's own state (stateJson(), kept by
// the App as a store snapshot); acknowledgements, escalations and the shown tier are in the
// store's alert rows. On restart the App loads the state (loadState) before the journal is
// replayed, replays with setRecovering(true) (timers fire on event time as they did live; manual
// resolutions wait), then calls reconcile() with the stored active alerts: their
// acknowledgements, escalations and tiers are put back and only what differs is published.
//
// Not thread-safe: every call on the pipeline's thread (the io_context; AlertOperations' calls
// come from the HTTP server on the same io_context).
#pragma once

#include <deque>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "alerts/alert_book.h"
#include "alerts/alert_names.h"
#include "alerts/alert_operations.h"
#include "alerts/escalation/escalation_config.h"
#include "alerts/escalation/escalation_policy.h"
#include "alerts/grouping/grouper.h"
#include "alerts/grouping/grouping_config.h"
#include "alerts/grouping/inhibition_config.h"
#include "alerts/grouping/inhibitor.h"
#include "alerts/silence/silencer.h"
#include "alerts/workflow/workflow_config.h"

namespace casewatch {

// inhibition.min_tier as a tier (red for anything the loader would not have let through).
Tier inhibitionMinTier(const std::string& name);

struct WorkflowOptions {
  WorkflowConfig workflow;
  EscalationConfig escalation;
  GroupingConfig grouping;
  InhibitionConfig inhibition;
  AlertNames alert_names;  // the model table's alertnames, for silences' matchers
};

class AlertWorkflow final : public AlertOperations {
 public:
  using EmitFn = std::function<void(AlertChange&&)>;
  using NowFn = std::function<TimeMs()>;
  using PersistFn = std::function<void(std::string state_json)>;

  // `book` (may be null in tests) supplies the current evidence (score, reasons, texts) of an
  // alert when a change is not the book's own; `now` is the pipeline's clock; `emit` takes every
  // change, in decision order.
  AlertWorkflow(WorkflowOptions options, const AlertBook* book, NowFn now, EmitFn emit);
  ~AlertWorkflow() override;
  // A copy is a trial workflow: the App makes a duty officer's action on a copy (with its own
  // emit and persist) and keeps it only once the action is committed (daemon/app_operations.cc).
  AlertWorkflow(const AlertWorkflow&) = default;
  AlertWorkflow& operator=(AlertWorkflow&&) = default;

  // Where the changes go (replaces the constructor's `emit`).
  void setEmit(EmitFn fn) { emit_ = std::move(fn); }
  // Called with the workflow's state whenever silences or manual resolutions change.
  void setPersist(PersistFn fn) { persist_ = std::move(fn); }
  void setLedger(std::function<std::vector<LedgerEntry>()> fn) { ledger_ = std::move(fn); }

  // A change decided by the alert book (fired, tier_changed, resolved).
  void onBookChange(AlertChange&& change);
  // Fires everything due at or before `now`, in time order.
  void advanceTo(TimeMs now);

  // Reload: the new policy (hold, silence retention, escalation chains, grouping, inhibition)
  // applies from `now` to every active alert. What the officers and the workflow did stays:
  // acknowledgements, silences, manual resolutions, escalation levels reached and reminders sent.
  // Groups and inhibitions are worked out again under the new rules (changes emitted, in id
  // order), and each alert's next escalation step is re-armed on the new chain from the time it
  // reached its tier, so a step already overdue under the new chain fires at the next advanceTo().
  // Pending tier holds are re-timed to the new min_hold. Returns how many alerts it touched.
  size_t applyPolicy(WorkflowOptions options, TimeMs now);

  // Restart (see the header comment).
  absl::Status loadState(std::string_view state_json);
  std::string stateJson() const;
  void setRecovering(bool recovering) { recovering_ = recovering; }
  // `whole`, if given, completes a stored alert read without its evidence
  // (AlertJsonRead::kWithoutEvidence) before it is published whole: resolved while the daemon
  // was down, or by hand before the restart. The others are compared on their lifecycle only.
  void reconcile(std::vector<Alert> stored_active, TimeMs now,
                 const std::function<void(Alert&)>& whole = nullptr);

  // AlertOperations
  std::vector<Alert> activeAlerts() const override;  // newest first
  absl::StatusOr<Alert> acknowledge(const std::string& alert_id, const std::string& by,
                                    const std::string& note) override;
  absl::StatusOr<Alert> unacknowledge(const std::string& alert_id, const std::string& by) override;
  absl::StatusOr<Alert> resolve(const std::string& alert_id, const std::string& by,
                                const std::string& note) override;
  std::vector<Silence> silences() const override;
  absl::StatusOr<Silence> addSilence(Silence silence, const std::string& by) override;
  absl::Status expireSilence(const std::string& silence_id, const std::string& by) override;
  std::vector<LedgerEntry> ledger() const override;

  // Inspection (tests, metrics, the App).
  const Alert* find(const std::string& alert_id) const;
  size_t activeCount() const { return entries_.size(); }
  size_t timersQueued() const { return timers_.size(); }
  bool holdPendingForTest(const std::string& alert_id) const;

  // Snapshot (daemon/snapshot/): the active alerts' lifecycle (entries, timers, groups,
  // inhibitions, the clock) — what replaying the journal rebuilds. Silences, manual resolutions
  // and reminders are not in it: they are the store's (stateJson), loaded after loadSnapshot().
  void saveSnapshot(ArchiveOut& out) const;
  // loadSnapshot() reads the book's evidence texts for the alerts saved without theirs, so the book
  // is loaded first. Start-up loads the workflow beside the book instead (another thread, 1.5 s
  // at a million cases): loadSnapshotApart() touches nothing but the workflow, and
  // linkBookEvidence() then copies those texts, once the book is loaded.
  bool loadSnapshot(ArchiveIn& in) { return loadSnapshotApart(in) && linkBookEvidence(); }
  bool loadSnapshotApart(ArchiveIn& in);
  bool linkBookEvidence();

 private:
  struct Entry {
    Alert shown;                   // as last published
    Tier book_tier = Tier::kNone;  // the model's current tier
    TimeMs book_since = 0;         // when the book reached book_tier
    TimeMs tier_since = 0;         // when shown.tier was reached (escalation clock)
    TimeMs last_step_at = 0;       // the latest escalation or reminder
    TimeMs step_armed_at = 0;      // when the current step timer was armed
    bool hold = false;             // a fall to book_tier is waiting for min_hold
    uint32_t hold_gen = 0;
    uint32_t step_gen = 0;
  };
  enum class TimerKind : uint8_t { kStep, kHold, kSilenceStart, kSilenceEnd };
  struct Timer {
    TimeMs due;
    uint64_t seq;  // order of setting: breaks the last ties (a re-armed alert's stale timers)
    TimerKind kind;
    uint32_t gen;
    std::string id;  // alert id, or silence id
    // Timers due at the same moment fire in an order that depends only on what is due, never on
    // the order they were armed: a restart re-arms every alert's step (from the store, from a
    // snapshot) in another order than the live run armed them, and the seq numbers of the changes
    // they cause must come out the same (the kill test at 20 moments found reminders swapping
    // seqs). Silences first (a silence ending at t no longer holds at t), then holds, then steps;
    // within a kind, by id.
    // `id_order`: the id's first 8 bytes, big-endian (idOrder()), so that most ties on `due` are
    // broken without reading the id's heap buffer. Daily reminders fall due at the same moment
    // for thousands of alerts, and comparing their ids was 3 % of an alert-heavy replay.
    uint64_t id_order = 0;
    static uint64_t idOrder(std::string_view id) {
      uint64_t k = 0;
      for (size_t i = 0; i < 8; ++i) {
        k = (k << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
      }
      return k;
    }
    static int rank(TimerKind k) {
      return k == TimerKind::kStep ? 2 : k == TimerKind::kHold ? 1 : 0;
    }
    // The order of (due, rank, id, seq): id_order orders as the id's first 8 bytes do (unsigned,
    // as std::string compares them; a shorter id padded with zero bytes), and the whole id
    // decides when those are equal.
    bool operator>(const Timer& o) const {
      if (due != o.due) return due > o.due;
      if (rank(kind) != rank(o.kind)) return rank(kind) > rank(o.kind);
      if (id_order != o.id_order) return id_order > o.id_order;
      if (int c = id.compare(o.id); c != 0) return c > 0;
      return seq > o.seq;
    }
  };
  struct ManualResolution {
    Tier tier = Tier::kNone;
    TimeMs at = 0;
  };

  void fired(Alert&& a, TimeMs at, const std::string& note);
  void tierChanged(Alert&& a, TimeMs at);
  void resolvedByBook(Alert&& a, TimeMs at);
  void removeEntry(const std::string& id, std::vector<std::string>& touched);
  void applyRelations(std::vector<std::string> ids, TimeMs at, const std::string& except = {});
  void applySilences(TimeMs at, const std::string& actor, const std::string& note);
  // Publishes the entry as it stands after taking the book's latest evidence (a silent same-tier
  // update leaves the entry's behind).
  void emit(Entry& e, ChangeKind kind, TimeMs at, const std::string& actor, std::string note,
            std::optional<bool> notify = std::nullopt, std::string notice = {});
  // Publishes the entry as it stands: the book's own changes, whose evidence the entry has just
  // taken (copying it again from the book cost 4% of a replay's CPU).
  void publish(Entry& e, ChangeKind kind, TimeMs at, const std::string& actor, std::string note,
               std::optional<bool> notify = std::nullopt, std::string notice = {});
  void refresh(Entry& e) const;
  void takeEvidence(Entry& e, const Alert& from) const;
  void takeEvidence(Entry& e, Alert&& from) const;
  void armStep(Entry& e, TimeMs now);
  void fireStep(const Timer& t);
  void fireHold(const Timer& t);
  void pushTimer(TimeMs due, TimerKind kind, uint32_t gen, const std::string& id);
  void pushSilenceTimers(const Silence& s, TimeMs now);
  std::string noticeFor(const Entry& e) const;
  bool isMember(const Entry& e) const;
  bool suppressed(const Entry& e) const;
  bool escalates(const Entry& e) const;
  static AlertStatus statusOf(const Entry& e);
  void rememberResolved(const std::string& id);
  absl::StatusOr<Entry*> activeEntry(const std::string& alert_id);
  void persist();
  TimeMs opNow();

  WorkflowOptions options_;
  const AlertBook* book_;
  std::vector<std::string> evidence_from_book_;  // loadSnapshotApart() -> linkBookEvidence()
  NowFn now_;
  EmitFn emit_;
  PersistFn persist_;
  std::function<std::vector<LedgerEntry>()> ledger_;
  EscalationPolicy policy_;
  Grouper grouper_;
  Inhibitor inhibitor_;
  Silencer silencer_;
  TimeMs min_hold_ms_;

  absl::flat_hash_map<std::string, Entry> entries_;
  absl::flat_hash_map<std::string, ManualResolution> resolved_by_hand_;
  // The latest reminder of each alert without an `escalation` object (a chain of one target, with
  // reminders): the alert itself has nowhere to say it, so the workflow's state keeps it, and a
  // restart resumes the reminders where they were instead of sending one again.
  absl::flat_hash_map<std::string, TimeMs> reminded_;
  std::deque<std::string> recently_resolved_order_;  // bounded, for "already resolved" answers
  absl::flat_hash_set<std::string> recently_resolved_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  uint64_t timer_seq_ = 0;
  TimeMs clock_ = 0;  // the latest time advanced to
  TimeMs next_gc_ = 0;
  TimeMs resumed_at_ = 0;  // reconcile time: steps due before it are stamped with it
  bool recovering_ = false;
};

}  // namespace casewatch
