#include "alerts/workflow/alert_dispatcher.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "base/str_cat.h"

namespace casewatch {
namespace {

// Escalations and notices on their own bus topics (shared/contracts/alerts.md).
class EscalationTopicSink final : public Sink {
 public:
  EscalationTopicSink(AlertDispatcher::PublishFn publish, AlertJsonOptions json)
      : publish_(std::move(publish)), json_(std::move(json)) {}
  std::string_view name() const override { return "escalation_topics"; }
  SinkOutcome deliver(const AlertChange& c) override {
    const bool escalated = c.kind == ChangeKind::kEscalated && c.alert.escalation;
    if (!escalated && c.notice.empty()) return SinkOutcome::kDelivered;
    std::string body = alertChangeToJson(c, json_);
    if (escalated) {
      const SinkOutcome o = publish_(strCat("escalation.", c.alert.escalation->level), body);
      if (o != SinkOutcome::kDelivered) return o;
    }
    if (!c.notice.empty()) {
      // The alert with `notice: {targets, at}` added (the body is a JSON object).
      nlohmann::json targets = nlohmann::json::array();
      for (size_t start = 0; start <= c.notice.size();) {
        size_t comma = c.notice.find(',', start);
        if (comma == std::string::npos) comma = c.notice.size();
        targets.push_back(c.notice.substr(start, comma - start));
        start = comma + 1;
      }
      const nlohmann::json notice = {{"targets", std::move(targets)},
                                     {"at", formatRfc3339(c.at, json_.utc_offset_minutes)}};
      body.pop_back();
      strAppend(body, ",\"notice\":", notice.dump(), "}");
      return publish_("escalation.notice", body);
    }
    return SinkOutcome::kDelivered;
  }

 private:
  AlertDispatcher::PublishFn publish_;
  AlertJsonOptions json_;
};

}  // namespace

struct AlertDispatcher::Routed {
  std::unique_ptr<Sink> sink;
  Route route;
  RetryStage stage;
  uint64_t warned_retries = 0;
  RetryStats reported;  // what the metrics have been told so far
  prometheus::Counter* delivered = nullptr;
  prometheus::Counter* retried = nullptr;
  prometheus::Counter* given_up = nullptr;
  prometheus::Counter* overflowed = nullptr;
  prometheus::Gauge* queued = nullptr;

