#include "connectors/ingest_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, IngestConfig& c) {
  r.read("orphan_horizon_hours", c.orphan_horizon_hours, 0, 8760);
  r.read("max_message_bytes", c.max_message_bytes, 1, kUnbounded);
  r.read("dead_letter_max_bytes", c.dead_letter_max_bytes, 1, kUnbounded);
  r.read("max_persons", c.max_persons, 1, kUnbounded);
  r.read("dedup_window_days", c.dedup_window_days, 1, 3650);
  r.read("max_future_skew_minutes", c.max_future_skew_minutes, 0, 7 * 24 * 60);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const IngestConfig& c) {
  (void)d, (void)path, (void)c;  // each key stands alone
}

void writeConfig(ConfigWriter& w, const IngestConfig& c) {
  w.integer("orphan_horizon_hours", c.orphan_horizon_hours);
  w.integer("max_message_bytes", static_cast<long long>(c.max_message_bytes));
  w.integer("dead_letter_max_bytes", static_cast<long long>(c.dead_letter_max_bytes));
  w.integer("max_persons", static_cast<long long>(c.max_persons));
  w.integer("dedup_window_days", c.dedup_window_days);
  w.integer("max_future_skew_minutes", c.max_future_skew_minutes);
}

DecoderLimits decoderLimits(const IngestConfig& ingest) {
  DecoderLimits limits;
  limits.max_message_bytes = ingest.max_message_bytes;
  limits.max_persons = ingest.max_persons;
  limits.max_future_skew_ms = static_cast<int64_t>(ingest.max_future_skew_minutes) * 60'000;
  return limits;
}

}  // namespace casewatch
