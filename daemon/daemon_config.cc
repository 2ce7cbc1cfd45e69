#include "daemon/daemon_config.h"

#include "alerts/workflow/alert_workflow.h"
#include "config/config_reader.h"
#include "config/config_writer.h"
#include "daemon/components.h"

namespace casewatch {
namespace {

// A fixed section: its map under `key`, decoded and checked by its owner.
template <class C>
void decodeSection(MapReader& r, std::string_view key, C& c) {
  if (const ConfigNode* n = r.take(key)) {
    MapReader section(r.decoder(), *n, r.pathOf(key));
    decodeConfig(section, c);
  }
}

template <class C>
void writeSection(ConfigWriter& w, std::string_view key, const C& c) {
  w.beginMap(key);
  writeConfig(w, c);
  w.endMap();
}

}  // namespace

void decodeConfig(ConfigDecoder& d, const ConfigNode& root, Config& c) {
  {
    MapReader r(d, root, "");
    decodeConfig(r, static_cast<TopLevelConfig&>(c));
    if (const ConfigNode* n = r.take("feeds")) decodeFeeds(d, *n, "feeds", feedKinds(), c.feeds);
    for (const SinkComponent& s : sinkComponents()) {
      if (s.decode == nullptr) continue;
      if (s.section.empty()) {
        s.decode(r, c.sinks);
      } else if (const ConfigNode* n = r.take(s.section)) {
        MapReader section(d, *n, r.pathOf(s.section));
        s.decode(section, c.sinks);
      }
    }
    decodeSection(r, "pseudonym", c.pseudonym);
    decodeSection(r, "ingest", c.ingest);
    decodeSection(r, "shard", c.shard);
    decodeSection(r, "clocks", c.clocks);
    decodeSection(r, "store", c.store);
    decodeSection(r, "ha", c.ha);
    decodeSection(r, "snapshot", c.snapshot);
    decodeSection(r, "retention", c.retention);
    decodeSection(r, "http", c.http);
    decodeSection(r, "auth", c.auth);
    decodeSection(r, "workflow", c.workflow);
    decodeSection(r, "escalation", c.escalation);
    decodeSection(r, "grouping", c.grouping);
    decodeSection(r, "inhibition", c.inhibition);
    if (const ConfigNode* n = r.take("models")) {
      MapReader models(d, *n, "models");
      for (const ModelComponent& m : modelComponents()) {
        if (m.decode == nullptr) continue;
        if (const ConfigNode* section = models.take(m.name)) {
          MapReader s(d, *section, models.pathOf(m.name));
          m.decode(s, c.models);
        }
      }
    }
  }  // unknown keys are reported here, before the checks across keys
  validateConfig(d, "", static_cast<TopLevelConfig&>(c));
  validateFeeds(d, "feeds", feedKinds(), c.feeds);
  validateConfig(d, "clocks", c.clocks);
  validateConfig(d, "workflow", c.workflow);
  validateConfig(d, "escalation", c.escalation);
  validateConfig(d, "grouping", c.grouping);
  validateConfig(d, "inhibition", c.inhibition);
  validateConfig(d, "http", c.http);
  validateConfig(d, "auth", c.auth);
  validateConfig(d, "pseudonym", c.pseudonym);
  validateConfig(d, "ingest", c.ingest);
  validateConfig(d, "shard", c.shard);
  validateConfig(d, "store", c.store);
  validateConfig(d, "ha", c.ha);
  // The pair shares its alerts, acks and escalation progress, and elects its leader, through
  // PostgreSQL; two replicas each on its own SQLite file would both send every notice.
  if (c.ha.enabled && c.store.alert_store.kind != StoreKind::kPostgresql) {
    d.invalid("ha.enabled",
              "requires store.kind: postgresql (the pair's shared store and leader lock)");
  }
  validateConfig(d, "snapshot", c.snapshot);
  validateConfig(d, "retention", c.retention);
}

WorkflowOptions workflowOptions(const Config& c) {
  return WorkflowOptions{c.workflow, c.escalation, c.grouping, c.inhibition, modelAlertNames()};
}

namespace {

// The `models` section, each model's part as its component writes it.
void writeModels(ConfigWriter& w, const Config& c) {
  w.beginMap("models");
  for (const ModelComponent& m : modelComponents()) {
    if (m.write == nullptr) continue;
    w.beginMap(m.name);
    m.write(w, c.models);
    w.endMap();
  }
  w.endMap();
}

}  // namespace

void writeModelSections(ConfigWriter& w, const Config& c) {
  writeSection(w, "clocks", c.clocks);
  writeModels(w, c);
}

void writeConfig(ConfigWriter& w, const Config& c) {
  writeConfig(w, static_cast<const TopLevelConfig&>(c));
  writeFeeds(w, feedKinds(), c.feeds);
  for (const SinkComponent& s : sinkComponents()) {
    if (s.write == nullptr) continue;
    if (!s.section.empty()) w.beginMap(s.section);
    s.write(w, c.sinks);
    if (!s.section.empty()) w.endMap();
  }
  writeSection(w, "pseudonym", c.pseudonym);
  writeSection(w, "ingest", c.ingest);
  writeSection(w, "shard", c.shard);
  writeSection(w, "clocks", c.clocks);
  writeSection(w, "store", c.store);
  writeSection(w, "ha", c.ha);
  writeSection(w, "snapshot", c.snapshot);
  writeSection(w, "retention", c.retention);
  writeSection(w, "http", c.http);
  writeSection(w, "auth", c.auth);
  writeSection(w, "workflow", c.workflow);
  writeSection(w, "escalation", c.escalation);
  writeSection(w, "grouping", c.grouping);
  writeSection(w, "inhibition", c.inhibition);
  writeModels(w, c);
}

}  // namespace casewatch
