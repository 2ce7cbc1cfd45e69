// The daemon's whole configuration: the top-level keys (config/top_level_config.h) and every
// component's section, each a struct owned by its component. It lives here, at the top of the
// flow, because it names components of every stage; config/ below knows none of them. Models and
// sinks are held by type (config/component_configs.h) and filled from the component tables
// (daemon/components.h), so that a new one does not edit this struct; the fixed sections (clocks,
// ingest, workflow, ...) are plain fields.
//
// No component includes this header: each is handed its own struct.
#pragma once

#include <string>
#include <vector>

#include "alerts/escalation/escalation_config.h"
#include "alerts/grouping/grouping_config.h"
#include "alerts/grouping/inhibition_config.h"
#include "alerts/workflow/workflow_config.h"
#include "config/component_configs.h"
#include "config/top_level_config.h"
#include "connectors/feed_config.h"
#include "connectors/ingest_config.h"
#include "connectors/pseudonym/pseudonym_config.h"
#include "daemon/ha/ha_config.h"
#include "daemon/http/auth_config.h"
#include "daemon/http/http_config.h"
#include "daemon/journal/journal_config.h"
#include "daemon/retention/retention_config.h"
#include "daemon/snapshot/snapshot_config.h"
#include "models/clocks_config.h"
#include "state/shard_config.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
struct ConfigNode;
struct WorkflowOptions;

// Inherits the top-level keys so that they read as `config.data_dir`, as they are written.
struct Config : TopLevelConfig {
  std::vector<FeedConfig> feeds;
  PseudonymConfig pseudonym;
  IngestConfig ingest;
  ShardConfig shard;    // which regions this daemon watches (state/shard_scope.h)
  ClocksConfig clocks;  // shared by the models (models/clocks_config.h)
  StoreConfig store;
  HaConfig ha;  // an HA pair on the shared PostgreSQL store (daemon/ha/)
  SnapshotConfig snapshot;
  RetentionConfig retention;
  HttpConfig http;
  AuthConfig auth;
  WorkflowConfig workflow;
  EscalationConfig escalation;
  GroupingConfig grouping;
  InhibitionConfig inhibition;
  ComponentConfigs models;  // models.<name>: each model's struct (daemon/components.cc)
  ComponentConfigs sinks;   // each sink's struct (daemon/components.cc)
  friend bool operator==(const Config&, const Config&) = default;
};

// The whole tree `root` into `c`, each section by its owner, then the checks across keys.
void decodeConfig(ConfigDecoder& d, const ConfigNode& root, Config& c);
// The whole configuration in the shape decodeConfig reads.
void writeConfig(ConfigWriter& w, const Config& c);
// Only the sections the models' state depends on: `clocks` and `models`, as writeConfig writes
// them (the snapshot's configuration fingerprint).
void writeModelSections(ConfigWriter& w, const Config& c);

// The workflow's four sections, as the workflow takes them (alerts/workflow/alert_workflow.h), with
// the model table's alertnames for silences' matchers.
WorkflowOptions workflowOptions(const Config& c);

}  // namespace casewatch
