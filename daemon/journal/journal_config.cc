#include "daemon/journal/journal_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, StoreConfig& c) {
  r.read("commit_interval_ms", c.commit_interval_ms, 1, 10000);
  r.read("commit_max_events", c.commit_max_events, 1, 1000000);
  r.read("fsync", c.fsync);
  r.read("busy_timeout_ms", c.busy_timeout_ms, 0, 60000);
  r.read("journal_segment_bytes", c.journal_segment_bytes, 4096, 1LL << 30);
  decodeConfig(r, c.alert_store);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const StoreConfig& c) {
  validateConfig(d, path, c.alert_store);
}

void writeConfig(ConfigWriter& w, const StoreConfig& c) {
  w.integer("commit_interval_ms", c.commit_interval_ms);
  w.integer("commit_max_events", static_cast<long long>(c.commit_max_events));
  w.boolean("fsync", c.fsync);
  w.integer("busy_timeout_ms", c.busy_timeout_ms);
  w.integer("journal_segment_bytes", static_cast<long long>(c.journal_segment_bytes));
  writeConfig(w, c.alert_store);
}

}  // namespace casewatch
