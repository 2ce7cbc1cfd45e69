#include "models/group_incident/group_incident_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<EarsMethod> kEarsMethods = {
    {"c1", EarsMethod::kC1}, {"c2", EarsMethod::kC2}, {"c3", EarsMethod::kC3}};

}  // namespace

void decodeConfig(MapReader& r, GroupIncidentConfig& c) {
  r.read("large_group_size", c.large_group_size, 2, 1000000);
  r.read("yellow_persons_24h", c.yellow_persons_24h, 2, 1000000);
  r.read("yellow_persons_7d", c.yellow_persons_7d, 2, 1000000);
  r.read("orange_persons_24h", c.orange_persons_24h, 2, 1000000);
  r.read("orange_persons_7d", c.orange_persons_7d, 2, 1000000);
  r.read("red_persons_24h", c.red_persons_24h, 2, 1000000);
  r.read("red_persons_7d", c.red_persons_7d, 2, 1000000);
  r.read("ears_method", c.ears_method, kEarsMethods);
  r.read("ears_alpha", c.ears_alpha, 1e-9, 0.5);
  r.read("ears_baseline", c.ears_baseline, 3, 365);
  r.read("ears_min_sigma", c.ears_min_sigma, 0, 1000);
  r.read("cusum_k", c.cusum_k, 1.01, 100);
  r.read("cusum_h", c.cusum_h, 0.01, 1000);
  r.read("cusum_min_baseline", c.cusum_min_baseline, 1e-6, 1000);
  r.read("baseline_half_life_weeks", c.baseline_half_life_weeks, 0.1, 520);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const GroupIncidentConfig& c) {
  const std::string gi = path + ".";
  checkOrder<int>(d, gi + "yellow_persons_24h", c.yellow_persons_24h, gi + "orange_persons_24h",
                  c.orange_persons_24h);
  checkOrder<int>(d, gi + "orange_persons_24h", c.orange_persons_24h, gi + "red_persons_24h",
                  c.red_persons_24h);
  checkOrder<int>(d, gi + "yellow_persons_7d", c.yellow_persons_7d, gi + "orange_persons_7d",
                  c.orange_persons_7d);
  checkOrder<int>(d, gi + "orange_persons_7d", c.orange_persons_7d, gi + "red_persons_7d",
                  c.red_persons_7d);
}

void writeConfig(ConfigWriter& w, const GroupIncidentConfig& c) {
  w.integer("large_group_size", c.large_group_size);
  w.integer("yellow_persons_24h", c.yellow_persons_24h);
  w.integer("yellow_persons_7d", c.yellow_persons_7d);
  w.integer("orange_persons_24h", c.orange_persons_24h);
  w.integer("orange_persons_7d", c.orange_persons_7d);
  w.integer("red_persons_24h", c.red_persons_24h);
  w.integer("red_persons_7d", c.red_persons_7d);
  w.name("ears_method", enumName(kEarsMethods, c.ears_method));
  w.number("ears_alpha", c.ears_alpha);
  w.integer("ears_baseline", c.ears_baseline);
  w.number("ears_min_sigma", c.ears_min_sigma);
  w.number("cusum_k", c.cusum_k);
  w.number("cusum_h", c.cusum_h);
  w.number("cusum_min_baseline", c.cusum_min_baseline);
  w.number("baseline_half_life_weeks", c.baseline_half_life_weeks);
  w.integer("quiet_days", c.quiet_days);
}

}  // namespace casewatch