  Routed(std::unique_ptr<Sink> s, Route r, RetryStage::Options o)
      : sink(std::move(s)), route(r), stage(*sink, std::move(o)) {}
  bool wants(const AlertChange& c) const { return route != Route::kNotify || c.notify; }
};

AlertDispatcher::AlertDispatcher(RetryPolicy policy, AlertJsonOptions json)
    : policy_(policy), json_(std::move(json)) {}

AlertDispatcher::~AlertDispatcher() = default;

Sink& AlertDispatcher::addSink(std::unique_ptr<Sink> sink, Route route) {
  RetryStage::Options o;
  o.policy = policy_;
  o.jitter_seed = sinks_.size() + 1;
  sinks_.push_back(std::make_unique<Routed>(std::move(sink), route, std::move(o)));
  return *sinks_.back()->sink;
}

void AlertDispatcher::setEscalationPublisher(PublishFn publish) {
  escalation_publish_ = publish;
  RetryStage::Options o;
  o.policy = policy_;
  escalations_ =
      std::make_unique<Routed>(std::make_unique<EscalationTopicSink>(std::move(publish), json_),
                               Route::kEveryChange, std::move(o));
}

bool AlertDispatcher::interposeEscalationPublisher(
    const std::function<PublishFn(PublishFn)>& wrap) {
  if (!escalation_publish_ || !escalations_) return false;
  RetryStage::Options o;
  o.policy = policy_;
  escalations_ = std::make_unique<Routed>(
      std::make_unique<EscalationTopicSink>(wrap(escalation_publish_), json_), Route::kEveryChange,
      std::move(o));
  hookMetrics(*escalations_);
  return true;
}

size_t AlertDispatcher::setPublishingEscalations(bool on) {
  publish_escalations_ = on;
  if (on || !escalations_) return 0;
  updateMetrics();
  const size_t dropped = escalations_->stage.takeWaiting().size();
  if (escalations_->given_up != nullptr) {
    escalations_->given_up->Increment(static_cast<double>(dropped));
  }
  if (escalations_->queued != nullptr) escalations_->queued->Set(0);
  return dropped;
}

void AlertDispatcher::exportMetrics(prometheus::Registry& registry) {
  auto& changes = prometheus::BuildCounter()
                      .Name("casewatch_sink_changes_total")
                      .Help(
                          "Alert changes per sink by outcome: delivered, retried (a failed "
                          "attempt that will be retried), given_up, overflowed (dropped: queue "
                          "full)")
                      .Register(registry);
  auto& queued = prometheus::BuildGauge()
                     .Name("casewatch_sink_queued")
                     .Help("Alert changes waiting for a sink (being retried)")
                     .Register(registry);
  changes_family_ = &changes;
  queued_family_ = &queued;
  escalations_family_ = &prometheus::BuildCounter()
                             .Name("casewatch_alert_escalations_total")
                             .Help(
                                 "Alerts escalated up the chain (kind=escalated) or announced at "
                                 "once (kind=notice, e.g. to leadership when an alert turns red), "
                                 "by target")
                             .Register(registry);
  for (auto& r : sinks_) hookMetrics(*r);
  if (escalations_) hookMetrics(*escalations_);
}

void AlertDispatcher::hookMetrics(Routed& r) {
  if (changes_family_ == nullptr) return;
  // The same labels give the same series: a replaced sink goes on counting where the old one was.
  const std::string name(r.sink->name());
  r.delivered = &changes_family_->Add({{"sink", name}, {"outcome", "delivered"}});
  r.retried = &changes_family_->Add({{"sink", name}, {"outcome", "retried"}});
  r.given_up = &changes_family_->Add({{"sink", name}, {"outcome", "given_up"}});
  r.overflowed = &changes_family_->Add({{"sink", name}, {"outcome", "overflowed"}});
  r.queued = &queued_family_->Add({{"sink", name}});
}

bool AlertDispatcher::hasSink(std::string_view name) const {
  for (const auto& r : sinks_) {
    if (r->sink->name() == name) return true;
  }
  return false;
}

std::vector<std::pair<std::unique_ptr<Sink>, AlertDispatcher::Route>> AlertDispatcher::takeSinks() {
  std::vector<std::pair<std::unique_ptr<Sink>, Route>> out;
  for (auto& r : sinks_) out.emplace_back(std::move(r->sink), r->route);
  sinks_.clear();  // each stage referred to its sink, now moved out: the stages go too
  return out;
}

bool AlertDispatcher::replaceSink(std::string_view name, std::unique_ptr<Sink> sink) {
  for (auto& r : sinks_) {
    if (r->sink->name() != name) continue;
    updateMetrics();  // the old stage's last figures, before it goes
    RetryStage::Options o;
    o.policy = policy_;
    o.jitter_seed = static_cast<uint64_t>(&r - sinks_.data()) + 1;
    auto fresh = std::make_unique<Routed>(std::move(sink), r->route, std::move(o));
    for (AlertChange& c : r->stage.takeWaiting()) fresh->stage.submit(c);
    hookMetrics(*fresh);
    r = std::move(fresh);
    return true;
  }
  return false;
}

size_t AlertDispatcher::removeSink(std::string_view name) {
  for (auto it = sinks_.begin(); it != sinks_.end(); ++it) {
    if ((*it)->sink->name() != name) continue;
    updateMetrics();
    const size_t dropped = (*it)->stage.takeWaiting().size();
    if ((*it)->given_up != nullptr) (*it)->given_up->Increment(static_cast<double>(dropped));
    if ((*it)->queued != nullptr) (*it)->queued->Set(0);
    sinks_.erase(it);
    return dropped;
  }
  return 0;
}

void AlertDispatcher::updateMetrics() {
  auto update = [](Routed& r) {
    if (r.delivered == nullptr) return;
    const RetryStats& s = r.stage.stats();
    r.delivered->Increment(static_cast<double>(s.delivered - r.reported.delivered));
    r.retried->Increment(static_cast<double>(s.retries - r.reported.retries));
    r.given_up->Increment(static_cast<double>(s.given_up - r.reported.given_up));
    r.overflowed->Increment(static_cast<double>(s.overflowed - r.reported.overflowed));
    r.queued->Set(static_cast<double>(r.stage.queued()));
    r.reported = s;
  };
  for (auto& r : sinks_) update(*r);
  if (escalations_) update(*escalations_);
}

void AlertDispatcher::deliver(const std::vector<AlertChange>& changes, int64_t now_ms) {
  for (const AlertChange& c : changes) submit(c);
  pump(now_ms);
}

void AlertDispatcher::deliverOne(const AlertChange& change, int64_t now_ms) {
  submit(change);
  pump(now_ms);
}

void AlertDispatcher::countEscalation(std::string_view target, std::string_view kind) {
  if (escalations_family_ == nullptr || target.empty()) return;
  const std::string key = strCat(kind, "/", target);
  auto it = escalation_counters_.find(key);
  if (it == escalation_counters_.end()) {
    it = escalation_counters_
             .emplace(key, &escalations_family_->Add(
                               {{"target", std::string(target)}, {"kind", std::string(kind)}}))
             .first;
  }
  it->second->Increment();
}

void AlertDispatcher::submit(const AlertChange& c) {
  if (c.kind == ChangeKind::kEscalated && c.alert.escalation) {
    countEscalation(c.alert.escalation->target, "escalated");
  }
  for (size_t start = 0; start < c.notice.size();) {
    size_t comma = c.notice.find(',', start);
    if (comma == std::string::npos) comma = c.notice.size();
    countEscalation(std::string_view(c.notice).substr(start, comma - start), "notice");
    start = comma + 1;
  }
  for (auto& r : sinks_) {
    if (r->wants(c)) r->stage.submit(c);
  }
  if (escalations_ && publish_escalations_ &&
      (c.kind == ChangeKind::kEscalated || !c.notice.empty())) {
    escalations_->stage.submit(c);
  }
}

bool AlertDispatcher::hasStateSinks() const {
  for (const auto& r : sinks_) {
    if (r->route == Route::kState) return true;
  }
  return false;
}

void AlertDispatcher::seed(const std::vector<Alert>& active, TimeMs at, int64_t now_ms) {
  for (auto& r : sinks_) {
    if (r->route != Route::kState) continue;
    for (const Alert& a : active) {
      AlertChange c;
      c.alert = a;
      c.kind = ChangeKind::kUpdated;
      c.note = "active at start-up";
      c.at = at;
      r->stage.submit(c);
    }
  }
  pump(now_ms);
}

std::optional<int64_t> AlertDispatcher::pump(int64_t now_ms) {
  std::optional<int64_t> next;
  auto one = [&](Routed& r) {
    const uint64_t given_up = r.stage.stats().given_up;
    const auto n = r.stage.pump(now_ms);
    if (r.stage.stats().given_up != given_up) {
      spdlog::error("Sink {} gave up on {} alert change(s).", r.sink->name(),
                    r.stage.stats().given_up - given_up);
    }
    // One warning per run of failures, not per attempt.
    if (n && r.stage.stats().retries > r.warned_retries && r.stage.queued() > 0 &&
        r.warned_retries == 0) {
      spdlog::warn("Sink {} is not taking alert changes; {} waiting, retrying with backoff.",
                   r.sink->name(), r.stage.queued());
      r.warned_retries = r.stage.stats().retries;
    }
    if (!n && r.warned_retries != 0) {
      spdlog::warn("Sink {} recovered; every waiting alert change delivered.", r.sink->name());
      r.warned_retries = 0;
    }
    if (n) next = next ? std::min(*next, *n) : *n;
  };
  for (auto& r : sinks_) one(*r);
  if (escalations_) one(*escalations_);
  return next;
}

void AlertDispatcher::flush(int64_t now_ms) {
  for (auto& r : sinks_) r->stage.drain(now_ms, 1);
  if (escalations_) escalations_->stage.drain(now_ms, 1);
  for (auto& r : sinks_) r->sink->flush();
  updateMetrics();
}

size_t AlertDispatcher::queued() const {
  size_t n = escalations_ ? escalations_->stage.queued() : 0;
  for (const auto& r : sinks_) n += r->stage.queued();
  return n;
}

}  // namespace casewatch
