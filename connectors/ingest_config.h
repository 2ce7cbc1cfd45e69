// ingest: limits on what the feeds accept and how long the state waits for what belongs together
// (connectors/, and the pipeline's orphans and dedup window). Documented key by key in
// config/casewatch.yaml.
#pragma once

#include <cstddef>
#include <string>

#include "connectors/decode/event_decoder.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct IngestConfig {
  int orphan_horizon_hours = 72;  // how long an event may wait for its case.registered
  size_t max_message_bytes = 64 * 1024;
  size_t dead_letter_max_bytes = 2048;  // kept per dead letter, after it is sanitised
  size_t max_persons = 1000;
  int dedup_window_days = 365;  // an event id is remembered for 1 to 1¼ windows of event time
  // A live feed rejects (out_of_range) an event stamped more than this far ahead of the wall
  // clock: one wrong `ts` would otherwise move the event clock ahead for good. 0 = no check;
  // replay takes history as it is and never checks.
  int max_future_skew_minutes = 10;
  friend bool operator==(const IngestConfig&, const IngestConfig&) = default;
};

// The `ingest` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, IngestConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const IngestConfig& c);
void writeConfig(ConfigWriter& w, const IngestConfig& c);

// What a live connector's decoder accepts under these limits.
DecoderLimits decoderLimits(const IngestConfig& ingest);

}  // namespace casewatch
