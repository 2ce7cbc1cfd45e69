// models.recurring_matter: matters that keep drawing contacts, from anyone, over weeks
// (models/recurring_matter/). Counts are "return days": local days with a contact on the matter
// after the day of its first contact. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct RecurringMatterConfig {
  // The tail probability (under the baseline) at or below which a matter reaches each tier.
  double yellow_p = 1e-3;
  double orange_p = 1e-5;
  double red_p = 1e-7;
  // No alert below both minimum counts, whatever the probability.
  int min_returns_30d = 4;
  int min_returns_90d = 6;
  // The baseline before the region's category has completed matters of its own: the mean return
  // days of a matter in its first 90 days, and how many matters that prior weighs.
  double prior_returns_90d = 0.5;
  double prior_matters = 50;
  // Gamma shape of the rates of a category's matters (negative binomial size): smaller = matters
  // differ more, and a count must be larger to stand out.
  double dispersion_size = 1.0;
  double baseline_half_life_days = 180;  // completed matters weigh half after this long
  int quiet_days = 30;  // an alert resolves after this long without a return (and p above yellow_p)
  friend bool operator==(const RecurringMatterConfig&, const RecurringMatterConfig&) = default;
};

// The section's keys, read from `r` (the models.recurring_matter map); the checks across them,
// reported under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, RecurringMatterConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const RecurringMatterConfig& c);
void writeConfig(ConfigWriter& w, const RecurringMatterConfig& c);

}  // namespace casewatch
