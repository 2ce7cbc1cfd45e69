#include "daemon/telemetry/metrics.h"

#include "base/str_cat.h"

namespace casewatch {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

std::string_view satisfactionLabel(Satisfaction s) {
  return satisfactionName(s);
}

prometheus::Histogram::BucketBoundaries latencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
}

}  // namespace

// Label values that come from the feed (regions, sources, categories): past this many series of one
// family a feed inventing values would grow the registry without bound, so further values get no
// series (the models still count them).
constexpr size_t kMaxRegionSeries = 10000;
constexpr size_t kMaxSourceSeries = 256;

std::string Metrics::internedName(uint32_t id) const {
  return agencies_ ? std::string(agencies_->name(id)) : std::string("unknown");
}

Metrics::Metrics(std::vector<std::string> feeds)
    : registry_(std::make_shared<prometheus::Registry>()), feeds_(std::move(feeds)) {
  auto& r = *registry_;
  events_family_ = &BuildCounter()
                        .Name("casewatch_ingest_events_total")
                        .Help("Events accepted, by feed and event type.")
                        .Register(r);
  rejected_family_ = &BuildCounter()
                          .Name("casewatch_ingest_rejected_total")
                          .Help("Events rejected (kept as dead letters), by feed and reason.")
                          .Register(r);
  dups_family_ = &BuildCounter()
                      .Name("casewatch_ingest_duplicates_total")
                      .Help("Events ignored because their event_id was already accepted, by feed.")
                      .Register(r);
  conflicts_family_ = &BuildCounter()
                           .Name("casewatch_ingest_conflicts_total")
                           .Help("case.registered events for a case that already exists (ignored).")
                           .Register(r);
  gaps_family_ = &BuildCounter()
                      .Name("casewatch_ingest_sequence_gaps_total")
                      .Help("Jumps in a source's seq numbers, by feed.")
                      .Register(r);
  missing_family_ = &BuildCounter()
                         .Name("casewatch_ingest_sequence_missing_events_total")
                         .Help("Events missing according to seq jumps, by feed.")
                         .Register(r);
  skipped_family_ =
      &BuildCounter()
           .Name("casewatch_shard_events_skipped_total")
           .Help(
               "Events of cases outside this shard's regions (shard.regions), dropped at ingest "
               "(not journalled, not stored, no dead letter), by feed.")
           .Register(r);
  for (const std::string& feed : std::exchange(feeds_, {})) addFeed(feed);
  orphans_family_ =
      &BuildCounter()
           .Name("casewatch_ingest_orphans_total")
           .Help(
               "Events for a not-yet-registered case: held, applied later, expired, or skipped "
               "(their case registered in another shard's region).")
           .Register(r);
  for (const char* o : {"held", "applied", "expired", "skipped"})
    orphans_family_->Add({{"outcome", o}});
  latency_ =
      &BuildHistogram()
           .Name("casewatch_ingest_decision_latency_seconds")
           .Help("From a batch's first message arriving to its events' decisions being made.")
           .Register(r)
           .Add({}, latencyBuckets());
  publish_latency_ =
      &BuildHistogram()
           .Name("casewatch_alert_publish_latency_seconds")
           .Help(
               "From the arrival of the feed batch whose events decided an alert change to the "
               "change's hand-over to the sinks and the bus, after its events are durable in the "
               "journal and the change is recorded in the store.")
           .Register(r)
           .Add({}, latencyBuckets());
  journal_commit_ = &BuildHistogram()
                         .Name("casewatch_journal_commit_seconds")
                         .Help("Event journal group commit: write and fdatasync of one batch.")
                         .Register(r)
                         .Add({}, latencyBuckets());
  store_commit_ = &BuildHistogram()
                       .Name("casewatch_store_commit_seconds")
                       .Help(
                           "Alert store transaction, either engine: one batch of writes (alert "
                           "changes, dead letters, snapshots, training rows), begin to commit.")
                       .Register(r)
                       .Add({}, latencyBuckets());
  alert_changes_family_ = &BuildCounter()
                               .Name("casewatch_alert_changes_total")
                               .Help(
                                   "Alert changes published, by model, change and the tier after "
                                   "the change.")
                               .Register(r);
  breaches_family_ =
      &BuildCounter()
           .Name("casewatch_deadline_breaches_total")
           .Help(
               "Statutory deadlines missed, by region (of the case), agency and step "
               "(counted once per running clock).")
           .Register(r);
  replies_family_ = &BuildCounter()
                         .Name("casewatch_agency_steps_completed_total")
                         .Help(
                             "Clocked steps done (replies, decisions), by region (of the case), "
                             "agency, step and timeliness (on_time or late).")
                         .Register(r);
  closed_family_ = &BuildCounter()
                        .Name("casewatch_agency_cases_closed_total")
                        .Help(
                            "Cases closed, by region (of the case), agency and whether they were "
                            "resolved (化解).")
                        .Register(r);
  satisfaction_family_ =
      &BuildCounter()
           .Name("casewatch_agency_satisfaction_total")
           .Help(
               "Closed cases by the petitioner's stated satisfaction, by region (of the case) "
               "and agency.")
           .Register(r);
  reviews_family_ = &BuildCounter()
                         .Name("casewatch_agency_reviews_requested_total")
                         .Help(
                             "Petitioners disputing an agency's decision, by region (of the case), "
                             "agency and level: review (复查) or recheck (复核).")
                         .Register(r);
  source_family_ = &BuildCounter()
                        .Name("casewatch_ingest_source_events_total")
                        .Help(
                            "Events accepted, by feed and source (the upstream system numbering "
                            "them); sources past the first 256 count as source=\"other\".")
                        .Register(r);
  open_family_ = &BuildGauge()
                      .Name("casewatch_cases_open")
                      .Help("Open cases by stage and responsible agency.")
                      .Register(r);
  alerts_family_ = &BuildGauge()
                        .Name("casewatch_alerts_active")
                        .Help("Active (not resolved) alerts by tier and model.")
                        .Register(r);
  alerts_region_family_ = &BuildGauge()
                               .Name("casewatch_alerts_active_by_region")
                               .Help("Active (not resolved) alerts by model, tier and region.")
                               .Register(r);
  overdue_family_ =
      &BuildGauge()
           .Name("casewatch_overdue_cases")
           .Help(
               "Cases with an active overdue alert past a step's deadline, by region, responsible "
               "agency and step (a case late on two steps counts under each).")
           .Register(r);
  incidents_family_ =
      &BuildGauge()
           .Name("casewatch_group_incidents_active")
           .Help("Active collective-petition (group_incident) alerts by region and category.")
           .Register(r);
  unowned_family_ = &BuildGauge()
                         .Name("casewatch_key_cases_unowned")
                         .Help(
                             "Key cases alerted for having no owner acting (no leader assigned "
                             "while the petitioner keeps coming), by region.")
                         .Register(r);
  key_cases_family_ = &BuildGauge()
                           .Name("casewatch_key_cases")
                           .Help("Cases on the key-case ledger (台账), by region.")
                           .Register(r);
  stability_family_ =
      &BuildGauge()
           .Name("casewatch_stability_index")
           .Help("Stability index by region, 0..100 (100 = calm; models/stability).")
           .Register(r);
  auto& state =
      BuildGauge().Name("casewatch_state_cases").Help("Cases held, by status.").Register(r);
  open_total_ = &state.Add({{"status", "open"}});
  cases_total_ = &state.Add({{"status", "all"}});
  state_bytes_ = &BuildGauge()
                      .Name("casewatch_state_case_bytes")
                      .Help("Approximate bytes held by the case state.")
                      .Register(r)
                      .Add({});
  bytes_per_open_case_ = &BuildGauge()
                              .Name("casewatch_state_bytes_per_open_case")
                              .Help("casewatch_state_case_bytes divided by open cases.")
                              .Register(r)
                              .Add({});
  orphans_waiting_ = &BuildGauge()
                          .Name("casewatch_ingest_orphans_waiting")
                          .Help("Events waiting for their case to be registered.")
                          .Register(r)
                          .Add({});
  thresholds_queued_ = &BuildGauge()
                            .Name("casewatch_deadline_thresholds_queued")
                            .Help("Clock thresholds waiting in the deadline queue.")
                            .Register(r)
                            .Add({});
  auto& reloads = BuildCounter()
                      .Name("casewatch_config_reloads_total")
                      .Help("Configuration reloads (SIGHUP), by result.")
                      .Register(r);
  reload_ok_ = &reloads.Add({{"result", "ok"}});
  reload_failed_ = &reloads.Add({{"result", "failed"}});
  restart_required_ = &BuildCounter()
                           .Name("casewatch_config_reload_restart_required_total")
                           .Help(
                               "Reloads that found a key changed which only a restart applies, "
                               "by key; the running value stays until the restart.")
                           .Register(r);
  BuildGauge()
      .Name("casewatch_build_info")
      .Help("Build information; the value is always 1.")
      .Register(r)
      .Add({{"version", CASEWATCH_VERSION}})
      .Set(1);
}

