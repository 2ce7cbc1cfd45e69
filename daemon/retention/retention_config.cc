#include "daemon/retention/retention_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, RetentionConfig& c) {
  // Up to 100 years; 0 = keep forever.
  r.read("closed_case_days", c.closed_case_days, 0, 36500);
  r.read("alert_history_days", c.alert_history_days, 0, 36500);
  r.read("dead_letter_days", c.dead_letter_days, 0, 36500);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const RetentionConfig& c) {
  (void)d, (void)path, (void)c;  // each key stands alone
}

void writeConfig(ConfigWriter& w, const RetentionConfig& c) {
  w.integer("closed_case_days", c.closed_case_days);
  w.integer("alert_history_days", c.alert_history_days);
  w.integer("dead_letter_days", c.dead_letter_days);
}

}  // namespace casewatch
