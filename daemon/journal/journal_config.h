// store: group commit of the event journal (daemon/journal/). Documented key by key in
// config/casewatch.yaml.
#pragma once

#include <cstddef>
#include <string>

#include "daemon/store/alert_store_config.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct StoreConfig {
  int commit_interval_ms = 5;       // group commit: a batch at least this often
  size_t commit_max_events = 4096;  // ... or when this many events are waiting
  bool fsync = true;                // fdatasync each batch (off only for benchmarks)
  // How long a write to the SQLite store waits for a lock held by another process (e.g. an
  // operator's sqlite3 shell) before the attempt fails and is retried.
  int busy_timeout_ms = 5000;
  // The journal starts a new segment file when a batch would take the current one past this size;
  // compaction deletes whole segments, so this is also the granularity of the disk it frees.
  size_t journal_segment_bytes = 64 << 20;
  // store.kind and store.postgresql: the alert store's engine (daemon/store/alert_store_config.h).
  AlertStoreConfig alert_store;
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

// The `store` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, StoreConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const StoreConfig& c);
void writeConfig(ConfigWriter& w, const StoreConfig& c);

}  // namespace casewatch
