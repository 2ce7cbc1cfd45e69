// escalation.<tier>: who is told, in order, while an alert stays unacknowledged
// (alerts/escalation/). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct TierEscalationConfig {
  std::vector<std::string> chain;           // level 0, 1, 2, ...; chain[0] is told at firing
  std::vector<int> after_minutes;           // minutes in the tier before level 1, 2, ...
  int renotify_minutes = 0;                 // at the chain's end, remind this often; 0 = never
  std::vector<std::string> notify_at_once;  // told at once when an alert reaches the tier
  friend bool operator==(const TierEscalationConfig&, const TierEscalationConfig&) = default;
};

struct EscalationConfig {
  TierEscalationConfig red{
      {"duty_officer", "section_chief", "leadership"}, {30, 120}, 1440, {"leadership"}};
  TierEscalationConfig orange{{"duty_officer", "section_chief", "leadership"}, {240, 1440}, 0, {}};
  TierEscalationConfig yellow{{"duty_officer"}, {}, 0, {}};
  TierEscalationConfig blue{{"duty_officer"}, {}, 0, {}};
  friend bool operator==(const EscalationConfig&, const EscalationConfig&) = default;
};

// The `escalation` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, EscalationConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const EscalationConfig& c);
void writeConfig(ConfigWriter& w, const EscalationConfig& c);

}  // namespace casewatch
