#include "alerts/sinks/alertmanager/alertmanager_sink.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "alerts/sinks/alertmanager/http_client.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr size_t kMaxInbox = 100000;
constexpr char kRetiredSeparator = '\x1d';

const SystemClock& systemClock() {
  static const SystemClock clock;
  return clock;
}

std::string coalesceKey(const AlertChange& c, const AlertNames& names) {
  return strCat(c.alert.alert_id, kRetiredSeparator,
                labelSetKey(alertmanagerLabels(c.alert, names)));
}

}  // namespace

AlertmanagerSinkOptions AlertmanagerSinkOptions::from(const AlertmanagerConfig& am,
                                                      std::string locale,
                                                      std::string generator_base) {
  AlertmanagerSinkOptions o;
  o.urls = am.urls;
  o.resend_interval_ms = TimeMs{am.resend_interval_seconds} * kMsPerSecond;
  o.timeout = std::chrono::milliseconds(am.timeout_ms);
  o.retry.initial_backoff_ms = am.retry_initial_ms;
  o.retry.max_backoff_ms = am.retry_max_ms;
  o.payload.generator_base = std::move(generator_base);
  o.payload.locale = std::move(locale);
  o.payload.resend_interval_ms = o.resend_interval_ms;
  return o;
}

// One Alertmanager node: a BatchSink over the HTTP client, behind its own retry stage.
class AlertmanagerSink::NodeSink final : public BatchSink {
 public:
  NodeSink(AlertmanagerSink& owner, HttpUrl url, size_t index, std::string shown_url)
      : owner_(owner),
        client_(std::move(url), owner.options_.timeout),
        index_(index),
        shown_url_(std::move(shown_url)) {}
  std::string_view name() const override { return "alertmanager"; }

  SinkOutcome deliverBatch(std::span<const AlertChange* const> changes) override {
    const SinkOutcome o = post(changes);
    if (o == SinkOutcome::kRetryLater) {
      if (!down_) {
        spdlog::warn("Alertmanager {} is not taking alerts ({}); retrying with backoff.",
                     shown_url_, last_error_);
        down_ = true;
      }
    } else if (down_) {
      spdlog::warn("Alertmanager {} is taking alerts again.", shown_url_);
      down_ = false;
    }
    return o;
  }

  prometheus::Counter* ok = nullptr;
  prometheus::Counter* failed = nullptr;
  prometheus::Counter* rejected = nullptr;
  prometheus::Gauge* queued = nullptr;

 private:
  SinkOutcome post(std::span<const AlertChange* const> changes) {
    const TimeMs now = owner_.wall_->now();
    auto r =
        client_.post("/api/v2/alerts", alertmanagerBody(changes, owner_.options_.payload, now));
    if (!r.ok()) {
      last_error_ = std::string(r.status().message());
      return failure();
    }
    if (r->status >= 200 && r->status < 300) {
      ++owner_.stats_.requests_ok;
      owner_.stats_.alerts_posted += changes.size();
      if (ok) ok->Increment();
      return SinkOutcome::kDelivered;
    }
    if (r->status >= 500 || r->status == 429 || r->status == 408) {
      last_error_ = strCat("HTTP ", r->status, ": ", r->body.substr(0, 200));
      return failure();
    }
    // Refused: a malformed alert. With a batch, find the culprit so that the others get through.
    if (changes.size() > 1) {
      for (const AlertChange* c : changes) {
        const SinkOutcome one = post({&c, 1});
        if (one == SinkOutcome::kRetryLater) return one;  // re-posting the rest is harmless
      }
      return SinkOutcome::kDelivered;
    }
    spdlog::error("Alertmanager {} refused alert {} (HTTP {}): {}", shown_url_,
                  changes.front()->alert.alert_id, r->status, r->body.substr(0, 500));
    ++owner_.stats_.alerts_rejected;
    if (rejected) rejected->Increment();
    return SinkOutcome::kGiveUp;
  }
  SinkOutcome failure() {
    ++owner_.stats_.requests_failed;
    if (failed) failed->Increment();
    return SinkOutcome::kRetryLater;
  }

