// workflow: the lifecycle between the alert book and the sinks (alerts/workflow/). Documented key
// by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct WorkflowConfig {
  int min_hold_minutes = 30;       // a lower tier must persist this long before a downgrade shows
  int silence_retention_days = 7;  // an ended silence is kept this long for the record
  friend bool operator==(const WorkflowConfig&, const WorkflowConfig&) = default;
};

// The `workflow` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, WorkflowConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const WorkflowConfig& c);
void writeConfig(ConfigWriter& w, const WorkflowConfig& c);

}  // namespace casewatch
