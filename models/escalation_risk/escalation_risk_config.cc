#include "models/escalation_risk/escalation_risk_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, EscalationRiskConfig& c) {
  r.read("model_file", c.model_file);
  r.read("blue_probability", c.blue_probability, 0, 1);
  r.read("yellow_probability", c.yellow_probability, 0, 1);
  r.read("orange_probability", c.orange_probability, 0, 1);
  r.read("red_probability", c.red_probability, 0, 1);
  r.read("top_features", c.top_features, 1, 20);
  r.read("visit_half_life_days", c.visit_half_life_days, 0.1, 3650);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const EscalationRiskConfig& c) {
  const std::string er = path + ".";
  checkOrder<double>(d, er + "blue_probability", c.blue_probability, er + "yellow_probability",
                     c.yellow_probability);
  checkOrder<double>(d, er + "yellow_probability", c.yellow_probability, er + "orange_probability",
                     c.orange_probability);
  checkOrder<double>(d, er + "orange_probability", c.orange_probability, er + "red_probability",
                     c.red_probability);
  if (!c.model_file.empty()) checkReadableFile(d, er + "model_file", c.model_file);
}

void writeConfig(ConfigWriter& w, const EscalationRiskConfig& c) {
  w.string("model_file", c.model_file);
  w.number("blue_probability", c.blue_probability);
  w.number("yellow_probability", c.yellow_probability);
  w.number("orange_probability", c.orange_probability);
  w.number("red_probability", c.red_probability);
  w.integer("top_features", c.top_features);
  w.number("visit_half_life_days", c.visit_half_life_days);
}

}  // namespace casewatch
