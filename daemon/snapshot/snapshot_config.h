// snapshot: how often the daemon writes a snapshot of its state beside the journal
// (daemon/snapshot/), so that start-up replays only the journal after it and older journal
// segments can go. Documented key by key in config/casewatch.yaml.
#pragma once

#include <cstddef>
#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct SnapshotConfig {
  bool enabled = true;
  size_t every_events = 250000;  // a snapshot after this many accepted events ...
  int every_minutes = 10;        // ... or this long after the last, if any event came since
  int keep = 2;                  // snapshots kept; journal segments before the oldest go
  friend bool operator==(const SnapshotConfig&, const SnapshotConfig&) = default;
};

void decodeConfig(MapReader& r, SnapshotConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const SnapshotConfig& c);
void writeConfig(ConfigWriter& w, const SnapshotConfig& c);

}  // namespace casewatch
