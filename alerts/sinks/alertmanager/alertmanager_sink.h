// Sends alerts to Prometheus Alertmanager (API v2, POST /api/v2/alerts), to every configured node
// (Alertmanager HA nodes do not share alerts: a sender must post to each, as Prometheus does).
//
// Alertmanager keeps state, not a log: what matters is each alert's latest state. So the sink
// keeps the latest state of every alert it has shown, and per node a retry stage that coalesces
// by alert (alerts/sinks/retry_stage.h): a node that is down is retried with exponential backoff
// and, when it comes back, gets each alert's latest state once — nothing lost, nothing twice.
// Active alerts are re-sent every resend interval so that they do not time out there (and so that
// a restarted Alertmanager, which forgets alerts, learns them again); an alert that ended is
// re-sent for 15 minutes more, as Prometheus does. An alert's labels are its identity there: when
// they change (a new tier, a new group), the old label set is ended.
//
// Threads: deliver() is called on the daemon's io_context and only hands the change over (a
// mutex-guarded queue); all HTTP happens on the sink's own thread with a blocking client.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "alerts/sinks/alertmanager/alertmanager_config.h"
#include "alerts/sinks/alertmanager/alertmanager_payload.h"
#include "alerts/sinks/retry_stage.h"
#include "alerts/sinks/sink.h"
#include "base/clock.h"

namespace prometheus {
class Registry;
}

namespace casewatch {

struct AlertmanagerSinkOptions {
  std::vector<std::string> urls;
  TimeMs resend_interval_ms = 60000;
  std::chrono::milliseconds timeout{5000};
  RetryPolicy retry;
  size_t max_batch = 500;                      // alerts per request
  TimeMs ended_resend_ms = 15 * kMsPerMinute;  // keep re-sending an ended alert this long
  AlertmanagerPayloadOptions payload;          // generatorURL base, locale
  const Clock* wall = nullptr;                 // null: the system clock
  // From `alertmanager:`; `locale` of the summaries; `generator_base` is the daemon's HTTP API
  // base URL.
  static AlertmanagerSinkOptions from(const AlertmanagerConfig& am, std::string locale,
                                      std::string generator_base);
};

class AlertmanagerSink final : public Sink {
 public:
  // Parses the URLs (InvalidArgument naming a bad one) and starts the sink's thread.
  static absl::StatusOr<std::unique_ptr<AlertmanagerSink>> create(AlertmanagerSinkOptions options);
  ~AlertmanagerSink() override;  // stop(): one last attempt at what waits, then the thread ends

  std::string_view name() const override { return "alertmanager"; }
  // Hands the change to the sink's thread; kRetryLater only if its queue is full.
  SinkOutcome deliver(const AlertChange& change) override;
  // casewatch_alertmanager_requests_total{node, outcome}, casewatch_alertmanager_queued{node}.
  void exportMetrics(prometheus::Registry& registry);
  void stop();

  struct Stats {
    std::atomic<uint64_t> requests_ok{0};
    std::atomic<uint64_t> requests_failed{0};  // transport errors and 5xx: retried
    std::atomic<uint64_t> alerts_rejected{0};  // refused by Alertmanager (4xx): dropped
    std::atomic<uint64_t> alerts_posted{0};
    std::atomic<uint64_t> tracked{0};  // alerts whose state the sink keeps
    std::atomic<uint64_t> waiting{0};  // alert states waiting for some node
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Node;
  class NodeSink;
  struct Tracked {
    AlertChange last;  // the latest state under labels_key
    std::string labels_key;
    bool shown = false;   // sent as active under labels_key
    TimeMs ended_at = 0;  // wall time it stopped being active there; 0 = active (or never)
  };

  explicit AlertmanagerSink(AlertmanagerSinkOptions options);
  void run();
  void process(const AlertChange& change, TimeMs now);
  void resend(TimeMs now);
  void submit(const AlertChange& change);
  static int64_t steadyMs();

  AlertmanagerSinkOptions options_;
  const Clock* wall_;
  std::vector<std::unique_ptr<Node>> nodes_;
  absl::flat_hash_map<std::string, Tracked> tracked_;  // sink thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AlertChange> inbox_;
  bool stopping_ = false;
  std::thread thread_;
  Stats stats_;
};

}  // namespace casewatch
