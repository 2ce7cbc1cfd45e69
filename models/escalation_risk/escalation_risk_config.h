// models.escalation_risk: P(a case is taken to a higher level within the model file's horizon),
// a logistic regression whose coefficients come from `casewatch fit escalation`
// (models/escalation_risk/). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct EscalationRiskConfig {
  std::string model_file;         // MODEL.json; "" = the model is off (and costs nothing)
  double blue_probability = 0.2;  // tier thresholds on the probability, non-decreasing
  double yellow_probability = 0.35;
  double orange_probability = 0.5;
  double red_probability = 0.7;
  int top_features = 3;              // contributions named in each alert
  double visit_half_life_days = 30;  // decay of the visit_intensity feature
  friend bool operator==(const EscalationRiskConfig&, const EscalationRiskConfig&) = default;
};

// The section's keys, read from `r` (the models.escalation_risk map); the checks across them,
// reported under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, EscalationRiskConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const EscalationRiskConfig& c);
void writeConfig(ConfigWriter& w, const EscalationRiskConfig& c);

}  // namespace casewatch
