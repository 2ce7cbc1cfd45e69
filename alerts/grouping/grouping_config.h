// grouping: a group alert on a matter gathers the member alerts on that matter under it
// (alerts/grouping/grouper.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct GroupingConfig {
  bool enabled = true;
  // recurring_matter too: the persons who keep coming back on a matter (repeat_visit) and the
  // matter that keeps coming back (recurring_matter) are one thing to a duty officer.
  std::vector<std::string> parent_models{"group_incident", "recurring_matter"};
  std::vector<std::string> member_models{"repeat_visit"};
  friend bool operator==(const GroupingConfig&, const GroupingConfig&) = default;
};

// The `grouping` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, GroupingConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const GroupingConfig& c);
void writeConfig(ConfigWriter& w, const GroupingConfig& c);

}  // namespace casewatch
