// The daemon's Prometheus metrics: one registry, every family created once with its HELP text, and
// label handles resolved once and kept (a family lookup takes a lock: never per event). The hot
// path adds up counts per batch and records them once.
//
// Label values come from small fixed sets (feeds, event types, reasons, stages, steps, tiers,
// models) or from agencies and region codes; never a person or case id.
//
// Thread-safety: counters are atomic; the handle caches are touched only from the pipeline's
// thread. The exposer serves scrapes on its own threads.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "connectors/decode/event_decoder.h"
#include "daemon/telemetry/active_alert_figures.h"
#include "models/model.h"
#include "state/case_store.h"

namespace casewatch {

class Metrics final : public ModelMetrics {
 public:
  // `feeds`: the configured feed names (label values), plus "journal" used during recovery.
  explicit Metrics(std::vector<std::string> feeds);
  // Region and agency label values are read from the case state's interned strings.
  void setAgencyNames(const StringInterner& names) { agencies_ = &names; }
  ~Metrics() override;

  // Serves /metrics on `listen` (host:port; port 0 picks a free one). Empty = not served.
  absl::Status serve(const std::string& listen);
  uint16_t port() const { return port_; }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  size_t feedIndex(std::string_view feed) const;
  // A feed's series (a reload may add a feed); returns its index. Idempotent.
  size_t addFeed(const std::string& feed);

  // Per-batch figures (hot path: one call per batch and kind).
  void eventsIn(size_t feed, const std::array<uint64_t, kEventTypeCount>& by_type);
  void rejected(size_t feed, RejectReason reason, uint64_t n);
  void duplicates(size_t feed, uint64_t n);
  void conflicts(size_t feed, uint64_t n);
  // Events of another shard's regions (daemon/pipeline.cc, state/shard_scope.h).
  void shardSkipped(size_t feed, uint64_t n);
  void sequenceGap(size_t feed, uint64_t missing);
  void orphans(std::string_view outcome, uint64_t n);
  void decisionLatency(double seconds) { latency_->Observe(seconds); }
  // An alert change decided by a feed batch, handed to the sinks and the bus `seconds` after the
  // batch arrived (app_delivery.cc).
  void publishLatency(double seconds) { publish_latency_->Observe(seconds); }
  void journalCommit(double seconds) { journal_commit_->Observe(seconds); }
  void storeCommit(double seconds) { store_commit_->Observe(seconds); }
  // A change of the alert book; `tier` is the alert's tier after it.
  void alertChange(std::string_view model, std::string_view change, Tier tier);
  // Per source (the upstream system that numbers its events): `n` events of one batch. Sources past
  // a fixed number get no series of their own (counted under source="other").
  void sourceEvents(size_t feed, std::string_view source, uint64_t n);
  // Accountability figures per region and agency (interned ids of CaseStore::strings()).
  void caseClosed(uint32_t region, uint32_t agency, bool resolved, Satisfaction satisfaction);
  // A petitioner disputed an agency's decision: `level` is Step::kReview (复查) or kRecheck (复核).
  void reviewRequested(uint32_t region, uint32_t agency, Step level);
  void configReload(bool ok) { (ok ? reload_ok_ : reload_failed_)->Increment(); }
  // A reload found `key` changed, which only a restart applies (data_dir, a listen address...).
  // `key` is a config key path from a fixed set, never a value.
  void restartRequired(std::string_view key) {
    restart_required_->Add({{"key", std::string(key)}}).Increment();
  }

  // ModelMetrics
  void deadlineBreached(uint32_t region, uint32_t agency, Step step) override;
  void stepCompleted(uint32_t region, uint32_t agency, Step step, bool on_time) override;
  void keyCases(std::string_view region, int64_t count) override;
  void stabilityIndex(std::string_view region, double index) override;