  AlertmanagerSink& owner_;
  HttpClient client_;
  size_t index_;
  std::string shown_url_;
  bool down_ = false;
  std::string last_error_;
};

struct AlertmanagerSink::Node {
  NodeSink sink;
  RetryStage stage;
  Node(AlertmanagerSink& owner, HttpUrl url, size_t index, std::string shown, RetryStage::Options o)
      : sink(owner, std::move(url), index, std::move(shown)), stage(sink, std::move(o)) {}
};

absl::StatusOr<std::unique_ptr<AlertmanagerSink>> AlertmanagerSink::create(
    AlertmanagerSinkOptions options) {
  std::vector<HttpUrl> urls;
  for (size_t i = 0; i < options.urls.size(); ++i) {
    auto u = HttpUrl::parse(options.urls[i]);
    if (!u.ok()) {
      return absl::InvalidArgumentError(
          strCat("alertmanager.urls[", i, "]: ", u.status().message()));
    }
    urls.push_back(std::move(*u));
  }
  std::unique_ptr<AlertmanagerSink> sink(new AlertmanagerSink(std::move(options)));
  for (size_t i = 0; i < urls.size(); ++i) {
    RetryStage::Options o;
    o.policy = sink->options_.retry;
    o.max_batch = sink->options_.max_batch;
    o.max_queue = 1000000;  // coalesced: bounded by the number of alerts
    o.coalesce_key = [names = sink->options_.payload.alert_names](const AlertChange& c) {
      return coalesceKey(c, names);
    };
    o.jitter_seed = i + 1;
    sink->nodes_.push_back(
        std::make_unique<Node>(*sink, std::move(urls[i]), i, sink->options_.urls[i], std::move(o)));
  }
  sink->thread_ = std::thread([s = sink.get()] { s->run(); });
  return sink;
}

AlertmanagerSink::AlertmanagerSink(AlertmanagerSinkOptions options)
    : options_(std::move(options)), wall_(options_.wall ? options_.wall : &systemClock()) {}

AlertmanagerSink::~AlertmanagerSink() {
  stop();
}

void AlertmanagerSink::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertmanagerSink::exportMetrics(prometheus::Registry& registry) {
  auto& requests = prometheus::BuildCounter()
                       .Name("casewatch_alertmanager_requests_total")
                       .Help(
                           "Requests to each Alertmanager node (by its index in "
                           "alertmanager.urls): ok, failed (retried), rejected (alerts refused)")
                       .Register(registry);
  auto& queued = prometheus::BuildGauge()
                     .Name("casewatch_alertmanager_queued")
                     .Help("Alert states waiting for an Alertmanager node")
                     .Register(registry);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const std::string node = std::to_string(i);
    NodeSink& s = nodes_[i]->sink;
    s.queued = &queued.Add({{"node", node}});
    s.rejected = &requests.Add({{"node", node}, {"outcome", "rejected"}});
    s.failed = &requests.Add({{"node", node}, {"outcome", "failed"}});
    s.ok = &requests.Add({{"node", node}, {"outcome", "ok"}});
  }
}

SinkOutcome AlertmanagerSink::deliver(const AlertChange& change) {
  {
    std::lock_guard lock(mu_);
    if (inbox_.size() >= kMaxInbox) return SinkOutcome::kRetryLater;
    inbox_.push_back(change);
  }
  cv_.notify_one();
  return SinkOutcome::kDelivered;
}

int64_t AlertmanagerSink::steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void AlertmanagerSink::submit(const AlertChange& change) {
  for (auto& n : nodes_) n->stage.submit(change);
}

