#include "daemon/components.h"

#include <spdlog/spdlog.h>

#include "alerts/sinks/alertmanager/alertmanager_config.h"
#include "alerts/sinks/alertmanager/alertmanager_sink.h"
#include "alerts/sinks/console/console_config.h"
#include "alerts/sinks/console/console_sink.h"
#include "alerts/sinks/jsonl_file/jsonl_file_sink.h"
#include "alerts/sinks/zmq_bus/zmq_bus_config.h"
#include "alerts/sinks/zmq_bus/zmq_bus_sink.h"
#include "base/str_cat.h"
#include "config/config_reader.h"
#include "connectors/jsonl_feed/jsonl_feed.h"
#include "connectors/jsonl_feed/jsonl_feed_config.h"
#include "connectors/zmq_feed/zmq_feed.h"
#include "connectors/zmq_feed/zmq_feed_config.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/group_incident/group_incident_model.h"
#include "models/key_case/key_case_model.h"
#include "models/overdue/overdue_model.h"
#include "models/recurring_matter/recurring_matter_model.h"
#include "models/repeat_visit/repeat_visit_model.h"
#include "models/stability/stability_model.h"

namespace casewatch {
namespace {

// Every component's config file has the same three functions, overloaded on its struct; these
// adapt them to the table's columns.
template <class C>
void decodeSection(MapReader& r, ComponentConfigs& out) {
  C c;
  decodeConfig(r, c);
  validateConfig(r.decoder(), r.path(), c);
  out.set(std::move(c));
}

template <class C>
void writeSection(ConfigWriter& w, const ComponentConfigs& in) {
  writeConfig(w, in.get<C>());
}

template <class C, auto Create>
absl::StatusOr<std::unique_ptr<Model>> makeModel(const ComponentConfigs& models,
                                                 const ClocksConfig& clocks) {
  return Create(models.get<C>(), clocks);
}

template <class C, auto Create>
ModelComponent model(std::string_view name, std::string_view alertname, ComponentLabel label,
                     std::string_view description, std::string_view section) {
  return {name,
          alertname,
          label,
          description,
          section,
          &decodeSection<C>,
          &writeSection<C>,
          &makeModel<C, Create>};
}

// The overdue model runs the shared clocks section, with its holiday calendar read here.
absl::StatusOr<std::unique_ptr<Model>> makeOverdue(const ComponentConfigs&,
                                                   const ClocksConfig& clocks) {
  std::optional<WorkCalendar> calendar;
  if (!clocks.holiday_calendar.empty()) {
    auto loaded = WorkCalendar::load(clocks.holiday_calendar);
    if (!loaded.ok()) {
      return absl::InvalidArgumentError("clocks.holiday_calendar: " +
                                        std::string(loaded.status().message()));
    }
    calendar = std::move(*loaded);
  }
  return std::unique_ptr<Model>(new OverdueModel(clocks, std::move(calendar)));
}

std::unique_ptr<Connector> makeZmqFeed(const FeedConfig& f, const FeedContext& ctx) {
  ZmqFeedOptions options;
  options.zap = ctx.zap;
  return std::make_unique<ZmqFeed>(f, f.own.get<ZmqFeedConfig>(), ctx.ingest, ctx.zmq,
                                   ctx.pseudonymizer, options);
}

std::unique_ptr<Connector> makeJsonlFeed(const FeedConfig& f, const FeedContext& ctx) {
  return std::make_unique<JsonlFeed>(f, ctx.ingest, ctx.pseudonymizer);
}

absl::Status attachConsole(const ComponentConfigs& sinks, SinkContext& ctx) {
  if (!sinks.get<ConsoleConfig>().print_alerts) return absl::OkStatus();
  ctx.dispatcher.addSink(std::make_unique<ConsoleSink>(ctx.json.locale, ctx.json.utc_offset_minutes,
                                                       ctx.console, ctx.console_color),
                         AlertDispatcher::Route::kNotify);
  return absl::OkStatus();
}

absl::Status attachZmqBus(const ComponentConfigs& sinks, SinkContext& ctx) {
  const ZmqBusConfig& c = sinks.get<ZmqBusConfig>();
  if (c.endpoint.empty() || !ctx.live) return absl::OkStatus();
  auto bus = ZmqBusSink::create(*ctx.zmq, c, ctx.zap, ctx.json);
  if (!bus.ok()) return bus.status();
  spdlog::info("Publishing alerts on {}.", (*bus)->boundEndpoint());
  ZmqBusSink* b = bus->get();
  ctx.dispatcher.addSink(std::move(*bus), AlertDispatcher::Route::kEveryChange);
  ctx.dispatcher.setEscalationPublisher(
      [b](std::string_view topic, std::string_view body) { return b->publish(topic, body); });
  return absl::OkStatus();
}

absl::Status attachAlertmanager(const ComponentConfigs& sinks, SinkContext& ctx) {
  const AlertmanagerConfig& c = sinks.get<AlertmanagerConfig>();
  if (c.urls.empty() || !ctx.live) return absl::OkStatus();
  AlertmanagerSinkOptions options =
      AlertmanagerSinkOptions::from(c, ctx.json.locale, ctx.generator_base);
  options.payload.alert_names = modelAlertNames();
  auto am = AlertmanagerSink::create(std::move(options));
  if (!am.ok()) return am.status();
  if (ctx.registry != nullptr) (*am)->exportMetrics(*ctx.registry);
  std::string urls;
  for (const std::string& u : c.urls) strAppend(urls, urls.empty() ? "" : ", ", u);
  spdlog::info("Sending alerts to Alertmanager at {}.", urls);
  ctx.dispatcher.addSink(std::move(*am), AlertDispatcher::Route::kState);
  return absl::OkStatus();
}

absl::Status attachJsonlFile(const ComponentConfigs&, SinkContext& ctx) {
  if (ctx.alerts_out.empty()) return absl::OkStatus();
  auto sink = JsonlFileSink::open(ctx.alerts_out, ctx.json);
  if (!sink.ok())
    return absl::Status(sink.status().code(), strCat("--alerts-out: ", sink.status().message()));
  ctx.dispatcher.addSink(std::move(*sink), AlertDispatcher::Route::kEveryChange);
  return absl::OkStatus();
}

}  // namespace

const std::vector<ModelComponent>& modelComponents() {
  static const std::vector<ModelComponent> kModels = {
      {"overdue",
       "CaseOverdue",
       {"Deadline", "办理时限"},
       "statutory stage clocks: warns before and after a deadline",
       "clocks",
       nullptr,
       nullptr,
       &makeOverdue},
      model<RepeatVisitConfig, &RepeatVisitModel::create>(
          "repeat_visit", "RepeatVisit", {"Repeat visits", "重复信访"},
          "persons and matters that keep coming back", "models.repeat_visit"),
      model<GroupIncidentConfig, &GroupIncidentModel::create>(
          "group_incident", "GroupIncident", {"Collective petition", "集体访"},
          "collective petitions (EARS, CUSUM)", "models.group_incident"),
      model<RecurringMatterConfig, &RecurringMatterModel::create>(
          "recurring_matter", "RecurringMatter", {"Recurring matter", "事项反复信访"},
          "matters that keep drawing contacts from anyone (negative binomial)",
          "models.recurring_matter"),
      model<EscalationRiskConfig, &EscalationRiskModel::create>(
          "escalation_risk", "EscalationRisk", {"Escalation risk", "越级风险"},
          "P(a case is taken to a higher level), logistic regression", "models.escalation_risk"),
      // key_case and stability build on the signals of the models above (Model::onSignal):
      // they come after them, so that a reload rebuilds those first.
      model<KeyCaseConfig, &KeyCaseModel::create>("key_case", "KeyCase", {"Key case", "重点案件"},
                                                  "the key-case ledger (台账) and its owners",
                                                  "models.key_case"),
      model<StabilityConfig, &StabilityModel::create>(
          "stability", "RegionalStability", {"Stability", "稳定风险"},
          "per-region stability index from all alerts", "models.stability"),
  };
  return kModels;
}

const std::vector<FeedComponent>& feedComponents() {
  static const std::vector<FeedComponent> kFeeds = {
      // The first row is the kind of an item without `kind:`.
      {{"zmq_pull", &decodeZmqPullFeed, &validateZmqFeed, &writeZmqFeed},
       "ZeroMQ PULL socket (bind or connect)",
       &makeZmqFeed},
      {{"zmq_sub", &decodeZmqSubFeed, &validateZmqFeed, &writeZmqFeed},
       "ZeroMQ SUB socket with topic prefixes",
       &makeZmqFeed},
      {{"jsonl", &decodeJsonlFeed, nullptr, nullptr},
       "JSON Lines file or standard input, read to its end",
       &makeJsonlFeed},
  };
  return kFeeds;
}

const std::vector<SinkComponent>& sinkComponents() {
  static const std::vector<SinkComponent> kSinks = {
      {"console", "each alert change readably on stdout (print_alerts)", "",
       &decodeSection<ConsoleConfig>, &writeSection<ConsoleConfig>, &attachConsole},
      {"zmq_bus", "every alert change on a ZeroMQ PUB socket (publish.zmq)", "publish",
       &decodeSection<ZmqBusConfig>, &writeSection<ZmqBusConfig>, &attachZmqBus},
      {"alertmanager", "Prometheus Alertmanager API v2 nodes", "alertmanager",
       &decodeSection<AlertmanagerConfig>, &writeSection<AlertmanagerConfig>, &attachAlertmanager},
      {"jsonl_file", "every alert change as a JSON line (replay --alerts-out)", "", nullptr,
       nullptr, &attachJsonlFile},
  };
  return kSinks;
}

AlertNames modelAlertNames() {
  AlertNames::Map names;
  for (const ModelComponent& m : modelComponents()) names.emplace(m.name, m.alertname);
  return AlertNames(std::move(names));
}

absl::StatusOr<std::vector<std::unique_ptr<Model>>> buildModels(const ComponentConfigs& models,
                                                                const ClocksConfig& clocks) {
  std::vector<std::unique_ptr<Model>> built;
  for (const ModelComponent& c : modelComponents()) {
    auto m = c.make(models, clocks);
    if (!m.ok()) return m.status();
    built.push_back(std::move(*m));
  }
  return built;
}

const FeedComponent* feedComponent(std::string_view kind) {
  for (const FeedComponent& f : feedComponents()) {
    if (f.name == kind) return &f;
  }
  return nullptr;
}

const FeedKinds& feedKinds() {
  static const FeedKinds kKinds = [] {
    FeedKinds kinds;
    for (const FeedComponent& f : feedComponents()) kinds.push_back(&f);
    return kinds;
  }();
  return kKinds;
}

absl::Status attachSinks(const ComponentConfigs& sinks, SinkContext& ctx) {
  for (const SinkComponent& s : sinkComponents()) {
    if (auto status = s.attach(sinks, ctx); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace casewatch
