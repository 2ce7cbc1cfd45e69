// models.escalation_risk: P(a case is taken to a higher level within the horizon), a logistic
// regression whose coefficients come from a model file (`casewatch fit escalation`, pinned) or,
// by default, from the daemon's own history (`learn`,
// models/escalation_risk/escalation_self_fit.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

// models.escalation_risk.learn: the self-fit on the daemon's own history.
struct EscalationLearnConfig {
  bool enabled = true;
  int refit_every_days = 1;             // event time between refits
  int horizon_days = 30;                // the label: escalation within this many days of the row
  int row_every_days = 10;              // a row at registration and every this many days of a case
  int min_labelled_cases = 300;         // cases with a labelled row before a fit is tried
  double holdout_share = 0.2;           // the most recently registered cases, held out
  double min_auc = 0.65;                // gate: held-out AUC at least this
  double max_calibration_error = 0.08;  // gate: held-out expected calibration error at most this
  double l2 = 0.01;                     // ridge penalty on the slopes
  int max_rows = 400000;                // the most recent labelled rows a fit reads
  friend bool operator==(const EscalationLearnConfig&, const EscalationLearnConfig&) = default;
};

struct EscalationRiskConfig {
  std::string model_file;         // MODEL.json: pins the model (no learning); "" = learn
  double blue_probability = 0.2;  // tier thresholds on the probability, non-decreasing
  double yellow_probability = 0.35;
  double orange_probability = 0.5;
  double red_probability = 0.7;
  int top_features = 3;              // contributions named in each alert
  double visit_half_life_days = 30;  // decay of the visit_intensity feature
  double rescore_every_days = 1;     // open cases rescored at least this often (event time)
  EscalationLearnConfig learn;
  friend bool operator==(const EscalationRiskConfig&, const EscalationRiskConfig&) = default;
};

// The section's keys, read from `r` (the models.escalation_risk map); the checks across them,
// reported under `path`; and the keys written back into the map the writer has open.
void decodeConfig(MapReader& r, EscalationRiskConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const EscalationRiskConfig& c);
void writeConfig(ConfigWriter& w, const EscalationRiskConfig& c);

}  // namespace casewatch