Metrics::~Metrics() = default;

absl::Status Metrics::serve(const std::string& listen) {
  if (listen.empty()) return absl::OkStatus();
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen);
    exposer_->RegisterCollectable(registry_);
    const auto ports = exposer_->GetListeningPorts();
    port_ = ports.empty() ? 0 : static_cast<uint16_t>(ports.front());
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        strCat("metrics.listen: cannot listen on ", listen, ": ", e.what()));
  }
  return absl::OkStatus();
}

size_t Metrics::addFeed(const std::string& feed) {
  for (size_t i = 0; i < feeds_.size(); ++i) {
    if (feeds_[i] == feed) return i;
  }
  feeds_.push_back(feed);
  auto& ev = events_.emplace_back();
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    ev[t] = &events_family_->Add(
        {{"feed", feed}, {"type", std::string(eventTypeName(static_cast<EventType>(t)))}});
  }
  auto& rj = rejected_.emplace_back();
  for (size_t k = 0; k < kRejectReasonCount; ++k) {
    rj[k] = &rejected_family_->Add(
        {{"feed", feed}, {"reason", std::string(rejectReasonName(static_cast<RejectReason>(k)))}});
  }
  duplicates_.push_back(&dups_family_->Add({{"feed", feed}}));
  conflicts_.push_back(&conflicts_family_->Add({{"feed", feed}}));
  gaps_.push_back(&gaps_family_->Add({{"feed", feed}}));
  gap_missing_.push_back(&missing_family_->Add({{"feed", feed}}));
  skipped_.push_back(&skipped_family_->Add({{"feed", feed}}));
  return feeds_.size() - 1;
}

