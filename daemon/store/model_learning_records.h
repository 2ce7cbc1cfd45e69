// What the models learn from, as the alert store keeps it (tables training_rows and model_fits):
// a model's training rows as they are labelled, and every refit with its outcome. Generic over
// models: a row is a labelled vector of features with the case it belongs to.
// Privacy: ids of cases and events only; never a person id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"

namespace casewatch {

struct TrainingRow {
  std::string model;
  // Unique within the model, and its `at` follows from it: a repeated write of the row (the same
  // id and time, e.g. taken again in the journal's replay after a restart) replaces it.
  std::string row_id;
  std::string case_id;
  TimeMs registered_at = 0;
  TimeMs at = 0;
  int label = 0;
  std::vector<double> features;  // stored as a blob of IEEE doubles: read back bit for bit
};

struct ModelFitRow {
  int64_t id = 0;
  std::string model;
  TimeMs at = 0;  // event time of the refit
  int64_t rows = 0;
  double auc = 0;  // NaN: none
  double calibration_error = 0;
  bool accepted = false;
  std::string reason;
  std::string json;  // the model's full record (coefficients, calibration table, gates)
};

}  // namespace casewatch
