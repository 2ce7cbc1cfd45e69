// models.group_incident: collective petitions per (region, matter) (models/group_incident/).
// Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

#include "models/stats/ears.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct GroupIncidentConfig {
  int large_group_size = 5;    // one visit or case with group_size >= this is a signal
  int yellow_persons_24h = 5;  // distinct persons on the matter in the region, per tier
  int yellow_persons_7d = 10;
  int orange_persons_24h = 15;
  int orange_persons_7d = 30;
  int red_persons_24h = 30;
  int red_persons_7d = 60;
  EarsMethod ears_method = EarsMethod::kC2;  // c1, c2 or c3 (R surveillance::earsC)
  double ears_alpha = 0.001;
  int ears_baseline = 7;
  double ears_min_sigma = 1.0;
  double cusum_k = 2.0;  // λ1 = k·λ0
  double cusum_h = 5.0;
  double cusum_min_baseline = 0.1;  // floor of λ0 per day
  double baseline_half_life_weeks = 8;
  int quiet_days = 7;  // resolve after this long without a contact on the matter
  friend bool operator==(const GroupIncidentConfig&, const GroupIncidentConfig&) = default;
};

// The section's keys, read from `r` (the models.group_incident map); the checks across them,
// reported under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, GroupIncidentConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const GroupIncidentConfig& c);
void writeConfig(ConfigWriter& w, const GroupIncidentConfig& c);

}  // namespace casewatch
