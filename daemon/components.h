// The component tables, one per kind: models, feed kinds and sinks. Each row names a component,
// says what it is, decodes its config section into its own typed struct (<component>_config.h)
// and builds it from that struct plus a small context. Start-up, reload, the config decoder and
// writer (daemon/daemon_config.cc), --list-components and the documented key list are all
// derived from these tables: a new model, feed kind or sink is a new folder plus one row here.
//
// Read-only after static initialisation; start-up and reload only.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "base/zmq_curve/zap_authenticator.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "alerts/alert_json.h"
#include "alerts/alert_names.h"
#include "alerts/workflow/alert_dispatcher.h"
#include "config/component_configs.h"
#include "connectors/connector.h"
#include "connectors/feed_config.h"
#include "connectors/ingest_config.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/clocks_config.h"
#include "models/model.h"

namespace prometheus {
class Registry;
}

namespace casewatch {

class ConfigWriter;
class MapReader;

// Decodes and checks a section, read from `r`, into its struct in `out`.
using SectionDecoder = void (*)(MapReader& r, ComponentConfigs& out);
// Writes the section's keys back into the map the writer has open.
using SectionWriter = void (*)(ConfigWriter& w, const ComponentConfigs& in);

// A component's short name for people, in the languages of alerts (the console's labels).
struct ComponentLabel {
  std::string_view en;
  std::string_view zh_cn;
};

struct ModelComponent {
  std::string_view name;       // the alert's `model`; its section is models.<name>
  std::string_view alertname;  // the alert's `alertname` label (Alertmanager)
  ComponentLabel label;        // what the console calls it
  std::string_view description;
  std::string_view section;  // where its keys are (documentation)
  SectionDecoder decode;     // null: no section of its own (overdue runs the shared clocks)
  SectionWriter write;
  // The model, from its struct in `models` and the statutory clocks every model may read.
  absl::StatusOr<std::unique_ptr<Model>> (*make)(const ComponentConfigs& models,
                                                 const ClocksConfig& clocks);
};

// What a feed is built with besides its own FeedConfig.
struct FeedContext {
  const IngestConfig& ingest;
  zmq::context_t& zmq;
  const Pseudonymizer& pseudonymizer;
  ZapAuthenticator* zap = nullptr;  // the context's ZAP handler (CURVE on a bound feed needs it)
};

// A feed kind: `name` is the `kind:` of an item of `feeds`; decode, validate and write handle the
// kind's own keys (connectors/<kind>/<kind>_config.h). This table is the one place that knows the
// kinds: the `feeds` decoder is handed them (feedKinds()).
struct FeedComponent : FeedKindConfig {
  std::string_view description;
  // The connector, from the item (its own struct in `feed.own`).
  std::unique_ptr<Connector> (*make)(const FeedConfig& feed, const FeedContext& ctx);
};

// What a sink is built with besides its own struct; each sink's factory adds it to `dispatcher`
// when the configuration turns it on.
struct SinkContext {
  SinkContext(AlertDispatcher& d, AlertJsonOptions j) : dispatcher(d), json(std::move(j)) {}
  AlertDispatcher& dispatcher;
  AlertJsonOptions json;  // locale and time zone of rendered alerts
  bool live = true;       // false (replay): the sinks that publish stay off
  zmq::context_t* zmq = nullptr;
  ZapAuthenticator* zap = nullptr;           // the context's ZAP handler (a CURVE bus needs it)
  prometheus::Registry* registry = nullptr;  // null: no per-sink metrics
  std::string generator_base;                // the daemon's HTTP API base URL
  std::FILE* console = stdout;               // where the console sink prints
  bool console_color = false;
  std::string alerts_out;  // replay --alerts-out: the jsonl_file sink's path; "" = off
};

struct SinkComponent {
  std::string_view name;
  std::string_view description;
  std::string_view section;  // its map in the config; "" = keys at the top level (or none)
  SectionDecoder decode;     // null: no keys
  SectionWriter write;
  absl::Status (*attach)(const ComponentConfigs& sinks, SinkContext& ctx);
};

const std::vector<ModelComponent>& modelComponents();
const std::vector<FeedComponent>& feedComponents();
const std::vector<SinkComponent>& sinkComponents();

// The `alertname` of every model in the table, for whatever renders alert labels (silences'
// matchers, the Alertmanager sink).
AlertNames modelAlertNames();
// Builds every model in table order. Errors name the config key.
absl::StatusOr<std::vector<std::unique_ptr<Model>>> buildModels(const ComponentConfigs& models,
                                                                const ClocksConfig& clocks);
// The row of the feed kind named `kind`, or null.
const FeedComponent* feedComponent(std::string_view kind);
// The table's rows as the `feeds` decoder takes them, in table order.
const FeedKinds& feedKinds();
// Builds and adds every sink the configuration turns on, in table order.
absl::Status attachSinks(const ComponentConfigs& sinks, SinkContext& ctx);

}  // namespace casewatch
