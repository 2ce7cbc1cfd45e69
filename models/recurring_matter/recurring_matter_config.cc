#include "models/recurring_matter/recurring_matter_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, RecurringMatterConfig& c) {
  r.read("yellow_p", c.yellow_p, 1e-300, 0.5);
  r.read("orange_p", c.orange_p, 1e-300, 0.5);
  r.read("red_p", c.red_p, 1e-300, 0.5);
  r.read("min_returns_30d", c.min_returns_30d, 1, 30);
  r.read("min_returns_90d", c.min_returns_90d, 1, 90);
  r.read("prior_returns_90d", c.prior_returns_90d, 1e-3, 90);
  r.read("prior_matters", c.prior_matters, 1, 1e9);
  r.read("dispersion_size", c.dispersion_size, 0.01, 1e6);
  r.read("baseline_half_life_days", c.baseline_half_life_days, 1, kMaxDays);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const RecurringMatterConfig& c) {
  // Probabilities fall as tiers rise: red's bound is the smallest.
  const std::string rm = path + ".";
  checkOrder<double>(d, rm + "red_p", c.red_p, rm + "orange_p", c.orange_p);
  checkOrder<double>(d, rm + "orange_p", c.orange_p, rm + "yellow_p", c.yellow_p);
}

void writeConfig(ConfigWriter& w, const RecurringMatterConfig& c) {
  w.number("yellow_p", c.yellow_p);
  w.number("orange_p", c.orange_p);
  w.number("red_p", c.red_p);
  w.integer("min_returns_30d", c.min_returns_30d);
  w.integer("min_returns_90d", c.min_returns_90d);
  w.number("prior_returns_90d", c.prior_returns_90d);
  w.number("prior_matters", c.prior_matters);
  w.number("dispersion_size", c.dispersion_size);
  w.number("baseline_half_life_days", c.baseline_half_life_days);
  w.integer("quiet_days", c.quiet_days);
}

}  // namespace casewatch