size_t Metrics::feedIndex(std::string_view feed) const {
  for (size_t i = 0; i < feeds_.size(); ++i) {
    if (feeds_[i] == feed) return i;
  }
  return 0;
}

void Metrics::eventsIn(size_t feed, const std::array<uint64_t, kEventTypeCount>& by_type) {
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    if (by_type[t]) events_[feed][t]->Increment(static_cast<double>(by_type[t]));
  }
}
void Metrics::rejected(size_t feed, RejectReason reason, uint64_t n) {
  rejected_[feed][static_cast<size_t>(reason)]->Increment(static_cast<double>(n));
}
void Metrics::duplicates(size_t feed, uint64_t n) {
  duplicates_[feed]->Increment(static_cast<double>(n));
}
void Metrics::conflicts(size_t feed, uint64_t n) {
  conflicts_[feed]->Increment(static_cast<double>(n));
}
void Metrics::shardSkipped(size_t feed, uint64_t n) {
  skipped_[feed]->Increment(static_cast<double>(n));
}
void Metrics::sequenceGap(size_t feed, uint64_t missing) {
  gaps_[feed]->Increment();
  gap_missing_[feed]->Increment(static_cast<double>(missing));
}
void Metrics::orphans(std::string_view outcome, uint64_t n) {
  orphans_family_->Add({{"outcome", std::string(outcome)}}).Increment(static_cast<double>(n));
}