void AlertmanagerSink::process(const AlertChange& change, TimeMs now) {
  const Alert& a = change.alert;
  std::string key = labelSetKey(alertmanagerLabels(a, options_.payload.alert_names));
  const bool active = alertmanagerActive(a);
  Tracked& t = tracked_[a.alert_id];
  if (t.shown && !t.labels_key.empty() && t.labels_key != key) {
    // New labels make a new alert there: end the one under the old labels.
    Tracked old = t;
    old.last.alert.status = AlertStatus::kResolved;
    old.last.alert.updated_at = a.updated_at;
    old.ended_at = now;
    submit(old.last);
    std::string retired = strCat(a.alert_id, kRetiredSeparator, t.labels_key);
    t.shown = false;
    tracked_.insert_or_assign(std::move(retired), std::move(old));
  }
  // Back under labels it had before: that label set is no longer an ended one.
  tracked_.erase(strCat(a.alert_id, kRetiredSeparator, key));
  Tracked& cur = tracked_[a.alert_id];  // the insertions above may have moved it
  cur.last = change;
  cur.labels_key = std::move(key);
  if (active) {
    cur.shown = true;
    cur.ended_at = 0;
    submit(cur.last);
  } else if (cur.shown) {
    if (cur.ended_at == 0) cur.ended_at = now;
    submit(cur.last);
  } else if (!a.active()) {
    tracked_.erase(a.alert_id);  // resolved without ever being shown there
  }
}

void AlertmanagerSink::resend(TimeMs now) {
  std::vector<std::string> forget;
  for (auto& [id, t] : tracked_) {
    if (!t.shown) continue;
    if (t.ended_at == 0) {
      submit(t.last);
    } else if (now - t.ended_at < options_.ended_resend_ms) {
      submit(t.last);
    } else if (!t.last.alert.active() || id.find(kRetiredSeparator) != std::string::npos) {
      forget.push_back(id);
    } else {
      t.shown = false;  // silenced or inhibited for long: ended there for good, until it is back
    }
  }
  for (const std::string& id : forget) tracked_.erase(id);
}

void AlertmanagerSink::run() {
  int64_t next_resend = steadyMs() + options_.resend_interval_ms;
  int64_t next_attempt = std::numeric_limits<int64_t>::max();  // a node's backoff ends
  std::unique_lock lock(mu_);
  while (true) {
    const int64_t deadline = std::min(next_resend, next_attempt);
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, deadline - steadyMs())),
                 [&] { return stopping_ || !inbox_.empty(); });
    std::vector<AlertChange> batch = std::exchange(inbox_, {});
    const bool stop = stopping_;
    lock.unlock();

    const TimeMs wall_now = wall_->now();
    for (const AlertChange& c : batch) process(c, wall_now);
    int64_t now = steadyMs();
    if (now >= next_resend) {
      resend(wall_now);
      next_resend = now + options_.resend_interval_ms;
    }
    next_attempt = std::numeric_limits<int64_t>::max();
    uint64_t waiting = 0;
    for (auto& n : nodes_) {
      if (stop) {
        n->stage.drain(now, 1);  // one last try, without waiting out a backoff
      } else if (auto next = n->stage.pump(steadyMs())) {
        next_attempt = std::min(next_attempt, *next);
      }
      waiting = std::max<uint64_t>(waiting, n->stage.queued());
      if (n->sink.queued) n->sink.queued->Set(static_cast<double>(n->stage.queued()));
    }
    stats_.waiting = waiting;
    stats_.tracked = tracked_.size();
    lock.lock();
    if (stop && inbox_.empty()) break;
  }
  uint64_t lost = 0;
  for (auto& n : nodes_) lost = std::max<uint64_t>(lost, n->stage.queued());
  if (lost > 0) {
    spdlog::warn(
        "Stopping with {} alert state(s) not delivered to every Alertmanager node; they "
        "are sent again at the next start (active alerts) or lapse there.",
        lost);
  }
}

}  // namespace casewatch
