// models.repeat_visit: persons who keep coming back on the same matter (models/repeat_visit/).
// Rates are per day; a "return" is a contact (visit or new registration) after the first one on
// the matter, counted once per local day. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

// models.repeat_visit.learn: μ, α, β refitted from the contacts the daemon holds.
struct RepeatVisitLearnConfig {
  bool enabled = true;
  int refit_every_days = 1;  // event time between refits
  int min_returns = 200;     // returns (contact days after a pair's first) before a fit is tried
  friend bool operator==(const RepeatVisitLearnConfig&, const RepeatVisitLearnConfig&) = default;
};

struct RepeatVisitConfig {
  double hawkes_mu = 0.002;         // background rate of returns per day (Hawkes μ)
  double hawkes_alpha = 0.05;       // jump of the rate per return (Hawkes α)
  double hawkes_beta = 0.1;         // decay of a jump per day (Hawkes β; α/β < 1)
  double above_level_weight = 1.5;  // weight of a contact lodged above the competent level
  int yellow_returns_30d = 3;
  double yellow_lambda = 0.25;
  int orange_returns_30d = 5;
  double orange_lambda = 0.4;
  int red_returns_30d = 8;
  int red_returns_90d = 12;
  int quiet_days = 30;             // resolve after this long without a return (and λ < yellow)
  int matter_min_persons = 3;      // matter alert: this many persons ...
  int matter_min_returns_90d = 2;  // ... each with this many returns in 90 days
  RepeatVisitLearnConfig learn;
  friend bool operator==(const RepeatVisitConfig&, const RepeatVisitConfig&) = default;
};

// The section's keys, read from `r` (the models.repeat_visit map); the checks across them, reported
// under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, RepeatVisitConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const RepeatVisitConfig& c);
void writeConfig(ConfigWriter& w, const RepeatVisitConfig& c);

}  // namespace casewatch
