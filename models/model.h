// The model interface. A model watches the case state as events are applied and as the clock moves,
// and reports risks as Signals: facts and phrases in no language (models/phrase.h), worded by
// alerts/wording/ when they become alerts. Each model is one folder under models/ and one line in
// the component table (daemon/components.cc).
//
// Threading: every call comes from the pipeline's thread (the io_context, or the replay loop); a
// model needs no locks. Calls never throw; a model that cannot score an event counts it and
// carries on.
#pragma once

#include <string>
#include <string_view>

#include "base/state_archive.h"
#include "base/time.h"
#include "connectors/decode/case_event.h"
#include "models/region_board.h"
#include "models/signal.h"
#include "state/case_store.h"
#include "state/forgotten_cases.h"
#include "state/visit_log.h"

namespace casewatch {

// Accountability figures a model can report (implemented by the daemon's telemetry). Regions and
// agencies are passed as interned ids of CaseStore::strings(); the region is the case's (the
// grievance's jurisdiction), so that figures roll up per region as well as per agency.
class ModelMetrics {
 public:
  virtual ~ModelMetrics() = default;
  virtual void deadlineBreached(uint32_t region, uint32_t agency, Step step) = 0;
  virtual void stepCompleted(uint32_t region, uint32_t agency, Step step, bool on_time) = 0;
  // Per-region figures (region codes, never a person or case id); set when they change.
  virtual void keyCases(std::string_view region, int64_t count) { (void)region, (void)count; }
  virtual void stabilityIndex(std::string_view region, double index) { (void)region, (void)index; }
};

struct ModelContext {
  const CaseStore& cases;
  SignalSink& signals;
  ModelMetrics* metrics = nullptr;  // may be null (tests, tools)
  RegionBoard* regions = nullptr;   // per-region figures shared between models; may be null
  // The recent visits, for rebuild() after a reload (models/past_contacts.h); may be null.
  const VisitLog* visits = nullptr;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string_view name() const = 0;
  // After `ev` has been applied to the case state (`update` says what it changed).
  virtual void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) = 0;
  // The clock moved to `now` (event time in replay, the wall clock live). Must cost time
  // proportional to what became due, never to the number of cases.
  virtual void advanceTo(TimeMs now, ModelContext& ctx) = 0;
  // After a reload swapped this model in: rebuild derived structures from the case state.
  virtual void rebuild(TimeMs now, ModelContext& ctx) { (void)now, (void)ctx; }
  // During a reload, just before rebuild(): the instance this one replaces (the same model, under
  // the previous configuration), from which it may carry over what neither the case state nor the
  // visit log holds (e.g. when a case entered the key-case ledger). `previous` is gone after
  // rebuild() returns.
  virtual void inherit(const Model& previous) { (void)previous; }
  // A signal another model emitted (never the model's own), just before the alert book takes it.
  // This is how a model builds on the others' findings (key_case on repeat_visit's tiers,
  // stability on every model's alerts) without reaching into their state. It may emit signals of
  // its own; it must not rely on the order in which models see a signal. During a reload the
  // models listed before this one in the component table have been rebuilt and re-raised their
  // open alerts before this model's rebuild() runs.
  virtual void onSignal(const Signal& s, ModelContext& ctx) { (void)s, (void)ctx; }

  // Retention (daemon/retention/): drop everything held about these closed cases and persons
  // (entries, queued checks, waiting rows). Called before the case state forgets them, so that
  // ctx.cases still names them; a case here is never open. Costs at most O(what the model holds).
  virtual void forget(const ForgottenCases& f, ModelContext& ctx) { (void)f, (void)ctx; }

  // What the model has learnt or uses, as a JSON object (GET /api/v1/models); "" = nothing to say.
  virtual std::string stateJson() const { return {}; }

  // Deadline thresholds the model holds waiting for the clock (the gauge
  // casewatch_deadline_thresholds_queued sums them over the models).
  virtual size_t queuedThresholds() const { return 0; }

  // Snapshot (daemon/snapshot/): everything the model holds besides its configuration, so that a
  // model built with the same configuration and loaded continues exactly as the saved one would
  // have. A model that does not implement them returns false, and no snapshot is taken while it
  // runs (start-up then replays the whole journal).
  virtual bool saveState(ArchiveOut& out) const { return (void)out, false; }
  virtual bool loadState(ArchiveIn& in) { return (void)in, false; }
};

}  // namespace casewatch
