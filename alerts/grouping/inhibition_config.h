// inhibition: an alert at min_tier or above inhibits lower tiers of other models on its subject
// (alerts/grouping/inhibitor.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct InhibitionConfig {
  bool enabled = true;
  std::string min_tier = "red";  // blue, yellow, orange or red (checked when decoded)
  friend bool operator==(const InhibitionConfig&, const InhibitionConfig&) = default;
};

// The `inhibition` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, InhibitionConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const InhibitionConfig& c);
void writeConfig(ConfigWriter& w, const InhibitionConfig& c);

}  // namespace casewatch
