// models.key_case: the key-case ledger (台账) and its alerts (models/key_case/). Documented key by
// key in config/casewatch.yaml.
#pragma once

#include <string>

#include "models/signal.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct KeyCaseConfig {
  Tier repeat_tier = Tier::kOrange;  // enter when the person's repeat_visit tier on the matter
                                     // reaches this (yellow, orange, red)
  int person_open_cases = 3;         // enter when one person has at least this many open cases
  int collective_group_size = 5;     // enter when the case's group_size is at least this
  int exit_quiet_days = 90;          // leave after closed and quiet (no event) for this many days
  int unowned_orange_events = 3;     // no leader: yellow from the first new event, orange from this
  int owner_idle_days = 30;          // orange when the owner has not acted for this many days ...
  int owner_idle_red_days = 60;      // ... red from this many
  friend bool operator==(const KeyCaseConfig&, const KeyCaseConfig&) = default;
};

// The section's keys, read from `r` (the models.key_case map); the checks across them, reported
// under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, KeyCaseConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const KeyCaseConfig& c);
void writeConfig(ConfigWriter& w, const KeyCaseConfig& c);

}  // namespace casewatch