void Metrics::alertChange(std::string_view model, std::string_view change, Tier tier) {
  const std::string key = strCat(model, "/", change, "/", tierName(tier));
  auto it = alert_changes_.find(key);
  if (it == alert_changes_.end()) {
    it = alert_changes_
             .emplace(key, &alert_changes_family_->Add({{"model", std::string(model)},
                                                        {"change", std::string(change)},
                                                        {"tier", std::string(tierName(tier))}}))
             .first;
  }
  it->second->Increment();
}

void Metrics::sourceEvents(size_t feed, std::string_view source, uint64_t n) {
  std::string key = strCat(feeds_[feed], "\n", source);
  auto it = source_events_.find(key);
  if (it == source_events_.end()) {
    const std::string label =
        source_events_.size() < kMaxSourceSeries ? std::string(source) : std::string("other");
    prometheus::Counter* c = &source_family_->Add({{"feed", feeds_[feed]}, {"source", label}});
    it = source_events_.emplace(std::move(key), c).first;
  }
  it->second->Increment(static_cast<double>(n));
}

prometheus::Counter& Metrics::agencyCounter(prometheus::Family<prometheus::Counter>& family,
                                            AgencyCounters& cache, uint32_t region, uint32_t agency,
                                            uint32_t what,
                                            std::map<std::string, std::string> labels) {
  const AgencyKey key{region, agency, what};
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  labels["region"] = internedName(region);
  labels["agency"] = internedName(agency);
  prometheus::Counter* c = &family.Add(labels);
  cache.emplace(key, c);
  return *c;
}

void Metrics::deadlineBreached(uint32_t region, uint32_t agency, Step step) {
  agencyCounter(*breaches_family_, breaches_, region, agency, static_cast<uint32_t>(step),
                {{"step", std::string(stepName(step))}})
      .Increment();
}

void Metrics::stepCompleted(uint32_t region, uint32_t agency, Step step, bool on_time) {
  agencyCounter(
      *replies_family_, replies_, region, agency, (static_cast<uint32_t>(step) << 1) | on_time,
      {{"step", std::string(stepName(step))}, {"timeliness", on_time ? "on_time" : "late"}})
      .Increment();
}

void Metrics::caseClosed(uint32_t region, uint32_t agency, bool resolved,
                         Satisfaction satisfaction) {
  agencyCounter(*closed_family_, closed_, region, agency, resolved,
                {{"resolved", resolved ? "true" : "false"}})
      .Increment();
  agencyCounter(*satisfaction_family_, satisfaction_, region, agency,
                static_cast<uint32_t>(satisfaction),
                {{"satisfaction", std::string(satisfactionLabel(satisfaction))}})
      .Increment();
}

void Metrics::reviewRequested(uint32_t region, uint32_t agency, Step level) {
  agencyCounter(*reviews_family_, reviews_, region, agency, static_cast<uint32_t>(level),
                {{"level", std::string(stepName(level))}})
      .Increment();
}

void Metrics::setOpenCases(const CaseStore& cases) {
  // Zero first: a (stage, agency) pair that emptied must read 0, not its last value.
  for (auto& [key, g] : open_) g->Set(0);
  cases.forEachOpenCount([&](Stage stage, uint32_t agency, int64_t count) {
    const uint64_t key = (static_cast<uint64_t>(stage) << 32) | agency;
    auto it = open_.find(key);
    if (it == open_.end()) {
      if (count == 0) return;
      it = open_
               .emplace(key, &open_family_->Add({{"stage", std::string(stageName(stage))},
                                                 {"agency", internedName(agency)}}))
               .first;
    }
    it->second->Set(static_cast<double>(count));
  });
}