  // Periodic gauges (once a second, from the pipeline's thread).
  void setOpenCases(const CaseStore& cases);
  void setActiveAlerts(const ActiveAlertFigures& figures);
  void setStateFigures(size_t open_cases, size_t total_cases, size_t state_bytes,
                       size_t orphans_waiting, size_t queued_thresholds);

 private:
  // (region, agency, what): `what` packs the figure's other labels.
  using AgencyKey = std::tuple<uint32_t, uint32_t, uint32_t>;
  using AgencyCounters = absl::flat_hash_map<AgencyKey, prometheus::Counter*>;
  // A gauge family whose series are zeroed and set again on each refresh.
  using GaugeCache = absl::flat_hash_map<std::string, prometheus::Gauge*>;

  std::string internedName(uint32_t id) const;
  prometheus::Counter& agencyCounter(prometheus::Family<prometheus::Counter>& family,
                                     AgencyCounters& cache, uint32_t region, uint32_t agency,
                                     uint32_t what, std::map<std::string, std::string> labels);
  void refreshGauge(prometheus::Family<prometheus::Gauge>& family, GaugeCache& cache,
                    const std::string& key, const std::map<std::string, std::string>& labels,
                    int64_t value);

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  uint16_t port_ = 0;
  std::vector<std::string> feeds_;
  const StringInterner* agencies_ = nullptr;

  prometheus::Family<prometheus::Counter>* events_family_;
  prometheus::Family<prometheus::Counter>*rejected_family_, *dups_family_, *conflicts_family_,
      *gaps_family_, *missing_family_, *skipped_family_;
  std::vector<std::array<prometheus::Counter*, kEventTypeCount>> events_;
  std::vector<std::array<prometheus::Counter*, kRejectReasonCount>> rejected_;
  std::vector<prometheus::Counter*> duplicates_, conflicts_, gaps_, gap_missing_, skipped_;
  prometheus::Family<prometheus::Counter>* orphans_family_;
  prometheus::Histogram* latency_;
  prometheus::Histogram* publish_latency_;
  prometheus::Histogram* journal_commit_;
  prometheus::Histogram* store_commit_;
  prometheus::Family<prometheus::Counter>* alert_changes_family_;
  absl::flat_hash_map<std::string, prometheus::Counter*> alert_changes_;
  prometheus::Family<prometheus::Counter>* breaches_family_;
  prometheus::Family<prometheus::Counter>* replies_family_;
  prometheus::Family<prometheus::Counter>* closed_family_;
  prometheus::Family<prometheus::Counter>* satisfaction_family_;
  prometheus::Family<prometheus::Counter>* reviews_family_;
  AgencyCounters breaches_, replies_, closed_, satisfaction_, reviews_;
  prometheus::Family<prometheus::Counter>* source_family_;
  absl::flat_hash_map<std::string, prometheus::Counter*> source_events_;
  prometheus::Family<prometheus::Gauge>* open_family_;
  absl::flat_hash_map<uint64_t, prometheus::Gauge*> open_;
  prometheus::Family<prometheus::Gauge>* alerts_family_;
  GaugeCache alerts_active_;
  prometheus::Family<prometheus::Gauge>*alerts_region_family_, *overdue_family_, *incidents_family_,
      *unowned_family_;
  GaugeCache alerts_region_, overdue_, incidents_, unowned_;
  prometheus::Gauge* open_total_;
  prometheus::Gauge* cases_total_;
  prometheus::Gauge* state_bytes_;
  prometheus::Gauge* bytes_per_open_case_;
  prometheus::Gauge* orphans_waiting_;
  prometheus::Gauge* thresholds_queued_;
  prometheus::Family<prometheus::Gauge>* key_cases_family_;
  prometheus::Family<prometheus::Gauge>* stability_family_;
  absl::flat_hash_map<std::string, prometheus::Gauge*> key_cases_, stability_;
  prometheus::Counter* reload_ok_;
  prometheus::Counter* reload_failed_;
  prometheus::Family<prometheus::Counter>* restart_required_;
};

}  // namespace casewatch
