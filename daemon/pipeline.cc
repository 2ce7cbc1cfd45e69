#include "daemon/pipeline.h"

#include <chrono>
#include <utility>

#include "base/str_cat.h"
#include "daemon/telemetry/metrics.h"

namespace casewatch {
namespace {

// Sources tracked for sequence gaps; beyond this, new sources are not tracked (bounded memory
// against a feed that invents sources).
constexpr size_t kMaxTrackedSources = 10000;

std::string orphanSummary(const CaseEvent& ev) {
  // Orphans never carry person ids (only case.* events other than registered can be orphans).
  return strCat("{\"event_id\":\"", ev.event_id, "\",\"type\":\"", eventTypeName(ev.type),
                "\",\"case_id\":\"", ev.case_id, "\",\"ts\":\"", formatRfc3339(ev.ts), "\"}");
}

}  // namespace

Pipeline::Pipeline(const Config& config, const Clock* wall, Metrics* metrics, PipelineOutput& out)
    : config_(config),
      wall_(wall),
      metrics_(metrics),
      out_(out),
      follow_events_(wall == nullptr || config.clock == ClockSource::kEvent),
      orphans_(TimeMs{config.ingest.orphan_horizon_hours} * kMsPerHour),
      scope_(config.shard.regions),
      ctx_{cases_, *this, metrics, &regions_, &visits_},
      seen_(TimeMs{config.ingest.dedup_window_days} * kMsPerDay) {
  useTemplates();
}

void Pipeline::useTemplates() {
  // Rebuilt on every call (a reload): it costs microseconds, and a new catalog may sit at the
  // address of the one it replaced.
  wording_ = std::make_unique<AlertWording>(config_.messages.get());
  book_.setWording(wording_.get());
}

Pipeline::~Pipeline() = default;

void Pipeline::setModels(std::vector<std::unique_ptr<Model>> models) {
  const bool rebuild = !models_.empty() || cases_.size() > 0;
  std::vector<std::unique_ptr<Model>> previous = std::exchange(models_, std::move(models));
  useTemplates();  // a reload may have brought new templates
  if (rebuild) {
    // A rebuilt model re-raises what is at risk under the new configuration; its alerts that it
    // does not re-raise are no longer at risk and resolve.
    rebuild_raised_.clear();
    rebuilding_ = true;
    for (auto& m : models_) {
      for (const auto& old : previous) {
        if (old->name() == m->name()) m->inherit(*old);
      }
      m->rebuild(models_now_, ctx_);
    }
    rebuilding_ = false;
    std::vector<Signal> stale;
    book_.forEachActive([&](const Alert& a) {
      if (rebuild_raised_.contains(a.alert_id)) return;
      bool rebuilt = false;
      for (const auto& m : models_) rebuilt = rebuilt || m->name() == a.model;
      if (!rebuilt) return;
      Signal s;
      s.subject_kind = a.subject_kind;
      s.subject_id = a.subject_id;
      s.tier = Tier::kNone;
      s.at = models_now_;
      s.summary = Phrase("reload.summary.not_at_risk");
      s.addReason("config_reloaded", "reloaded", Phrase("reload.reason.config_reloaded"));
      for (const auto& m : models_) {
        if (m->name() == a.model) s.model = m->name();
      }
      stale.push_back(std::move(s));
    });
    for (Signal& s : stale) emit(std::move(s));
  }
}

TimeMs Pipeline::now() const {
  return follow_events_ ? event_clock_.now() : wall_->now();
}

void Pipeline::moveClock(TimeMs t) {
  if (t <= models_now_) return;
  models_now_ = t;
  for (auto& m : models_) m->advanceTo(t, ctx_);
  if (t >= next_purge_at_) purgeExpired(t);
}

void Pipeline::purgeExpired(TimeMs t) {
  // Once a day, at the first move of the clock past midnight UTC: on event time this is the same
  // moment in a replay of the journal as in the live run, so both forget the same cases.
  next_purge_at_ = (t / kMsPerDay + 1) * kMsPerDay;
  const int days = config_.retention.closed_case_days;
  if (!scope_.watchesAll()) {
    scope_.forgetIdle(t - TimeMs{config_.shard.forget_foreign_after_days} * kMsPerDay);
  }
  CasePurge p;
  if (days > 0) p = purgeClosedCases(t - TimeMs{days} * kMsPerDay, cases_, visits_, models_, ctx_);
  p.at = t;
  out_.purged(std::move(p));
}

void Pipeline::advanceTo(TimeMs t) {
  event_clock_.advanceTo(t);
  moveClock(t);
}

void Pipeline::tick() {
  const TimeMs t = now();
  moveClock(t);
  auto expired = orphans_.expire(t);
  if (!expired.empty()) {
    counters_.orphans_expired += expired.size();
    if (metrics_) metrics_->orphans("expired", expired.size());
    for (const CaseEvent& ev : expired) {
      Rejection r;
      r.reason = RejectReason::kOrphanExpired;
      r.detail = strCat("orphan_expired: no case.registered for ", ev.case_id, " within ",
                        config_.ingest.orphan_horizon_hours, " h");
      r.raw = orphanSummary(ev);
      r.raw_size = r.raw.size();
      r.received_at = t;
      out_.deadLetter("orphans", r);
    }
  }
}

size_t Pipeline::feedIndex(std::string_view feed) {
  return metrics_ ? metrics_->feedIndex(feed) : 0;
}

void Pipeline::ingest(DecodedBatch& batch) {
  current_feed_ = feedIndex(batch.feed);
  if (!follow_events_) moveClock(wall_->now());
  batch_types_.fill(0);
  for (const Rejection& r : batch.rejections) {
    ++counters_.rejected;
    if (metrics_) metrics_->rejected(current_feed_, r.reason, 1);
    out_.deadLetter(batch.feed, r);
  }
  const uint64_t dups_before = counters_.duplicates;
  const uint64_t conflicts_before = counters_.conflicts;
  const uint64_t skipped_before = counters_.skipped;
  for (const CaseEvent& ev : batch.events) {
    const uint64_t accepted_before = counters_.accepted;
    ingestEvent(ev, current_feed_);
    if (metrics_ && counters_.accepted != accepted_before) {
      // Runs of one source are counted once (the batch's events outlive the run).
      const std::string_view source = ev.source.empty() ? std::string_view("none") : ev.source;
      if (source != run_source_) {
        flushSourceRun();
        run_source_ = source;
      }
      ++run_count_;
    }
  }
  if (metrics_) {
    flushSourceRun();
    metrics_->eventsIn(current_feed_, batch_types_);
    if (counters_.duplicates != dups_before) {
      metrics_->duplicates(current_feed_, counters_.duplicates - dups_before);
    }
    if (counters_.conflicts != conflicts_before) {
      metrics_->conflicts(current_feed_, counters_.conflicts - conflicts_before);
    }
    if (counters_.skipped != skipped_before) {
      metrics_->shardSkipped(current_feed_, counters_.skipped - skipped_before);
    }
    if (batch.received_steady_ns != 0) {
      const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
      metrics_->decisionLatency(static_cast<double>(now_ns - batch.received_steady_ns) * 1e-9);
    }
  }
}

void Pipeline::ingestEvent(const CaseEvent& ev, size_t feed_index) {
  // Another shard's event goes before the dedup window, the clock and the journal: it changes
  // nothing here, so a restart (which replays only the journal) decides the same. Its seq still
  // counts, or every skipped event would look like a gap in its source.
  if (!recovering_journal_ && !scope_.watchesAll() && outOfScope(ev)) {
    ++counters_.skipped;
    trackSequence(ev, feed_index);
    return;
  }
  if (recovering_journal_) {
    seen_.remember(ev.event_id, ev.ts);
  } else if (!seen_.firstTime(ev.event_id, ev.ts)) {
    ++counters_.duplicates;  // acknowledged and ignored
    return;
  }
  ++counters_.accepted;
  ++batch_types_[static_cast<size_t>(ev.type)];
  trackSequence(ev, feed_index);
  // Journaled before the clock moves: a deadline that passes at this event's time is decided by
  // this event, so its change must wait for the event's batch to be durable, and a replay must
  // decide it after as many events (tests/integration/test_kill_moments.py found a tier change
  // published whose event a crash then lost: the restart's clock stood before it).
  out_.accepted(ev);
  if (follow_events_) {
    event_clock_.advanceTo(ev.ts);
    moveClock(event_clock_.now());
  }
  out_.clockMoved(now());
  if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit &&
      cases_.find(ev.case_id) == kNoCase) {
    orphans_.hold(ev, now());
    ++counters_.orphans_held;
    if (metrics_) metrics_->orphans("held", 1);
    return;
  }
  apply(ev);
  if (ev.type == EventType::kRegistered && orphans_.size() > 0) {
    auto waiting = orphans_.release(ev.case_id);
    if (!waiting.empty() && metrics_) metrics_->orphans("applied", waiting.size());
    for (const CaseEvent& o : waiting) apply(o);
  }
}