void Metrics::refreshGauge(prometheus::Family<prometheus::Gauge>& family, GaugeCache& cache,
                           const std::string& key, const std::map<std::string, std::string>& labels,
                           int64_t value) {
  auto it = cache.find(key);
  if (it == cache.end()) {
    if (cache.size() >= kMaxRegionSeries) return;
    it = cache.emplace(key, &family.Add(labels)).first;
  }
  it->second->Set(static_cast<double>(value));
}

void Metrics::setActiveAlerts(const ActiveAlertFigures& figures) {
  // Zero first: a series whose alerts all resolved must read 0, not its last value.
  for (GaugeCache* cache : {&alerts_active_, &alerts_region_, &overdue_, &incidents_, &unowned_}) {
    for (auto& [key, g] : *cache) g->Set(0);
  }
  for (const auto& [key, n] : figures.by_model_tier) {
    const std::string tier(tierName(key.second));
    refreshGauge(*alerts_family_, alerts_active_, strCat(key.first, "\n", tier),
                 {{"model", key.first}, {"tier", tier}}, n);
  }
  for (const auto& [key, n] : figures.by_region) {
    const auto& [model, tier_value, region] = key;
    const std::string tier(tierName(tier_value));
    refreshGauge(*alerts_region_family_, alerts_region_, strCat(model, "\n", tier, "\n", region),
                 {{"model", model}, {"tier", tier}, {"region", region}}, n);
  }
  for (const auto& [key, n] : figures.overdue_by_agency_step) {
    const auto& [region, agency, step] = key;
    refreshGauge(*overdue_family_, overdue_, strCat(region, "\n", agency, "\n", step),
                 {{"region", region}, {"agency", agency}, {"step", step}}, n);
  }
  for (const auto& [key, n] : figures.incidents_by_region_category) {
    refreshGauge(*incidents_family_, incidents_, strCat(key.first, "\n", key.second),
                 {{"region", key.first}, {"category", key.second}}, n);
  }
  for (const auto& [region, n] : figures.unowned_key_cases) {
    refreshGauge(*unowned_family_, unowned_, region, {{"region", region}}, n);
  }
}

void Metrics::setStateFigures(size_t open_cases, size_t total_cases, size_t state_bytes,
                              size_t orphans_waiting, size_t queued_thresholds) {
  open_total_->Set(static_cast<double>(open_cases));
  cases_total_->Set(static_cast<double>(total_cases));
  state_bytes_->Set(static_cast<double>(state_bytes));
  bytes_per_open_case_->Set(open_cases ? static_cast<double>(state_bytes) / open_cases : 0);
  orphans_waiting_->Set(static_cast<double>(orphans_waiting));
  thresholds_queued_->Set(static_cast<double>(queued_thresholds));
}

namespace {

prometheus::Gauge* regionGauge(prometheus::Family<prometheus::Gauge>& family,
                               absl::flat_hash_map<std::string, prometheus::Gauge*>& cache,
                               std::string_view region) {
  auto it = cache.find(absl::string_view(region.data(), region.size()));
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxRegionSeries) return nullptr;
  return cache.emplace(std::string(region), &family.Add({{"region", std::string(region)}}))
      .first->second;
}

}  // namespace

void Metrics::keyCases(std::string_view region, int64_t count) {
  if (auto* g = regionGauge(*key_cases_family_, key_cases_, region)) {
    g->Set(static_cast<double>(count));
  }
}

void Metrics::stabilityIndex(std::string_view region, double index) {
  if (auto* g = regionGauge(*stability_family_, stability_, region)) g->Set(index);
}

}  // namespace casewatch
