#include "alerts/workflow/workflow_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, WorkflowConfig& c) {
  r.read("min_hold_minutes", c.min_hold_minutes, 0, 7 * 24 * 60);
  r.read("silence_retention_days", c.silence_retention_days, 1, kMaxDays);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const WorkflowConfig& c) {
  (void)d, (void)path, (void)c;  // each key stands alone
}

void writeConfig(ConfigWriter& w, const WorkflowConfig& c) {
  w.integer("min_hold_minutes", c.min_hold_minutes);
  w.integer("silence_retention_days", c.silence_retention_days);
}

}  // namespace casewatch
