// SIGHUP: the configuration file read again and applied to the running daemon.
//
// Order matters. Everything that can fail is built first (the file decoded and checked, the
// models, the API tokens, the sinks whose section changed), so a bad file or a model file that
// will not load changes nothing. Then the swap, which cannot fail: models (rebuilt from the case
// state and the visit log, keeping the key-case ledger's history), the workflow's policy (acks,
// silences and escalations in progress kept), the sinks (a rebuilt sink takes over what waited
// for the old one), the API's tokens, and last the feeds: a feed whose settings did not change
// keeps running and loses nothing; a changed or removed one stops (handing over what it had
// received) before its replacement binds. Long-lived state (cases, visits, the alert book, the
// journal, the store) is never rebuilt. The few keys only a restart can apply (where data lives,
// listen addresses, the pseudonymisation key) keep their running value, and each one changed is
// named in a warning and counted in casewatch_config_reload_restart_required_total{key}.
#include <spdlog/spdlog.h>

#include <optional>

#include "absl/cleanup/cleanup.h"

#include "alerts/sinks/zmq_bus/zmq_bus_config.h"
#include "base/str_cat.h"
#include "config/config_writer.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "models/escalation_risk/escalation_risk_model.h"

namespace casewatch {
namespace {

// A sink's section as text, to tell whether a reload changed it ("" when it has no keys).
std::string sectionText(const SinkComponent& s, const ComponentConfigs& sinks) {
  if (s.write == nullptr) return {};
  ConfigWriter w;
  s.write(w, sinks);
  return w.text();
}

// The connectors take the ingest limits when they are built.
bool sameFeedLimits(const IngestConfig& a, const IngestConfig& b) {
  return a.max_message_bytes == b.max_message_bytes &&
         a.dead_letter_max_bytes == b.dead_letter_max_bytes && a.max_persons == b.max_persons;
}

}  // namespace

void App::reload() {
  // The workflow stands still while a duty officer's action is committed: reload right after.
  if (action_in_flight_) {
    reload_deferred_ = true;
    return;
  }
  // systemd shows "reloading" until the next READY=1, which the readiness check sends when done
  // (whether the file was taken or refused: the daemon runs on either way).
  notifier_.reloading();
  absl::Cleanup reloaded = [this] { updateReadiness(); };
  ConfigResult r = options_.config_path.empty()
                       ? loadDefaultConfig(options_.sets)
                       : loadConfigFile(options_.config_path, options_.sets);
  auto fail = [this](const std::string& why) {
    metrics_->configReload(false);
    spdlog::error("Reload failed; the running configuration stays in force:\n{}", why);
  };
  if (!r.ok()) return fail(r.describe());
  Config next = std::move(r.config);

  // Keys only a restart applies keep their running value.
  std::vector<std::string_view> restart;
  auto keep = [&restart](std::string_view key, auto& wanted, const auto& running) {
    if (wanted == running) return;
    restart.push_back(key);
    wanted = running;
  };
  keep("data_dir", next.data_dir, config_.data_dir);
  keep("metrics.listen", next.metrics_listen, config_.metrics_listen);
  keep("http", next.http, config_.http);     // its listener
  keep("store", next.store, config_.store);  // the journal's commit settings
  keep("ha", next.ha, config_.ha);  // the election runs from start-up on the store it opened
  keep("pseudonym", next.pseudonym, config_.pseudonym);  // the key every stored id was made with
  keep("clock", next.clock, config_.clock);
  // What the journal holds: a shard's scope is where its history starts and stops; changing it is
  // a deliberate restart, logged with the new scope (state/shard_scope.h).
  keep("shard", next.shard, config_.shard);
  keep("demo", next.demo, config_.demo);
  keep("log.format", next.log_format, config_.log_format);
  if (!(next.sinks.get<ZmqBusConfig>() == config_.sinks.get<ZmqBusConfig>())) {
    restart.push_back("publish.zmq");  // the bus's bound endpoint
    next.sinks.set(config_.sinks.get<ZmqBusConfig>());
  }
  const AlertJsonOptions json = app::jsonOptions(next);
  const bool json_changed = json != app::jsonOptions(config_);
  if (json_changed && !config_.sinks.get<ZmqBusConfig>().endpoint.empty()) {
    restart.push_back("publish.zmq (locale, timezone)");  // the bus sink is not rebuilt
  }

  // Build what can fail.
  auto models = buildModels(next.models, next.clocks);
  if (!models.ok()) return fail(std::string(models.status().message()));
  std::optional<ApiAuth> auth;
  if (http_) {
    auto a = apiAuthFromConfig(next);
    if (!a.ok()) return fail(std::string(a.status().message()));
    auth = std::move(*a);
  }
  AlertDispatcher fresh(RetryPolicy{}, json);
  SinkContext ctx = sinkContext(fresh, next);
  std::vector<std::string_view> rebuilt;
  for (const SinkComponent& s : sinkComponents()) {
    if (s.name == "zmq_bus") continue;  // restart only (above)
    if (!json_changed && sectionText(s, next.sinks) == sectionText(s, config_.sinks)) continue;
    if (auto st = s.attach(next.sinks, ctx); !st.ok()) return fail(std::string(st.message()));
    rebuilt.push_back(s.name);
  }

  // Swap; nothing below fails.
  Config previous = std::exchange(config_, std::move(next));
  spdlog::set_level(spdlog::level::from_str(std::string(logLevelName(config_.log_level))));
  pipeline_->setOrphanHorizon(TimeMs{config_.ingest.orphan_horizon_hours} * kMsPerHour);
  pipeline_->setDedupWindow(TimeMs{config_.ingest.dedup_window_days} * kMsPerDay);
  pipeline_->setModels(std::move(*models));
  // A model that learns carries its rows and fit over (inherit); one that starts learning now
  // starts here.
  if (auto* m = const_cast<EscalationRiskModel*>(pipeline_->model<EscalationRiskModel>())) {
    m->startLearning();
  }
  publishLearningMetrics();
  workflow_->applyPolicy(workflowOptions(config_), pipeline_->now());

  std::vector<std::string_view> off;  // rebuilt to nothing: the section now turns it off
  for (std::string_view name : rebuilt) {
    if (!fresh.hasSink(name)) off.push_back(name);
  }
  bool state_sink = false;
  for (auto& [sink, route] : fresh.takeSinks()) {
    state_sink |= route == AlertDispatcher::Route::kState;
    const std::string name(sink->name());
    if (dispatcher_->hasSink(name)) {
      dispatcher_->replaceSink(name, std::move(sink));
    } else {
      dispatcher_->addSink(std::move(sink), route);
    }
  }
  for (std::string_view name : off) {
    if (dispatcher_->hasSink(name)) {
      const size_t dropped = dispatcher_->removeSink(name);
      spdlog::info("Reload: sink {} turned off ({} waiting change(s) dropped).", name, dropped);
    }
  }
  // A new Alertmanager starts with no state: give it every active alert.
  if (state_sink) dispatcher_->seed(workflow_->activeAlerts(), pipeline_->now(), app::steadyMs());
  if (http_) http_->reconfigure(std::move(*auth), json);
  const size_t restarted_feeds = reloadFeeds(previous);

  // Counted before the reload itself, so that whoever sees the reload counted sees these too.
  if (!restart.empty()) {
    std::string keys;
    for (std::string_view k : restart) {
      strAppend(keys, keys.empty() ? "" : ", ", k);
      metrics_->restartRequired(k);
    }
    spdlog::warn("Reload: {} changed; only a restart applies that, the running value stays.", keys);
  }
  metrics_->configReload(true);
  std::string sinks;
  for (std::string_view n : rebuilt) strAppend(sinks, sinks.empty() ? "" : ", ", n);
  spdlog::info(
      "Configuration reloaded: models rebuilt from {} cases; workflow policy applied to {} active "
      "alerts; sinks rebuilt: {}; feeds restarted: {}.",
      pipeline_->cases().size(), workflow_->activeCount(), sinks.empty() ? "none" : sinks,
      restarted_feeds);
}

size_t App::reloadFeeds(const Config& previous) {
  const bool limits_same = sameFeedLimits(previous.ingest, config_.ingest);
  std::vector<std::unique_ptr<Connector>> running(config_.feeds.size());
  // Unchanged feeds (same name, same settings) keep running: nothing they hold is lost.
  for (size_t i = 0; i < previous.feeds.size() && i < connectors_.size(); ++i) {
    for (size_t j = 0; j < config_.feeds.size(); ++j) {
      if (running[j] == nullptr && limits_same && config_.feeds[j] == previous.feeds[i]) {
        running[j] = std::move(connectors_[i]);
        break;
      }
    }
  }
  // The others stop first (handing over what they received), freeing their endpoints.
  for (auto& c : connectors_) {
    if (c == nullptr) continue;
    spdlog::info("Reload: feed {} stops.", c->name());
    c->stop();
  }
  connectors_.clear();
  size_t started = 0;
  for (size_t j = 0; j < config_.feeds.size(); ++j) {
    if (running[j] != nullptr) continue;
    auto c = startFeed(config_.feeds[j], j);
    if (!c.ok()) {
      spdlog::error("Reload: {}; the feed stays off until the next reload.", c.status().message());
      continue;
    }
    running[j] = std::move(*c);
    ++started;
  }
  for (auto& c : running) {
    if (c != nullptr) connectors_.push_back(std::move(c));
  }
  return started;
}

}  // namespace casewatch