void Pipeline::trackSequence(const CaseEvent& ev, size_t feed_index) {
  if (!ev.has_seq) return;
  auto it = last_seq_.find(ev.source);
  if (it == last_seq_.end()) {
    if (last_seq_.size() < kMaxTrackedSources) last_seq_.emplace(ev.source, ev.seq);
  } else {
    if (ev.seq > it->second + 1 && metrics_) {
      metrics_->sequenceGap(feed_index, ev.seq - it->second - 1);
    }
    if (ev.seq > it->second) it->second = ev.seq;
  }
}

bool Pipeline::outOfScope(const CaseEvent& ev) {
  if (ev.type == EventType::kVisit) return !scope_.watchesRegion(ev.region);
  if (ev.type == EventType::kRegistered) {
    if (scope_.watchesRegion(ev.region)) return false;
    scope_.rememberForeign(ev.case_id, ev.ts);
    // Events that came before their case.registered wait as orphans (they were journalled then,
    // not knowing): now known to be another shard's, they are dropped and counted as skipped.
    if (orphans_.size() > 0) {
      const size_t released = orphans_.release(ev.case_id).size();
      counters_.skipped += released;
      if (released > 0 && metrics_) metrics_->orphans("skipped", released);
    }
    return true;
  }
  // No region on the event: the case's. A case in the state was registered in scope.
  if (cases_.find(ev.case_id) != kNoCase) return false;
  return scope_.foreignCase(ev.case_id, ev.ts);
}

