// Hands each recorded alert change to the sinks, each through its own retry stage
// (alerts/sinks/retry_stage.h), by route:
//   kEveryChange  every change (the ZeroMQ bus, the replay's JSON Lines file);
//   kNotify       only changes meant for people (AlertChange::notify): the console;
//   kState        every change, plus the active alerts at start-up (seed): sinks that keep the
//                 state of each alert themselves and work out what to show (Alertmanager).
// With a bus publisher set, escalations are also published on `escalation.<level>` and immediate
// notices (AlertChange::notice) on `escalation.notice`, through a retry stage of their own.
//
// Owns the sinks. Not thread-safe: called from the io_context (the App) or replay's one thread.
// deliver() never blocks for long: each sink either finishes quickly or queues (Alertmanager).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/alert_json.h"
#include "alerts/sinks/retry_stage.h"
#include "alerts/sinks/sink.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace casewatch {

class AlertDispatcher {
 public:
  enum class Route : uint8_t { kEveryChange, kNotify, kState };
  using PublishFn = std::function<SinkOutcome(std::string_view topic, std::string_view body)>;

  AlertDispatcher(RetryPolicy policy, AlertJsonOptions json);
  ~AlertDispatcher();

  Sink& addSink(std::unique_ptr<Sink> sink, Route route);
  // Reload: swaps the sink named `name` for `sink`, on the same route; the changes waiting for
  // the old one go to the new one, in order. False (nothing changed) when no sink has that name.
  bool replaceSink(std::string_view name, std::unique_ptr<Sink> sink);
  // Reload: removes the sink named `name` (its destination is no longer configured); what waited
  // for it is dropped, counted as given up, and the count returned.
  size_t removeSink(std::string_view name);
  bool hasSink(std::string_view name) const;
  // Reload: hands over every sink with its route (a dispatcher used to build sinks before they
  // are swapped into the running one). What waited for them goes with them: nothing, in practice.
  std::vector<std::pair<std::unique_ptr<Sink>, Route>> takeSinks();
  // Publishes escalations and notices on their own bus topics with `publish`.
  void setEscalationPublisher(PublishFn publish);
  // An HA pair (daemon/ha/escalation_send_log.h): `wrap` is given the publisher set above and
  // returns the one the escalation topics go through from now on. False (and `wrap` not called)
  // when there is no publisher (no bus).
  bool interposeEscalationPublisher(const std::function<PublishFn(PublishFn)>& wrap);
  // An HA pair (daemon/ha/): only the leader publishes the escalation topics. Off (a follower):
  // escalations and notices are still counted, but not published; what was waiting to be retried
  // is dropped, counted as given up, and the count returned. On by default (a lone daemon).
  size_t setPublishingEscalations(bool on);
  bool publishingEscalations() const { return publish_escalations_; }
  // Counters per sink: casewatch_sink_changes_total{sink, outcome}, casewatch_sink_queued.
  void exportMetrics(prometheus::Registry& registry);

  void deliver(const std::vector<AlertChange>& changes, int64_t now_ms);
  // One change, sent (or queued) before it returns.
  void deliverOne(const AlertChange& change, int64_t now_ms);
  // The active alerts, for the kState sinks at start-up (they begin with no state).
  void seed(const std::vector<Alert>& active, TimeMs at, int64_t now_ms);
  // Whether seed() has anyone to give the active alerts to (copying 200k of them for no one took
  // 1.8 s of a start-up at a million cases).
  bool hasStateSinks() const;
  // Retries what is waiting; returns when it next needs a call (nullopt: nothing waits).
  std::optional<int64_t> pump(int64_t now_ms);
  // Shutdown: one more attempt at everything waiting (no backoff), then each sink's flush().
  void flush(int64_t now_ms);
  void updateMetrics();

  size_t queued() const;

 private:
  void submit(const AlertChange& change);
  struct Routed;
  void hookMetrics(Routed& r);
  std::vector<std::unique_ptr<Routed>> sinks_;
  std::unique_ptr<Routed> escalations_;
  PublishFn escalation_publish_;  // as set, for interposeEscalationPublisher()
  bool publish_escalations_ = true;
  RetryPolicy policy_;
  AlertJsonOptions json_;
  // Set by exportMetrics(), so that sinks added or replaced later are counted too.
  prometheus::Family<prometheus::Counter>* changes_family_ = nullptr;
  prometheus::Family<prometheus::Gauge>* queued_family_ = nullptr;
  // Escalations and immediate notices by target (the escalation chain's targets: a fixed set
  // from the configuration).
  prometheus::Family<prometheus::Counter>* escalations_family_ = nullptr;
  std::map<std::string, prometheus::Counter*, std::less<>> escalation_counters_;
  void countEscalation(std::string_view target, std::string_view kind);
};

}  // namespace casewatch
