// models.stability: a per-region stability index from the other models' alerts
// (models/stability/). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct StabilityConfig {
  double weight_blue = 1;  // pressure points per open alert per 100 open cases, by tier
  double weight_yellow = 2;
  double weight_orange = 4;
  double weight_red = 8;
  double collective_factor = 3;  // group_incident alerts weigh this many times more
  double overdue_weight = 20;    // pressure points for an overdue share of 100% of open cases
  double ledger_weight = 1;      // pressure points per ledgered case per 100 open cases
  int min_open_cases = 100;      // the per-case densities divide by at least this many cases
  double scale = 40;             // index = 100·exp(−pressure/scale)
  double blue_below = 85;        // tier when the index falls to or below these
  double yellow_below = 70;
  double orange_below = 50;
  double red_below = 30;
  double hysteresis = 5;  // a tier is left only when the index rises this far above its bound
  friend bool operator==(const StabilityConfig&, const StabilityConfig&) = default;
};

// The section's keys, read from `r` (the models.stability map); the checks across them, reported
// under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, StabilityConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const StabilityConfig& c);
void writeConfig(ConfigWriter& w, const StabilityConfig& c);

}  // namespace casewatch
