#include "daemon/snapshot/snapshot_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, SnapshotConfig& c) {
  r.read("enabled", c.enabled);
  r.read("every_events", c.every_events, 1, 1000000000);
  r.read("every_minutes", c.every_minutes, 1, 10080);
  r.read("keep", c.keep, 1, 10);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const SnapshotConfig& c) {
  (void)d, (void)path, (void)c;  // each key stands alone
}

void writeConfig(ConfigWriter& w, const SnapshotConfig& c) {
  w.boolean("enabled", c.enabled);
  w.integer("every_events", static_cast<long long>(c.every_events));
  w.integer("every_minutes", c.every_minutes);
  w.integer("keep", c.keep);
}

}  // namespace casewatch