void Pipeline::flushSourceRun() {
  if (run_count_ != 0) metrics_->sourceEvents(current_feed_, run_source_, run_count_);
  run_source_ = {};
  run_count_ = 0;
}

void Pipeline::apply(const CaseEvent& ev) {
  const CaseUpdate u = cases_.apply(ev);
  if (u.conflict) ++counters_.conflicts;
  if (ev.type == EventType::kVisit) visits_.record(ev, u.index, cases_.strings());
  if (metrics_ && u.index != kNoCase && !u.conflict) {
    const Case& c = cases_.at(u.index);
    if (ev.type == EventType::kClosed) {
      metrics_->caseClosed(c.region, c.agency, ev.resolved, ev.satisfaction);
    } else if (ev.type == EventType::kReviewRequested) {
      // The agency whose decision is disputed: the one responsible before the request.
      metrics_->reviewRequested(c.region, u.agency_before, Step::kReview);
    } else if (ev.type == EventType::kRecheckRequested) {
      metrics_->reviewRequested(c.region, u.agency_before, Step::kRecheck);
    }
  }
  for (auto& m : models_) m->onEvent(ev, u, ctx_);
}

void Pipeline::emit(Signal&& s) {
  // The other models see the signal first (they may emit in turn: a nested emit is applied to the
  // book before this one, which only reorders changes of different alerts).
  for (auto& m : models_) {
    if (m->name() != s.model) m->onSignal(s, ctx_);
  }
  if (rebuilding_) rebuild_raised_.insert(alertFingerprint(s.model, s.subject_kind, s.subject_id));
  auto change = book_.apply(std::move(s));
  if (!change) return;
  ++counters_.alert_changes;
  if (metrics_)
    metrics_->alertChange(change->alert.model, changeKindName(change->kind), change->alert.tier);
  out_.alertChanged(std::move(*change));
}

void Pipeline::publishGauges() {
  if (!metrics_) return;
  metrics_->setOpenCases(cases_);
  ActiveAlertFigures figures;
  book_.forEachActive([&](const Alert& a) { figures.add(a); });
  metrics_->setActiveAlerts(figures);
  size_t queued = 0;
  for (const auto& m : models_) queued += m->queuedThresholds();
  metrics_->setStateFigures(cases_.openCases(), cases_.known(), cases_.approximateBytes(),
                            orphans_.size(), queued);
}

}  // namespace casewatch
