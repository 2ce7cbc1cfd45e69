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
  r.read("rescore_every_days", c.rescore_every_days, 0.01, 30);
  if (const ConfigNode* n = r.take("learn")) {
    MapReader l(r.decoder(), *n, r.pathOf("learn"));
    EscalationLearnConfig& e = c.learn;
    l.read("enabled", e.enabled);
    l.read("refit_every_days", e.refit_every_days, 1, 365);
    l.read("horizon_days", e.horizon_days, 1, 3650);
    l.read("row_every_days", e.row_every_days, 1, 365);
    l.read("min_labelled_cases", e.min_labelled_cases, 20, 100000000);
    l.read("holdout_share", e.holdout_share, 0.05, 0.5);
    l.read("min_auc", e.min_auc, 0.5, 1);
    l.read("max_calibration_error", e.max_calibration_error, 0.001, 1);
    l.read("l2", e.l2, 0, 1000);
    l.read("max_rows", e.max_rows, 1000, 100000000);
  }
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
  w.number("rescore_every_days", c.rescore_every_days);
  w.beginMap("learn");
  w.boolean("enabled", c.learn.enabled);
  w.integer("refit_every_days", c.learn.refit_every_days);
  w.integer("horizon_days", c.learn.horizon_days);
  w.integer("row_every_days", c.learn.row_every_days);
  w.integer("min_labelled_cases", c.learn.min_labelled_cases);
  w.number("holdout_share", c.learn.holdout_share);
  w.number("min_auc", c.learn.min_auc);
  w.number("max_calibration_error", c.learn.max_calibration_error);
  w.number("l2", c.learn.l2);
  w.integer("max_rows", c.learn.max_rows);
  w.endMap();
}

}  // namespace casewatch
